import { Schema, type Connection, type Model } from 'mongoose';

export type DeliveryChannel = 'email' | 'wecom' | 'dingtalk' | 'webhook';

/** One message that reached one target: what a retried service skips, and what an audit lists. */
export interface DeliveryRecord {
  /** `${idempotencyKey}|${target}` */
  _id: string;
  /** The service job's idempotency key. */
  idempotencyKey: string;
  caseId?: string;
  instanceId: string;
  /** The service that sent it (`notify`, `report-to-county`, `publish`). */
  topic: string;
  template: string;
  channel: DeliveryChannel;
  /** An e-mail address, or a webhook's URL without its query string (keys and tokens stay out). */
  target: string;
  subject: string;
  status: 'sent';
  sentAt: Date;
  drill: boolean;
}

export type NewDelivery = Omit<DeliveryRecord, '_id' | 'status'>;

export function deliveryId(idempotencyKey: string, target: string): string {
  return `${idempotencyKey}|${target}`;
}

const deliverySchema = new Schema<DeliveryRecord>(
  {
    _id: String,
    idempotencyKey: { type: String, required: true },
    caseId: String,
    instanceId: { type: String, required: true },
    topic: { type: String, required: true },
    template: { type: String, required: true },
    channel: { type: String, required: true },
    target: { type: String, required: true },
    subject: { type: String, required: true },
    status: { type: String, required: true },
    sentAt: { type: Date, required: true },
    drill: { type: Boolean, required: true },
  },
  { collection: 'deliveries', versionKey: false },
);
deliverySchema.index({ caseId: 1, sentAt: 1 });
deliverySchema.index({ instanceId: 1, sentAt: 1 });

/** Messages sent to the outside, one document per (idempotency key, target). */
export class DeliveryStore {
  private readonly model: Model<DeliveryRecord>;

  constructor(connection: Connection) {
    this.model = connection.models.Delivery ?? connection.model<DeliveryRecord>('Delivery', deliverySchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async wasSent(id: string): Promise<boolean> {
    return (await this.model.exists({ _id: id, status: 'sent' })) !== null;
  }

  /** Records a sent message right after it went out; recording it twice keeps the first. */
  async recordSent(delivery: NewDelivery): Promise<void> {
    const record: DeliveryRecord = {
      _id: deliveryId(delivery.idempotencyKey, delivery.target),
      ...delivery,
      status: 'sent',
    };
    if (record.caseId === undefined) delete record.caseId;
    await this.model.collection.updateOne(
      { _id: record._id as never },
      { $setOnInsert: record },
      { upsert: true },
    );
  }

  forCase(caseId: string): Promise<DeliveryRecord[]> {
    return this.model.find({ caseId }).sort({ sentAt: 1 }).lean<DeliveryRecord[]>().exec();
  }

  forInstance(instanceId: string): Promise<DeliveryRecord[]> {
    return this.model.find({ instanceId }).sort({ sentAt: 1 }).lean<DeliveryRecord[]>().exec();
  }
}
