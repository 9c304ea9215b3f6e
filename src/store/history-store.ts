import { Schema, type Connection, type Model } from 'mongoose';

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

/** The append-only, hash-chained history of every instance. */
export class HistoryStore {
  private readonly model: Model<HistoryEvent>;

  constructor(connection: Connection) {
    this.model =
      connection.models.HistoryEvent ?? connection.model<HistoryEvent>('HistoryEvent', historySchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** Appends events; those already present (a repeated outbox) are left as they are. */
  async append(events: HistoryEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.model.collection.insertMany(events as never[], { ordered: false });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: Array<{ code?: number }> }).writeErrors;
      const onlyDuplicates =
        (error as { code?: number }).code === 11000 ||
        (Array.isArray(writeErrors) && writeErrors.every((e) => e.code === 11000));
      if (!onlyDuplicates) throw error;
    }
  }

  forInstance(instanceId: string): Promise<HistoryEvent[]> {
    return this.model.find({ instanceId }).sort({ seq: 1 }).lean<HistoryEvent[]>().exec();
  }
}
