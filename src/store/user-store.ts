import { Schema, type Connection, type Model } from 'mongoose';
import { insertNew } from './duplicate-key.js';

/** A member of staff (or a demo user); sign-in secrets are kept apart from this record. */
export interface UserRecord {
  /** The login name. */
  _id: string;
  displayName: string;
  roles: string[];
  email?: string;
  active: boolean;
  /** Created for trying preplan out; removable with one command. */
  demo: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<UserRecord>(
  {
    _id: String,
    displayName: { type: String, required: true },
    roles: { type: [String], default: [] },
    email: String,
    active: { type: Boolean, default: true },
    demo: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'users', versionKey: false },
);
userSchema.index({ roles: 1, active: 1 });

export class UserStore {
  private readonly model: Model<UserRecord>;

  constructor(connection: Connection) {
    this.model = connection.models.User ?? connection.model<UserRecord>('User', userSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** Creates or replaces a user. */
  async save(user: UserRecord): Promise<void> {
    await this.model.collection.replaceOne({ _id: user._id as never }, user, { upsert: true });
  }

  /** Creates a user unless one with its id exists; false when it does (another node was first). */
  async insert(user: UserRecord): Promise<boolean> {
    return insertNew(this.model.collection as never, user);
  }

  byId(id: string): Promise<UserRecord | null> {
    return this.model.findById(id).lean<UserRecord>().exec();
  }

  list(): Promise<UserRecord[]> {
    return this.model.find().sort({ _id: 1 }).lean<UserRecord[]>().exec();
  }

  async remove(ids: string[]): Promise<void> {
    await this.model.collection.deleteMany({ _id: { $in: ids as never[] } });
  }

  inRoles(roles: string[]): Promise<UserRecord[]> {
    return this.model
      .find({ roles: { $in: roles }, active: true })
      .sort({ _id: 1 })
      .lean<UserRecord[]>()
      .exec();
  }
}
