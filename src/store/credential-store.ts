import { Schema, type Connection, type Model } from 'mongoose';

/** A user's password hash (argon2id), kept apart from the user record so listings never carry it. */
export interface CredentialRecord {
  _id: string;
  hash: string;
  updatedAt: Date;
}

const credentialSchema = new Schema<CredentialRecord>(
  { _id: String, hash: { type: String, required: true }, updatedAt: { type: Date, required: true } },
  { collection: 'credentials', versionKey: false },
);

export class CredentialStore {
  private readonly model: Model<CredentialRecord>;

  constructor(connection: Connection) {
    this.model =
      connection.models.Credential ?? connection.model<CredentialRecord>('Credential', credentialSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async set(userId: string, hash: string, at: Date): Promise<void> {
    await this.model.collection.replaceOne(
      { _id: userId as never },
      { hash, updatedAt: at },
      { upsert: true },
    );
  }

  async hashOf(userId: string): Promise<string | null> {
    return (await this.model.findById(userId).lean<CredentialRecord>().exec())?.hash ?? null;
  }

  async remove(userIds: string[]): Promise<void> {
    await this.model.collection.deleteMany({ _id: { $in: userIds as never[] } });
  }
}
