import { Schema, type Connection, type Model } from 'mongoose';
import { WriteBatch } from './write-batch.js';
import { DUPLICATE_KEY } from './duplicate-key.js';

export interface HistoryEvent {
  /** `${instanceId}:${seq}` */
  _id: string;
  instanceId: string;
  /** Gap-free, from 1, per instance. */
  seq: number;
  type: string;
  at: Date;
  actor?: string;
  /** The API request that caused the event (state-changing calls are traceable end to end). */
  requestId?: string;
  activityId?: string;
  executionId?: string;
  data?: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

const historySchema = new Schema<HistoryEvent>(
  {
    _id: String,
    instanceId: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    at: { type: Date, required: true },
    actor: String,
    requestId: String,
    activityId: String,
    executionId: String,
    data: Schema.Types.Mixed,
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'history', versionKey: false, minimize: false },
);
historySchema.index({ instanceId: 1, seq: 1 }, { unique: true });
// The daily digest reads one day's events at a time.
historySchema.index({ at: 1 });

/** The append-only, hash-chained history of every instance. */
export class HistoryStore {
  private readonly model: Model<HistoryEvent>;
  private readonly inserts = new WriteBatch<HistoryEvent>(() => this.model.collection as never, {
    ordered: false,
    tolerated: [DUPLICATE_KEY],
  });

  constructor(connection: Connection) {
    this.model =
      connection.models.HistoryEvent ?? connection.model<HistoryEvent>('HistoryEvent', historySchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** Appends events; those already present (a repeated outbox) are left as they are. */
  async append(events: HistoryEvent[]): Promise<void> {
    await Promise.all(events.map((event) => this.inserts.write({ insertOne: { document: event } })));
  }

  forInstance(instanceId: string): Promise<HistoryEvent[]> {
    return this.model.find({ instanceId }).sort({ seq: 1 }).lean<HistoryEvent[]>().exec();
  }

  /** Each instance's last event (highest seq) among those dated in [from, to), by instance id. */
  async headsDated(from: Date, to: Date): Promise<Array<Pick<HistoryEvent, 'instanceId' | 'seq' | 'hash'>>> {
    const events = await this.model
      .find({ at: { $gte: from, $lt: to } }, { _id: 0, instanceId: 1, seq: 1, hash: 1 })
      .lean<Array<Pick<HistoryEvent, 'instanceId' | 'seq' | 'hash'>>>()
      .exec();
    const heads = new Map<string, Pick<HistoryEvent, 'instanceId' | 'seq' | 'hash'>>();
    for (const event of events) {
      const head = heads.get(event.instanceId);
      if (!head || event.seq > head.seq) heads.set(event.instanceId, event);
    }
    return [...heads.values()].sort((a, b) =>
      a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0,
    );
  }

  /** When the oldest event happened, or null when there is no history yet. */
  async earliestAt(): Promise<Date | null> {
    const first = await this.model.findOne({}, { at: 1 }).sort({ at: 1 }).lean<HistoryEvent>().exec();
    return first?.at ?? null;
  }
}
