import { Schema, type Connection, type Model } from 'mongoose';

/** A signed link given to the county: what it opens, until when, and whether it was used. */
export interface LinkRecord {
  /** The random token id inside the signed link. */
  _id: string;
  caseId: string;
  instanceId: string;
  activityId: string;
  purpose: string;
  issuedAt: Date;
  expiresAt: Date;
  usedAt?: Date;
  usedTaskId?: string;
}

const linkSchema = new Schema<LinkRecord>(
  {
    _id: String,
    caseId: { type: String, required: true },
    instanceId: { type: String, required: true },
    activityId: { type: String, required: true },
    purpose: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: Date,
    usedTaskId: String,
  },
  { collection: 'links', versionKey: false },
);
linkSchema.index({ caseId: 1 });

export class LinkStore {
  private readonly model: Model<LinkRecord>;

  constructor(connection: Connection) {
    this.model = connection.models.Link ?? connection.model<LinkRecord>('Link', linkSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** Idempotent on the id: a retried issue keeps the first record. */
  async issue(link: LinkRecord): Promise<LinkRecord> {
    await this.model.collection.updateOne(
      { _id: link._id as never },
      { $setOnInsert: link },
      { upsert: true },
    );
    return (await this.byId(link._id))!;
  }

  byId(id: string): Promise<LinkRecord | null> {
    return this.model.findById(id).lean<LinkRecord>().exec();
  }

  /** Takes the link for one use; false when it was used already. */
  async take(id: string, taskId: string, at: Date): Promise<boolean> {
    const result = await this.model.collection.updateOne(
      { _id: id as never, usedAt: null },
      { $set: { usedAt: at, usedTaskId: taskId } },
    );
    return result.modifiedCount === 1;
  }

  /** Gives a taken link back when the submission it carried did not go through. */
  async giveBack(id: string, taskId: string): Promise<void> {
    await this.model.collection.updateOne(
      { _id: id as never, usedTaskId: taskId },
      { $unset: { usedAt: '', usedTaskId: '' } },
    );
  }
}
