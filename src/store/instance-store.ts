import { BSON } from 'mongodb';
import { Schema, type Connection, type Model } from 'mongoose';
import { WriteBatch } from './write-batch.js';
import { insertNew } from './duplicate-key.js';
import type { OutboxEntry } from './outbox.js';

export type InstanceStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface ParentLink {
  instanceId: string;
  activityId: string;
  executionId: string;
}

export interface WaitEntry {
  kind: 'task' | 'timer' | 'service' | 'call' | 'message' | 'signal';
  activityId: string;
  /** Message or signal name the execution waits for. */
  event?: string;
  /** A timer: when it is due (so a command can tell it is overdue without the job). */
  dueAt?: Date;
}

export interface InstanceRecord {
  _id: string;
  definitionId: string;
  definitionKey: string;
  definitionVersion: number;
  businessKey?: string;
  status: InstanceStatus;
  /** Bumped by every committed command; a command commits only on the revision it loaded. */
  revision: number;
  /** bpmn-engine state without the diagram source. */
  engineState: Record<string, unknown> | null;
  variables: Record<string, unknown>;
  /** Executions waiting on the host (user tasks, timers, service jobs, calls), by execution id. */
  waits: Record<string, WaitEntry>;
  parent?: ParentLink;
  /** `signal:<name>` / `message:<name>` this instance waits for: an index to find receivers. */
  awaiting?: string[];
  /** What this revision still has to write elsewhere; emptied once written. */
  outbox: OutboxEntry[];
  /** Set while the outbox is not written out yet (an indexed marker for repair). */
  pendingOutbox?: boolean;
  historySeq: number;
  historyHead: string;
  outcome?: string;
  error?: string;
  createdAt: Date;
  updatedAt: Date;
  endedAt?: Date;
}

const instanceSchema = new Schema<InstanceRecord>(
  {
    _id: String,
    definitionId: { type: String, required: true },
    definitionKey: { type: String, required: true },
    definitionVersion: { type: Number, required: true },
    businessKey: String,
    status: { type: String, required: true },
    revision: { type: Number, required: true },
    engineState: { type: Schema.Types.Mixed, default: null },
    variables: { type: Schema.Types.Mixed, default: {} },
    waits: { type: Schema.Types.Mixed, default: {} },
    parent: { type: Schema.Types.Mixed },
    awaiting: { type: [String], default: undefined },
    outbox: { type: Schema.Types.Mixed, default: [] },
    pendingOutbox: Boolean,
    historySeq: { type: Number, required: true },
    historyHead: { type: String, required: true },
    outcome: String,
    error: String,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    endedAt: Date,
  },
  { collection: 'instances', versionKey: false, minimize: false },
);
instanceSchema.index({ definitionKey: 1, status: 1 });
// The repair sweep looks for running instances every few seconds: it must not read finished ones.
instanceSchema.index({ status: 1, createdAt: 1 });
instanceSchema.index({ businessKey: 1 });
instanceSchema.index({ awaiting: 1 }, { sparse: true });
instanceSchema.index({ pendingOutbox: 1 }, { sparse: true });

/** A record as reading it back would give it (what the driver stores for `undefined`). */
export function asStored<T extends object>(record: T): T {
  return BSON.deserialize(BSON.serialize(record)) as T;
}

export type InstanceChanges = Omit<
  InstanceRecord,
  '_id' | 'createdAt' | 'revision' | 'definitionId' | 'definitionKey' | 'definitionVersion'
>;

/** Process instances: one document each, changed only by a conditional write per command. */
export class InstanceStore {
  private readonly model: Model<InstanceRecord>;
  private readonly clears = new WriteBatch<InstanceRecord>(() => this.model.collection as never, {
    ordered: false,
  });

  constructor(connection: Connection) {
    this.model = connection.models.Instance ?? connection.model<InstanceRecord>('Instance', instanceSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** Every command's read: straight through the driver, as mongoose's query layer adds nothing here. */
  load(id: string): Promise<InstanceRecord | null> {
    return this.model.collection.findOne({ _id: id as never }) as Promise<InstanceRecord | null>;
  }

  /** An instance's status and variables without its engine state (what a service needs). */
  variablesOf(id: string): Promise<Pick<InstanceRecord, '_id' | 'status' | 'variables'> | null> {
    return this.model.collection.findOne(
      { _id: id as never },
      { projection: { status: 1, variables: 1 } },
    ) as Promise<Pick<InstanceRecord, '_id' | 'status' | 'variables'> | null>;
  }

  /** Inserts a new instance; false when one with this id exists already (an idempotent start). */
  async create(record: InstanceRecord): Promise<boolean> {
    return insertNew(this.model.collection as never, record);
  }

  /** Writes the next revision if nobody else did since `revision` was loaded. */
  async commit(id: string, revision: number, changes: InstanceChanges): Promise<boolean> {
    // `pendingOutbox` marks instances with writes still owed, so repair finds them by index.
    const pending = changes.outbox.length > 0;
    const result = await this.model.collection.updateOne(
      { _id: id as never, revision },
      pending
        ? { $set: { ...changes, revision: revision + 1, pendingOutbox: true } }
        : { $set: { ...changes, revision: revision + 1 }, $unset: { pendingOutbox: '' } },
    );
    return result.modifiedCount === 1;
  }

  /** Empties the outbox once its entries are written, unless a newer revision replaced it. */
  clearOutbox(id: string, revision: number): Promise<void> {
    return this.clears.write({
      updateOne: {
        filter: { _id: id, revision },
        update: { $set: { outbox: [] }, $unset: { pendingOutbox: '' } },
      },
    });
  }

  /**
   * Instances whose outbox was not written out (a crash between commit and write); with
   * `before`, only those committed earlier than that (older than any live writer would take).
   */
  withPendingOutbox(limit = 100, before?: Date): Promise<InstanceRecord[]> {
    return this.model
      .find({ pendingOutbox: true, ...(before ? { updatedAt: { $lt: before } } : {}) })
      .limit(limit)
      .lean<InstanceRecord[]>()
      .exec();
  }

  /** Instances created (before `before`, if given) but whose first step never ran (a crash right after the insert). */
  neverBegun(limit = 1000, before?: Date): Promise<InstanceRecord[]> {
    return this.model
      .find(
        { status: 'running', engineState: null, ...(before ? { createdAt: { $lt: before } } : {}) },
        { _id: 1 },
      )
      .limit(limit)
      .lean<InstanceRecord[]>()
      .exec();
  }

  /** Running instances waiting for a signal or message (`signal:<name>`). */
  async awaitingEvent(event: string, limit = 10_000): Promise<string[]> {
    const found = await this.model
      .find({ awaiting: event, status: 'running' }, { _id: 1 })
      .limit(limit)
      .lean<Array<{ _id: string }>>()
      .exec();
    return found.map((record) => record._id);
  }

  list(
    filter: { definitionKey?: string; status?: InstanceStatus; businessKey?: string } = {},
    limit = 100,
  ): Promise<InstanceRecord[]> {
    return this.model
      .find(filter, { engineState: 0 })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<InstanceRecord[]>()
      .exec();
  }
}
