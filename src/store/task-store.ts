import { Schema, type Connection, type Model } from 'mongoose';
import { WriteBatch } from './write-batch.js';

export type TaskStatus = 'open' | 'completed' | 'cancelled';

export interface TaskRecord {
  /** `${instanceId}:${executionId}` */
  _id: string;
  instanceId: string;
  definitionKey: string;
  /** The instance's business key: the case a task belongs to. */
  businessKey?: string;
  activityId: string;
  executionId: string;
  name?: string;
  formKey?: string;
  candidateGroups: string[];
  assignee?: string;
  status: TaskStatus;
  createdAt: Date;
  dueAt?: Date;
  claimedBy?: string;
  completedAt?: Date;
  completedBy?: string;
  /** What the person submitted, kept per task. */
  data?: Record<string, unknown>;
}

const taskSchema = new Schema<TaskRecord>(
  {
    _id: String,
    instanceId: { type: String, required: true },
    definitionKey: { type: String, required: true },
    businessKey: String,
    activityId: { type: String, required: true },
    executionId: { type: String, required: true },
    name: String,
    formKey: String,
    candidateGroups: { type: [String], default: [] },
    assignee: String,
    status: { type: String, required: true },
    createdAt: { type: Date, required: true },
    dueAt: Date,
    claimedBy: String,
    completedAt: Date,
    completedBy: String,
    data: Schema.Types.Mixed,
  },
  { collection: 'tasks', versionKey: false, minimize: false },
);
taskSchema.index({ status: 1, candidateGroups: 1, dueAt: 1 });
taskSchema.index({ instanceId: 1, status: 1 });
taskSchema.index({ businessKey: 1, createdAt: 1 });
taskSchema.index({ dueAt: 1 });
taskSchema.index({ createdAt: 1 });

/** User tasks as people see them; written only from instance outboxes. */
export class TaskStore {
  private readonly model: Model<TaskRecord>;
  /** Outbox writes (open, close), in arrival order so a task is never closed before it is opened. */
  private readonly writes = new WriteBatch<TaskRecord>(() => this.model.collection as never, {
    ordered: true,
  });

  constructor(connection: Connection) {
    this.model = connection.models.Task ?? connection.model<TaskRecord>('Task', taskSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  open(task: TaskRecord): Promise<void> {
    return this.writes.write({
      updateOne: { filter: { _id: task._id }, update: { $setOnInsert: task }, upsert: true },
    });
  }

  close(
    taskId: string,
    changes: { status: TaskStatus; completedAt: Date; completedBy?: string; data?: Record<string, unknown> },
  ): Promise<void> {
    return this.writes.write({
      updateOne: { filter: { _id: taskId, status: 'open' }, update: { $set: changes } },
    });
  }

  byId(id: string): Promise<TaskRecord | null> {
    return this.model.collection.findOne({ _id: id as never }) as Promise<TaskRecord | null>;
  }

  forInstance(instanceId: string): Promise<TaskRecord[]> {
    return this.model.find({ instanceId }).sort({ createdAt: 1 }).lean<TaskRecord[]>().exec();
  }

  /** Takes an open task for one person; false when it is closed or someone else holds it. */
  async claim(taskId: string, userId: string): Promise<boolean> {
    const result = await this.model.collection.updateOne(
      { _id: taskId as never, status: 'open', claimedBy: { $in: [null, userId] } },
      { $set: { claimedBy: userId } },
    );
    return result.matchedCount === 1;
  }

  async unclaim(taskId: string, userId: string): Promise<boolean> {
    const result = await this.model.collection.updateOne(
      { _id: taskId as never, status: 'open', claimedBy: userId },
      { $unset: { claimedBy: '' } },
    );
    return result.matchedCount === 1;
  }

  /** The cases a person has or had work in: by their roles, as assignee, or as who completed. */
  async caseIdsFor(who: { userId: string; roles: string[] }): Promise<string[]> {
    const ids = await this.model.distinct('businessKey', {
      $or: [{ candidateGroups: { $in: who.roles } }, { assignee: who.userId }, { completedBy: who.userId }],
    });
    return (ids as unknown[]).filter((id): id is string => typeof id === 'string');
  }

  forCases(caseIds: string[]): Promise<TaskRecord[]> {
    return this.model
      .find({ businessKey: { $in: caseIds } })
      .lean<TaskRecord[]>()
      .exec();
  }

  forCase(caseId: string): Promise<TaskRecord[]> {
    return this.model.find({ businessKey: caseId }).sort({ createdAt: 1 }).lean<TaskRecord[]>().exec();
  }

  /**
   * Open tasks a person may act on: their roles' (claimable or claimed by them), assigned to
   * them, or claimed by them; soonest due first, then those without a deadline, oldest first.
   * `all` lists every open task (auditors). Two queries (due ones by `dueAt`, then the rest by
   * `createdAt`), each reading either the open tasks (the status index) or its sort index in
   * order up to `limit`, whichever reads less: never every task ever made.
   */
  async openFor(
    who: { userId: string; roles: string[]; all?: boolean },
    filter: { businessKey?: string; activityId?: string; claimedBy?: string } = {},
    limit = 200,
  ): Promise<TaskRecord[]> {
    const query: Record<string, unknown> = { status: 'open', ...filter };
    if (!who.all)
      query.$or = [
        { candidateGroups: { $in: who.roles } },
        { assignee: who.userId },
        { claimedBy: who.userId },
      ];
    const dated = await this.model
      .find({ ...query, dueAt: { $gte: new Date(0) } })
      .sort({ dueAt: 1 })
      .limit(limit)
      .lean<TaskRecord[]>()
      .exec();
    if (dated.length >= limit) return dated;
    const undated = await this.model
      .find({ ...query, dueAt: null, createdAt: { $gte: new Date(0) } })
      .sort({ createdAt: 1 })
      .limit(limit - dated.length)
      .lean<TaskRecord[]>()
      .exec();
    return [...dated, ...undated];
  }

  countOpen(): Promise<number> {
    return this.model.countDocuments({ status: 'open' }).exec();
  }

  /** Open tasks, the soonest due first. */
  openTasks(filter: { instanceId?: string } = {}): Promise<TaskRecord[]> {
    return this.model
      .find({ ...filter, status: 'open' })
      .sort({ dueAt: 1, createdAt: 1 })
      .lean<TaskRecord[]>()
      .exec();
  }
}
