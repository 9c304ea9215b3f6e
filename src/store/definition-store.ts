import { Schema, type Connection, type Model } from 'mongoose';

export interface DefinitionRecord {
  /** `${key}:${version}` */
  _id: string;
  key: string;
  version: number;
  name?: string;
  /** sha256 of the XML; a new version only when it changes. */
  hash: string;
  source: string;
  deployedAt: Date;
  deployedBy: string;
  /** Timer start events: when the process starts on its own. */
  startTimers?: Array<{ activityId: string; timerType: string; value: string }>;
}

const definitionSchema = new Schema<DefinitionRecord>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    version: { type: Number, required: true },
    name: String,
    hash: { type: String, required: true },
    source: { type: String, required: true },
    deployedAt: { type: Date, required: true },
    deployedBy: { type: String, required: true },
    startTimers: { type: Schema.Types.Mixed, default: [] },
  },
  { collection: 'definitions', versionKey: false },
);
definitionSchema.index({ key: 1, version: -1 }, { unique: true });
definitionSchema.index({ key: 1, hash: 1 }, { unique: true });

/** Deployed diagram versions. Stored once; instances refer to them by id. */
export class DefinitionStore {
  private readonly model: Model<DefinitionRecord>;

  constructor(connection: Connection) {
    this.model =
      connection.models.Definition ?? connection.model<DefinitionRecord>('Definition', definitionSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  latest(key: string): Promise<DefinitionRecord | null> {
    return this.model.findOne({ key }).sort({ version: -1 }).lean<DefinitionRecord>().exec();
  }

  /** The id of a key's newest version (what a start needs: not the XML). */
  async latestId(key: string): Promise<string | null> {
    const found = await this.model.collection.findOne(
      { key },
      { sort: { version: -1 }, projection: { _id: 1 } },
    );
    return found ? String(found._id) : null;
  }

  byHash(key: string, hash: string): Promise<DefinitionRecord | null> {
    return this.model.findOne({ key, hash }).lean<DefinitionRecord>().exec();
  }

  byId(id: string): Promise<DefinitionRecord | null> {
    return this.model.findById(id).lean<DefinitionRecord>().exec();
  }

  version(key: string, version: number): Promise<DefinitionRecord | null> {
    return this.model.findOne({ key, version }).lean<DefinitionRecord>().exec();
  }

  /** Every version of every key, newest first, without the XML. */
  list(key?: string): Promise<Omit<DefinitionRecord, 'source'>[]> {
    return this.model
      .find(key ? { key } : {}, { source: 0 })
      .sort({ key: 1, version: -1 })
      .lean<Omit<DefinitionRecord, 'source'>[]>()
      .exec();
  }

  keys(): Promise<string[]> {
    return this.model.distinct('key').exec();
  }

  /** Inserts a new version; a concurrent deploy of the same key surfaces as a duplicate key. */
  async insert(record: DefinitionRecord): Promise<void> {
    await this.model.create(record);
  }
}
