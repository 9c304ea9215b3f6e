import { Schema, type Connection, type Model } from 'mongoose';

export type TaskStatus = 'open' | 'completed' | 'cancelled';

export interface TaskRecord {
  /** `${instanceId}:${executionId}` */
  _id: string;
  instanceId: string;
  definitionKey: string;
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

/** User tasks as people see them; written only from instance outboxes. */
export class TaskStore {
  private readonly model: Model<TaskRecord>;

  constructor(connection: Connection) {
    this.model = connection.models.Task ?? connection.model<TaskRecord>('Task', taskSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async open(task: TaskRecord): Promise<void> {
    await this.model.collection.updateOne(
      { _id: task._id as never },
      { $setOnInsert: task },
      { upsert: true },
    );
  }

  async close(
    taskId: string,
    changes: { status: TaskStatus; completedAt: Date; completedBy?: string; data?: Record<string, unknown> },
  ): Promise<void> {
    await this.model.collection.updateOne({ _id: taskId as never, status: 'open' }, { $set: changes });
  }

  byId(id: string): Promise<TaskRecord | null> {
    return this.model.findById(id).lean<TaskRecord>().exec();
  }

  forInstance(instanceId: string): Promise<TaskRecord[]> {
    return this.model.find({ instanceId }).sort({ createdAt: 1 }).lean<TaskRecord[]>().exec();
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
