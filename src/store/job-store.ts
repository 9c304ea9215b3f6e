import { Schema, type Connection, type Model } from 'mongoose';
import { WriteBatch } from './write-batch.js';

/**
 * timer: fire it; service: call it; call-start / call-complete: start a child, report back to
 * its parent; process-start: a timer start event's schedule (starts an instance, re-arms);
 * system: a node's own recurring task named by its topic (the daily digest), re-armed by it.
 */
export type JobKind = 'timer' | 'service' | 'call-start' | 'call-complete' | 'process-start' | 'system';
export type JobStatus = 'pending' | 'running' | 'done' | 'cancelled' | 'incident';

export interface JobRecord {
  /** The idempotency key: instance + activity + execution. */
  _id: string;
  kind: JobKind;
  instanceId: string;
  activityId: string;
  executionId: string;
  /** For service jobs: the registered service; for timers: the timer type. */
  topic?: string;
  dueAt: Date;
  /**
   * When a node may next take the job: its due time while pending, the end of its lease while
   * running, absent once it is finished. Claims scan this one field's index, so the cost of
   * finding due work does not grow with the number of finished jobs.
   */
  runAt?: Date;
  status: JobStatus;
  attempts: number;
  leaseOwner?: string;
  leaseUntil?: Date;
  lastError?: string;
  /** What a call job needs (the child's process key and variables, or the child's outcome). */
  payload?: Record<string, unknown>;
  /** A service's output, kept until the instance has taken it. */
  result?: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

const jobSchema = new Schema<JobRecord>(
  {
    _id: String,
    kind: { type: String, required: true },
    instanceId: { type: String, required: true },
    activityId: { type: String, required: true },
    executionId: { type: String, required: true },
    topic: String,
    dueAt: { type: Date, required: true },
    runAt: Date,
    status: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    leaseOwner: String,
    leaseUntil: Date,
    lastError: String,
    payload: Schema.Types.Mixed,
    result: Schema.Types.Mixed,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'jobs', versionKey: false, minimize: false },
);
jobSchema.index({ runAt: 1 }, { sparse: true });
jobSchema.index({ instanceId: 1, status: 1 });

/** Timers and service calls waiting to run; claimed with a lease so each runs on one node. */
export class JobStore {
  private readonly model: Model<JobRecord>;
  /** Outbox writes (schedule, finish), in arrival order. */
  private readonly writes = new WriteBatch<JobRecord>(() => this.model.collection as never, {
    ordered: true,
  });

  constructor(connection: Connection) {
    this.model = connection.models.Job ?? connection.model<JobRecord>('Job', jobSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  schedule(job: JobRecord): Promise<void> {
    const pending = job.status === 'pending' ? { ...job, runAt: job.dueAt } : job;
    return this.writes.write({
      updateOne: { filter: { _id: job._id }, update: { $setOnInsert: pending }, upsert: true },
    });
  }

  /** Puts a schedule in place whatever state its job was in (a redeploy changed the timer). */
  async replace(job: JobRecord): Promise<void> {
    await this.model.collection.replaceOne(
      { _id: job._id as never },
      { ...job, runAt: job.dueAt },
      { upsert: true },
    );
  }

  /** Re-arms a recurring job (a timer start cycle) for its next occurrence. */
  async rearm(
    jobId: string,
    owner: string,
    dueAt: Date,
    payload: Record<string, unknown>,
    now: Date,
  ): Promise<void> {
    await this.model.collection.updateOne(
      { _id: jobId as never, leaseOwner: owner },
      {
        $set: { status: 'pending', dueAt, runAt: dueAt, attempts: 0, payload, updatedAt: now },
        $unset: { leaseOwner: '', leaseUntil: '', lastError: '' },
      },
    );
  }

  finish(jobId: string, status: 'done' | 'cancelled', now: Date): Promise<void> {
    return this.writes.write({
      updateOne: {
        filter: { _id: jobId, status: { $in: ['pending', 'running', 'incident'] } },
        update: { $set: { status, updatedAt: now }, $unset: { leaseOwner: '', leaseUntil: '', runAt: '' } },
      },
    });
  }

  /**
   * Claims the earliest due job, or one whose lease ran out (its node died), for `owner`.
   * findOneAndUpdate makes the claim atomic: two nodes never get the same job.
   */
  claimDue(owner: string, now: Date, leaseMs: number): Promise<JobRecord | null> {
    // Straight through the driver: every poll of every node runs it.
    const leaseUntil = new Date(now.getTime() + leaseMs);
    // `runAt` is the due time while pending and the lease's end while running: one indexed
    // range, walked in order, finds both due work and work whose node died.
    return this.model.collection.findOneAndUpdate(
      { runAt: { $lte: now } },
      {
        $set: { status: 'running', leaseOwner: owner, leaseUntil, runAt: leaseUntil, updatedAt: now },
        $inc: { attempts: 1 },
      },
      { sort: { runAt: 1 }, returnDocument: 'after' },
    ) as Promise<JobRecord | null>;
  }

  /** Keeps a running job ours a while longer (a slow service); false when the lease was lost. */
  async extendLease(jobId: string, owner: string, until: Date): Promise<boolean> {
    const result = await this.model.collection.updateOne(
      { _id: jobId as never, leaseOwner: owner, status: 'running' },
      { $set: { leaseUntil: until, runAt: until } },
    );
    return result.matchedCount === 1;
  }

  /**
   * Keeps a service result with the job, so a crash after the call does not call it again;
   * false when another node has taken the job over meanwhile.
   */
  async recordResult(
    jobId: string,
    owner: string,
    result: Record<string, unknown>,
    now: Date,
  ): Promise<boolean> {
    const recorded = await this.model.collection.updateOne(
      { _id: jobId as never, leaseOwner: owner },
      { $set: { result, updatedAt: now } },
    );
    return recorded.matchedCount === 1;
  }

  /** Puts a failed attempt back with a later due time, or raises an incident when out of tries. */
  async fail(jobId: string, owner: string, error: string, retryAt: Date | null, now: Date): Promise<void> {
    await this.model.collection.updateOne(
      { _id: jobId as never, leaseOwner: owner },
      {
        $set: retryAt
          ? { status: 'pending', dueAt: retryAt, runAt: retryAt, lastError: error, updatedAt: now }
          : { status: 'incident', lastError: error, updatedAt: now },
        $unset: retryAt ? { leaseOwner: '', leaseUntil: '' } : { leaseOwner: '', leaseUntil: '', runAt: '' },
      },
    );
  }

  /** An admin's retry of an incident: runs again now with a fresh count. */
  async retry(jobId: string, now: Date): Promise<boolean> {
    const result = await this.model.collection.updateOne(
      { _id: jobId as never, status: 'incident' },
      { $set: { status: 'pending', dueAt: now, runAt: now, attempts: 0, updatedAt: now } },
    );
    return result.modifiedCount === 1;
  }

  count(filter: { status?: JobStatus; kind?: JobKind } = {}): Promise<number> {
    return this.model.countDocuments(filter).exec();
  }

  byId(id: string): Promise<JobRecord | null> {
    return this.model.findById(id).lean<JobRecord>().exec();
  }

  find(filter: { instanceId?: string; status?: JobStatus; kind?: JobKind } = {}): Promise<JobRecord[]> {
    return this.model.find(filter).sort({ dueAt: 1 }).lean<JobRecord[]>().exec();
  }

  /** The earliest time any job may be taken (for a scheduler's sleep), or null. */
  async nextRunAt(): Promise<Date | null> {
    const next = await this.model
      .findOne({ runAt: { $exists: true } }, { runAt: 1 })
      .sort({ runAt: 1 })
      .lean<JobRecord>()
      .exec();
    return next?.runAt ?? null;
  }
}
