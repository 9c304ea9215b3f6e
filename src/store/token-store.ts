import { Schema, type Connection, type Model } from 'mongoose';

/** An API token for an integration (a monitoring tool): one role, hashed at rest, revocable. */
export interface TokenRecord {
  /** The public part of the token (`pp_<id>_<secret>`). */
  _id: string;
  name: string;
  /** sha256 of the secret part. */
  hash: string;
  role: string;
  createdBy: string;
  createdAt: Date;
  revokedAt?: Date;
  lastUsedAt?: Date;
}

const tokenSchema = new Schema<TokenRecord>(
  {
    _id: String,
    name: { type: String, required: true },
    hash: { type: String, required: true },
    role: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    revokedAt: Date,
    lastUsedAt: Date,
  },
  { collection: 'tokens', versionKey: false },
);

export class TokenStore {
  private readonly model: Model<TokenRecord>;

  constructor(connection: Connection) {
    this.model = connection.models.Token ?? connection.model<TokenRecord>('Token', tokenSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async create(token: TokenRecord): Promise<void> {
    await this.model.collection.insertOne(token as never);
  }

  byId(id: string): Promise<TokenRecord | null> {
    return this.model.findById(id).lean<TokenRecord>().exec();
  }

  list(): Promise<TokenRecord[]> {
    return this.model.find({}, { hash: 0 }).sort({ createdAt: -1 }).lean<TokenRecord[]>().exec();
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.model.collection.updateOne(
      { _id: id as never, revokedAt: null },
      { $set: { revokedAt: at } },
    );
    return result.modifiedCount === 1;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.model.collection.updateOne({ _id: id as never }, { $set: { lastUsedAt: at } });
  }
}
