import { Schema, type Connection, type Model } from 'mongoose';
import { insertNew } from './duplicate-key.js';

/** Where one instance's hash chain stood: its last event of the day and that event's hash. */
export interface DigestHead {
  instanceId: string;
  seq: number;
  hash: string;
}

/** One sealed day: the chain heads of every instance whose history grew that day, signed. */
export interface DigestRecord {
  /** The UTC day, `YYYY-MM-DD`: one digest per day, enforced by the id. */
  _id: string;
  heads: DigestHead[];
  sealedAt: Date;
  /** Which key signed it: the first 8 hex digits of sha256(key). */
  keyId: string;
  /** HMAC-SHA256 over the canonical JSON of day, heads, sealedAt and keyId (hex). */
  mac: string;
}

const digestSchema = new Schema<DigestRecord>(
  {
    _id: String,
    heads: {
      type: [{ _id: false, instanceId: String, seq: Number, hash: String }],
      required: true,
    },
    sealedAt: { type: Date, required: true },
    keyId: { type: String, required: true },
    mac: { type: String, required: true },
  },
  { collection: 'digests', versionKey: false },
);

/** The signed daily digests of chain heads; written once per day, never changed. */
export class DigestStore {
  private readonly model: Model<DigestRecord>;

  constructor(connection: Connection) {
    this.model = connection.models.Digest ?? connection.model<DigestRecord>('Digest', digestSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** Inserts a day's digest; false when that day is sealed already (another node was first). */
  async insert(record: DigestRecord): Promise<boolean> {
    return insertNew(this.model.collection as never, record);
  }

  byDay(day: string): Promise<DigestRecord | null> {
    return this.model.findById(day).lean<DigestRecord>().exec();
  }

  /** The sealed days, oldest first. */
  async days(): Promise<string[]> {
    const found = await this.model
      .find({}, { _id: 1 })
      .sort({ _id: 1 })
      .lean<Array<{ _id: string }>>()
      .exec();
    return found.map((record) => record._id);
  }

  /** Digests of the days from `from` to `to` (inclusive, either open), oldest first. */
  list(range: { from?: string; to?: string } = {}): Promise<DigestRecord[]> {
    const day: Record<string, string> = {};
    if (range.from) day.$gte = range.from;
    if (range.to) day.$lte = range.to;
    return this.model
      .find(Object.keys(day).length ? { _id: day } : {})
      .sort({ _id: 1 })
      .lean<DigestRecord[]>()
      .exec();
  }
}
