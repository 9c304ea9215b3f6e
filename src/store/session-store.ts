import { Schema, type Connection, type Model } from 'mongoose';

/** A signed-in browser: kept under the hash of its cookie value, so a database dump opens nothing. */
export interface SessionRecord {
  _id: string;
  userId: string;
  /** Sent back on every unsafe request (double submit: header must equal it). */
  csrf: string;
  createdAt: Date;
  expiresAt: Date;
}

const sessionSchema = new Schema<SessionRecord>(
  {
    _id: String,
    userId: { type: String, required: true },
    csrf: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'sessions', versionKey: false },
);
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
sessionSchema.index({ userId: 1 });

export class SessionStore {
  private readonly model: Model<SessionRecord>;

  constructor(connection: Connection) {
    this.model = connection.models.Session ?? connection.model<SessionRecord>('Session', sessionSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async create(session: SessionRecord): Promise<void> {
    await this.model.collection.insertOne(session as never);
  }

  async live(id: string, now: Date): Promise<SessionRecord | null> {
    return this.model
      .findOne({ _id: id, expiresAt: { $gt: now } })
      .lean<SessionRecord>()
      .exec();
  }

  async remove(id: string): Promise<void> {
    await this.model.collection.deleteOne({ _id: id as never });
  }

  async removeForUsers(userIds: string[]): Promise<void> {
    await this.model.collection.deleteMany({ userId: { $in: userIds } });
  }
}
