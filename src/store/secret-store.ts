import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';

interface SecretRecord {
  _id: string;
  value: string;
  createdAt: Date;
}

const secretSchema = new Schema<SecretRecord>(
  { _id: String, value: { type: String, required: true }, createdAt: { type: Date, required: true } },
  { collection: 'secrets', versionKey: false },
);

/**
 * Keys every node must share (the county-link signing key): made once, at random, by whichever
 * node asks first, and read from the database by the others.
 */
export class SecretStore {
  private readonly model: Model<SecretRecord>;

  constructor(connection: Connection) {
    this.model = connection.models.Secret ?? connection.model<SecretRecord>('Secret', secretSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async get(name: string): Promise<string> {
    const fresh = { _id: name, value: randomBytes(32).toString('base64url'), createdAt: new Date() };
    await this.model.collection.updateOne({ _id: name as never }, { $setOnInsert: fresh }, { upsert: true });
    const stored = await this.model.findById(name).lean<SecretRecord>().exec();
    return stored!.value;
  }
}
