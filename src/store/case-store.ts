import { Schema, type Connection, type Model } from 'mongoose';
import type { PublicationEntry } from '../services/service-types.js';

export type CaseStatus = 'open' | 'closed' | 'cancelled';

export interface GradeChange {
  /** Idempotency: the job or request that made the change. */
  id: string;
  grade: number;
  previous?: number;
  at: Date;
  by: string;
  reason?: string;
}

/** One incident (舆情事件) from intake to closing review: the facts and what the plan promised. */
export interface CaseRecord {
  /** `YQ-20260314-0001` */
  _id: string;
  title: string;
  summary: string;
  category: string;
  platform: string;
  sourceUrls: string[];
  /** Normalised source URLs; unique across cases (drills have their own namespace). */
  sourceKeys: string[];
  firstSeenAt: Date;
  occurredAt: Date;
  evidence?: Array<{ description: string; url?: string }>;
  gradeReason?: string;
  grade: number;
  gradeHistory: GradeChange[];
  drill: boolean;
  via: 'form' | 'api' | 'sweep';
  reportedBy: string;
  /** A caller's own id (Idempotency-Key, a monitoring tool's id, a sweep finding). */
  externalId?: string;
  status: CaseStatus;
  intakeInstanceId: string;
  intakeStartedAt?: Date;
  deadlines: {
    reportDueAt?: Date | null;
    reportedAt?: Date;
    replyDueAt: Date;
    repliedAt?: Date;
    replyBreachedAt?: Date;
  };
  publications: PublicationEntry[];
  outcome?: string;
  closedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const caseSchema = new Schema<CaseRecord>(
  {
    _id: String,
    title: { type: String, required: true },
    summary: { type: String, required: true },
    category: { type: String, required: true },
    platform: { type: String, required: true },
    sourceUrls: { type: [String], required: true },
    sourceKeys: { type: [String], required: true },
    firstSeenAt: { type: Date, required: true },
    occurredAt: { type: Date, required: true },
    evidence: Schema.Types.Mixed,
    gradeReason: String,
    grade: { type: Number, required: true },
    gradeHistory: { type: Schema.Types.Mixed, default: [] },
    drill: { type: Boolean, default: false },
    via: { type: String, required: true },
    reportedBy: { type: String, required: true },
    externalId: String,
    status: { type: String, required: true },
    intakeInstanceId: { type: String, required: true },
    intakeStartedAt: Date,
    deadlines: Schema.Types.Mixed,
    publications: { type: Schema.Types.Mixed, default: [] },
    outcome: String,
    closedAt: Date,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'cases', versionKey: false, minimize: false },
);
caseSchema.index({ sourceKeys: 1 }, { unique: true });
caseSchema.index({ externalId: 1 }, { unique: true, sparse: true });
caseSchema.index({ status: 1, createdAt: -1 });

interface CounterRecord {
  _id: string;
  seq: number;
}
const counterSchema = new Schema<CounterRecord>(
  { _id: String, seq: Number },
  { collection: 'counters', versionKey: false },
);

export interface CaseFilter {
  /** Only these cases (a person's own), or those they reported. */
  within?: { ids: string[]; reportedBy: string };
  status?: CaseStatus;
  grade?: number;
  category?: string;
  drill?: boolean;
  createdFrom?: Date;
  createdTo?: Date;
}

/** Cases, numbered per day; written by intake and by the plan's own service tasks. */
export class CaseStore {
  private readonly model: Model<CaseRecord>;
  private readonly counters: Model<CounterRecord>;

  constructor(connection: Connection) {
    this.model = connection.models.Case ?? connection.model<CaseRecord>('Case', caseSchema);
    this.counters = connection.models.Counter ?? connection.model<CounterRecord>('Counter', counterSchema);
  }

  async init(): Promise<void> {
    await Promise.all([this.model.init(), this.counters.init()]);
  }

  /** The next case number of a day (in the office's time zone, given as `yyyymmdd`). */
  async nextId(day: string): Promise<string> {
    const counter = await this.counters
      .findOneAndUpdate({ _id: `case:${day}` }, { $inc: { seq: 1 } }, { upsert: true, new: true })
      .lean<CounterRecord>()
      .exec();
    return `YQ-${day}-${String(counter!.seq).padStart(4, '0')}`;
  }

  /** Inserts a case; a duplicate source or external id throws the driver's 11000 error. */
  async insert(record: CaseRecord): Promise<void> {
    await this.model.collection.insertOne(record as never);
  }

  byId(id: string): Promise<CaseRecord | null> {
    return this.model.findById(id).lean<CaseRecord>().exec();
  }

  byIds(ids: string[]): Promise<CaseRecord[]> {
    return this.model
      .find({ _id: { $in: ids } })
      .lean<CaseRecord[]>()
      .exec();
  }

  byExternalId(externalId: string): Promise<CaseRecord | null> {
    return this.model.findOne({ externalId }).lean<CaseRecord>().exec();
  }

  bySourceKeys(keys: string[]): Promise<CaseRecord | null> {
    return this.model
      .findOne({ sourceKeys: { $in: keys } })
      .lean<CaseRecord>()
      .exec();
  }

  /** Cases whose intake process a crash kept from starting (opened before `before`, if given). */
  withoutIntake(before?: Date): Promise<CaseRecord[]> {
    return this.model
      .find({ status: 'open', ...(before ? { createdAt: { $lt: before } } : {}), intakeStartedAt: null })
      .lean<CaseRecord[]>()
      .exec();
  }

  async markIntakeStarted(id: string, at: Date): Promise<void> {
    await this.model.collection.updateOne(
      { _id: id as never },
      { $set: { intakeStartedAt: at, updatedAt: at } },
    );
  }

  list(filter: CaseFilter, page: { skip: number; limit: number }): Promise<CaseRecord[]> {
    const query: Record<string, unknown> = {};
    if (filter.within)
      query.$or = [{ _id: { $in: filter.within.ids } }, { reportedBy: filter.within.reportedBy }];
    if (filter.status) query.status = filter.status;
    if (filter.grade) query.grade = filter.grade;
    if (filter.category) query.category = filter.category;
    if (filter.drill !== undefined) query.drill = filter.drill;
    if (filter.createdFrom || filter.createdTo)
      query.createdAt = {
        ...(filter.createdFrom ? { $gte: filter.createdFrom } : {}),
        ...(filter.createdTo ? { $lt: filter.createdTo } : {}),
      };
    return this.model
      .find(query)
      .sort({ createdAt: -1 })
      .skip(page.skip)
      .limit(page.limit)
      .lean<CaseRecord[]>()
      .exec();
  }

  /** Records a re-grade once (a retried job finds its change already there). */
  async recordGradeChange(id: string, change: GradeChange, reportDueAt: Date | null): Promise<void> {
    await this.model.collection.updateOne(
      { _id: id as never, 'gradeHistory.id': { $ne: change.id } },
      {
        $set: { grade: change.grade, 'deadlines.reportDueAt': reportDueAt, updatedAt: change.at },
        $push: { gradeHistory: change as never },
      },
    );
  }

  /** The first report time only; later reports (after a re-grade) do not move it. */
  async recordReported(id: string, at: Date): Promise<void> {
    await this.model.collection.updateOne(
      { _id: id as never, 'deadlines.reportedAt': null },
      { $set: { 'deadlines.reportedAt': at, updatedAt: at } },
    );
  }

  /** The first public reply meets the reply deadline; a later one (after a re-grade) does not move it. */
  async recordReplied(id: string, at: Date): Promise<void> {
    await this.model.collection.updateOne(
      { _id: id as never, 'deadlines.repliedAt': null },
      { $set: { 'deadlines.repliedAt': at, updatedAt: at } },
    );
  }

  /** A breach counts only when the reply had not gone out by then. */
  async recordReplyBreach(id: string, at: Date): Promise<void> {
    await this.model.collection.updateOne(
      { _id: id as never, 'deadlines.repliedAt': null, 'deadlines.replyBreachedAt': null },
      { $set: { 'deadlines.replyBreachedAt': at, updatedAt: at } },
    );
  }

  /**
   * Appends a publication once (by its id); the first public reply also meets the reply
   * deadline. Publications are never edited: a correction is a new entry.
   */
  async recordPublication(id: string, entry: PublicationEntry): Promise<void> {
    await this.model.collection.updateOne(
      { _id: id as never, 'publications.id': { $ne: entry.id } },
      { $push: { publications: entry as never }, $set: { updatedAt: entry.publishedAt } },
    );
    if (entry.kind === 'reply') await this.recordReplied(id, entry.publishedAt);
  }

  async close(id: string, outcome: string, at: Date): Promise<void> {
    await this.model.collection.updateOne(
      { _id: id as never, status: 'open' },
      { $set: { status: 'closed', outcome, closedAt: at, updatedAt: at } },
    );
  }
}
