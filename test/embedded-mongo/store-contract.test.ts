/**
 * The store contract: what preplan relies on from MongoDB, exercised through mongoose. Runs
 * against MONGODB_URI when set, else against the embedded server, and must pass on both.
 */
import mongoose, { Schema, type Model } from 'mongoose';
import { useTestDatabase } from '../support/test-database.js';

const db = useTestDatabase('store_contract');

interface Item {
  name: string;
  group?: string;
  n: number;
  tags: string[];
  due?: Date;
  nested?: { a?: number; b?: string };
  lines: Array<{ k: string; v: number }>;
}

const itemSchema = new Schema<Item>(
  {
    name: { type: String, required: true, unique: true },
    group: String,
    n: { type: Number, default: 0 },
    tags: [String],
    due: Date,
    nested: { a: Number, b: String },
    lines: [{ _id: false, k: String, v: Number }],
  },
  { timestamps: true, optimisticConcurrency: true },
);
itemSchema.index({ group: 1, n: -1 });
itemSchema.index({ due: 1 });

const pairSchema = new Schema<{ owner: string; slot: number; note?: string }>({
  owner: String,
  slot: Number,
  note: String,
});
pairSchema.index({ owner: 1, slot: 1 }, { unique: true });

let Item: Model<Item>;
let Pair: Model<{ owner: string; slot: number; note?: string }>;

beforeAll(async () => {
  Item = db.connection.model<Item>('Item', itemSchema);
  Pair = db.connection.model('Pair', pairSchema);
  await Item.init();
  await Pair.init();
});

const seed = (count: number, extra: (i: number) => Partial<Item> = () => ({})) =>
  Item.insertMany(Array.from({ length: count }, (_, i) => ({ name: `item-${i}`, n: i, ...extra(i) })));

describe('create and read', () => {
  test('a created document reads back with its types intact', async () => {
    const due = new Date('2026-01-02T03:04:05.678Z');
    const created = await Item.create({ name: 'a', n: 1.5, tags: ['x'], due, nested: { a: 1, b: 'b' } });
    const read = await Item.findById(created._id).lean();
    expect(read).toMatchObject({ name: 'a', n: 1.5, tags: ['x'], nested: { a: 1, b: 'b' } });
    expect(read!.due).toEqual(due);
    expect(read!._id).toBeInstanceOf(mongoose.Types.ObjectId);
    expect(read!._id.equals(created._id)).toBe(true);
  });

  test('find filters, sorts, skips, limits and projects', async () => {
    await seed(20, (i) => ({ group: i % 2 ? 'odd' : 'even' }));
    const page = await Item.find({ group: 'odd', n: { $gte: 5 } }, { name: 1, n: 1 })
      .sort({ n: -1 })
      .skip(1)
      .limit(3)
      .lean();
    expect(page.map((d) => d.n)).toEqual([17, 15, 13]);
    expect(Object.keys(page[0]).sort()).toEqual(['_id', 'n', 'name']);
  });

  test('a sort orders missing and null first, then numbers, strings and dates, on compound and descending keys', async () => {
    const items = db.connection.db!.collection('sorting');
    await items.insertMany([
      { _id: 'a', k: 'b', due: new Date('2026-01-02') },
      { _id: 'b', k: 2 },
      { _id: 'c', k: null, due: new Date('2026-01-01') },
      { _id: 'd' },
      { _id: 'e', k: 'a', due: new Date('2026-01-03') },
      { _id: 'f', k: 2, due: new Date('2026-01-05') },
      { _id: 'g', k: new Date('2026-01-01') },
      { _id: 'h', k: 10, sub: { x: 3 } },
    ] as never[]);
    const ids = async (sort: Record<string, 1 | -1>, limit = 0) =>
      (await items.find({}).sort(sort).limit(limit).toArray()).map((d) => d._id);
    expect((await ids({ k: 1, _id: 1 })).join('')).toBe('cdbfheag');
    expect((await ids({ k: -1, due: -1 })).join('')).toBe('gaehfbcd');
    expect((await ids({ due: 1, _id: -1 }, 3)).join('')).toBe('hgd');
    expect((await ids({ 'sub.x': -1, _id: 1 }, 2)).join('')).toBe('ha');
  });

  test('query operators preplan uses all behave as in MongoDB', async () => {
    await seed(10, (i) => ({
      group: i < 5 ? 'low' : 'high',
      tags: i % 3 === 0 ? ['three', 'x'] : ['x'],
      due: new Date(Date.UTC(2026, 0, i + 1)),
      lines: [{ k: `k${i}`, v: i }],
    }));
    const count = (filter: mongoose.FilterQuery<Item>) => Item.countDocuments(filter);
    expect(await count({ n: { $in: [1, 2, 99] } })).toBe(2);
    expect(await count({ n: { $nin: [1, 2] } })).toBe(8);
    expect(await count({ n: { $ne: 3 } })).toBe(9);
    expect(await count({ $or: [{ n: 1 }, { group: 'high' }] })).toBe(6);
    expect(await count({ $and: [{ n: { $gt: 2 } }, { n: { $lt: 6 } }] })).toBe(3);
    expect(await count({ group: { $exists: true }, nested: { $exists: false } })).toBe(10);
    expect(await count({ tags: 'three' })).toBe(4);
    expect(await count({ tags: { $all: ['three', 'x'] } })).toBe(4);
    expect(await count({ tags: { $size: 1 } })).toBe(6);
    expect(await count({ lines: { $elemMatch: { k: 'k4', v: { $gte: 4 } } } })).toBe(1);
    expect(await count({ 'lines.v': { $lte: 1 } })).toBe(2);
    expect(await count({ name: { $regex: '^item-[0-2]$' } })).toBe(3);
    expect(await count({ name: /ITEM-9/i })).toBe(1);
    expect(await count({ due: { $lt: new Date(Date.UTC(2026, 0, 3)) } })).toBe(2);
    expect(await count({ $nor: [{ group: 'low' }] })).toBe(5);
    expect(await count({ n: { $not: { $gt: 7 } } })).toBe(8);
  });
});

describe('updates', () => {
  test('update operators change exactly what they name', async () => {
    const { _id } = await Item.create({
      name: 'u',
      n: 1,
      tags: ['a'],
      lines: [
        { k: 'x', v: 1 },
        { k: 'y', v: 2 },
      ],
    });
    await Item.updateOne({ _id }, { $inc: { n: 2 }, $set: { 'nested.a': 7 }, $push: { tags: 'b' } });
    await Item.updateOne({ _id }, { $addToSet: { tags: { $each: ['b', 'c'] } }, $min: { n: 2 } });
    await Item.updateOne({ _id }, { $pull: { tags: 'a' }, $unset: { group: '' } });
    await Item.updateOne({ _id }, { $set: { 'lines.$[l].v': 20 } }, { arrayFilters: [{ 'l.k': 'y' }] });
    await Item.updateOne({ _id, 'lines.k': 'x' }, { $set: { 'lines.$.v': 10 } });
    const read = await Item.findById(_id).lean();
    expect(read).toMatchObject({ n: 2, nested: { a: 7 }, tags: ['b', 'c'] });
    expect(read!.lines).toEqual([
      { k: 'x', v: 10 },
      { k: 'y', v: 20 },
    ]);
    expect(read!.group).toBeUndefined();
  });

  test('updateMany reports matched and modified counts', async () => {
    await seed(6, (i) => ({ group: i < 4 ? 'g' : 'h', n: i < 2 ? 5 : i }));
    const result = await Item.updateMany({ group: 'g' }, { $set: { n: 5 } }, { timestamps: false });
    expect(result.matchedCount).toBe(4);
    expect(result.modifiedCount).toBe(2);
  });

  test('an upsert builds the new document from the query and $setOnInsert', async () => {
    const result = await Item.updateOne(
      { name: 'fresh', group: 'g' },
      { $set: { n: 3 }, $setOnInsert: { tags: ['new'] } },
      { upsert: true },
    );
    expect(result.upsertedCount).toBe(1);
    const read = await Item.findOne({ name: 'fresh' }).lean();
    expect(read).toMatchObject({ name: 'fresh', group: 'g', n: 3, tags: ['new'] });
    await Item.updateOne(
      { name: 'fresh' },
      { $set: { n: 4 }, $setOnInsert: { tags: ['again'] } },
      { upsert: true },
    );
    expect(await Item.findOne({ name: 'fresh' }).lean()).toMatchObject({ n: 4, tags: ['new'] });
  });

  test('findOneAndUpdate returns the old or new document and honours sort', async () => {
    await seed(3);
    const before = await Item.findOneAndUpdate({}, { $set: { group: 'first' } }, { sort: { n: -1 } }).lean();
    expect(before).toMatchObject({ n: 2 });
    expect(before!.group).toBeUndefined();
    const after = await Item.findOneAndUpdate({ n: 1 }, { $inc: { n: 10 } }, { new: true }).lean();
    expect(after).toMatchObject({ n: 11 });
    const created = await Item.findOneAndUpdate(
      { name: 'z' },
      { $set: { n: 9 } },
      { upsert: true, new: true, projection: { n: 1 } },
    ).lean();
    expect(created).toMatchObject({ n: 9 });
    expect(created!.name).toBeUndefined();
    expect(await Item.findOneAndUpdate({ name: 'missing' }, { $set: { n: 1 } }).lean()).toBeNull();
  });

  test('the immutable _id cannot be changed by an update', async () => {
    const { _id } = await Item.create({ name: 'imm' });
    await expect(
      Item.collection.updateOne({ _id }, { $set: { _id: new mongoose.Types.ObjectId() } }),
    ).rejects.toMatchObject({ code: 66 });
  });

  test('replaceOne keeps _id and drops other fields', async () => {
    const { _id } = await Item.create({ name: 'r', n: 1, group: 'g' });
    await Item.replaceOne({ _id }, { name: 'r2', n: 2 });
    const read = await Item.findById(_id).lean();
    expect(read).toMatchObject({ name: 'r2', n: 2 });
    expect(read!.group).toBeUndefined();
  });

  test('a replacement whose text spells out the old fields is still a change', async () => {
    const c = db.connection.db!.collection<{ _id: string; a: string; b?: string }>('spelled');
    await c.insertOne({ _id: 'x', a: 'x', b: 'y' });
    const replaced = await c.replaceOne({ _id: 'x' }, { a: 'x,"b":sy' });
    expect(replaced).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await c.findOne({ _id: 'x' })).toEqual({ _id: 'x', a: 'x,"b":sy' });
    const unchanged = await c.updateOne({ _id: 'x' }, { $set: { a: 'x,"b":sy' } });
    expect(unchanged).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });
});

describe('optimistic concurrency', () => {
  test('a stale save of a versioned document is refused', async () => {
    const created = await Item.create({ name: 'v', n: 1 });
    const first = await Item.findById(created._id);
    const second = await Item.findById(created._id);
    first!.n = 2;
    await first!.save();
    second!.n = 3;
    await expect(second!.save()).rejects.toBeInstanceOf(mongoose.Error.VersionError);
    expect(await Item.findById(created._id).lean()).toMatchObject({ n: 2, __v: 1 });
  });

  test('a conditional update on a revision applies once', async () => {
    const { _id } = await Item.create({ name: 'rev', n: 0 });
    const results = await Promise.all(
      [1, 2, 3].map((n) => Item.updateOne({ _id, __v: 0 }, { $set: { n }, $inc: { __v: 1 } })),
    );
    expect(results.reduce((sum, r) => sum + r.modifiedCount, 0)).toBe(1);
  });
});

describe('unique indexes', () => {
  const expectDuplicate = (error: unknown, keyValue: object) => {
    expect(error).toMatchObject({ code: 11000, keyValue });
  };

  test('insert of a duplicate is refused with keyPattern and keyValue', async () => {
    await Item.create({ name: 'dup' });
    const error = await Item.create({ name: 'dup' }).catch((e) => e);
    expectDuplicate(error, { name: 'dup' });
    expect(error.keyPattern).toEqual({ name: 1 });
    expect(await Item.countDocuments()).toBe(1);
  });

  test('an unordered insertMany keeps the valid documents and reports the duplicate', async () => {
    await Item.create({ name: 'b' });
    const error = await Item.insertMany([{ name: 'a' }, { name: 'b' }, { name: 'c' }], {
      ordered: false,
    }).catch((e) => e);
    expect(error.code).toBe(11000);
    expect((await Item.find().sort({ name: 1 }).lean()).map((d) => d.name)).toEqual(['a', 'b', 'c']);
  });

  test('an ordered insertMany stops at the duplicate', async () => {
    await Item.create({ name: 'b' });
    await expect(Item.insertMany([{ name: 'a' }, { name: 'b' }, { name: 'c' }])).rejects.toMatchObject({
      code: 11000,
    });
    expect((await Item.find().sort({ name: 1 }).lean()).map((d) => d.name)).toEqual(['a', 'b']);
  });

  test('an update into a taken key is refused and changes nothing', async () => {
    await Item.create({ name: 'x', n: 1 });
    const { _id } = await Item.create({ name: 'y', n: 2 });
    const error = await Item.updateOne({ _id }, { $set: { name: 'x', n: 3 } }).catch((e) => e);
    expectDuplicate(error, { name: 'x' });
    expect(await Item.findById(_id).lean()).toMatchObject({ name: 'y', n: 2 });
  });

  test('an upsert into a taken key is refused', async () => {
    await Item.create({ name: 'taken' });
    const error = await Item.updateOne({ n: 42 }, { $set: { name: 'taken' } }, { upsert: true }).catch(
      (e) => e,
    );
    expectDuplicate(error, { name: 'taken' });
    expect(await Item.countDocuments()).toBe(1);
  });

  test('findOneAndUpdate into a taken key is refused', async () => {
    await Item.create({ name: 'p' });
    await Item.create({ name: 'q' });
    const error = await Item.findOneAndUpdate({ name: 'q' }, { $set: { name: 'p' } }).catch((e) => e);
    expectDuplicate(error, { name: 'p' });
  });

  test('a compound unique index refuses only the exact pair', async () => {
    await Pair.create({ owner: 'a', slot: 1 });
    await Pair.create({ owner: 'a', slot: 2 });
    await Pair.create({ owner: 'b', slot: 1 });
    const error = await Pair.create({ owner: 'a', slot: 1 }).catch((e) => e);
    expectDuplicate(error, { owner: 'a', slot: 1 });
    expect(error.keyPattern).toEqual({ owner: 1, slot: 1 });
  });

  test('creating a unique index over duplicates fails and leaves no index', async () => {
    const Loose = db.connection.collection('loose');
    await Loose.insertMany([{ k: 1 }, { k: 1 }]);
    await expect(Loose.createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    const names = (await Loose.listIndexes().toArray()).map((i) => i.name);
    expect(names).toEqual(['_id_']);
  });
});

describe('cursors and aggregation', () => {
  test('a cursor walks 1,500 documents in batches', async () => {
    await seed(1500);
    let seen = 0;
    let last = -1;
    for await (const doc of Item.find().sort({ n: 1 }).lean().cursor({ batchSize: 100 })) {
      expect(doc.n).toBe(last + 1);
      last = doc.n;
      seen++;
    }
    expect(seen).toBe(1500);
    expect(await Item.countDocuments({ n: { $gte: 1000 } })).toBe(500);
    expect(await Item.estimatedDocumentCount()).toBe(1500);
  });

  test('a killed cursor cannot be continued', async () => {
    await seed(300);
    const mongo = db.connection.db!;
    const { cursor } = await mongo.command({ find: 'items', filter: {}, batchSize: 10 });
    expect(cursor.firstBatch).toHaveLength(10);
    const killed = await mongo.command({ killCursors: 'items', cursors: [cursor.id] });
    expect(killed.cursorsKilled).toHaveLength(1);
    await expect(mongo.command({ getMore: cursor.id, collection: 'items' })).rejects.toMatchObject({
      code: 43,
    });
  });

  test('aggregate groups, sorts, counts and looks up', async () => {
    await seed(9, (i) => ({ group: ['a', 'b', 'c'][i % 3] }));
    await Pair.create({ owner: 'a', slot: 1, note: 'A' });
    const grouped = await Item.aggregate<{ _id: string; total: number; count: number }>([
      { $match: { n: { $gte: 1 } } },
      { $group: { _id: '$group', total: { $sum: '$n' }, count: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(grouped).toEqual([
      { _id: 'a', total: 9, count: 2 },
      { _id: 'b', total: 12, count: 3 },
      { _id: 'c', total: 15, count: 3 },
    ]);
    const joined = await Item.aggregate([
      { $match: { n: 0 } },
      { $lookup: { from: 'pairs', localField: 'group', foreignField: 'owner', as: 'pairs' } },
      { $project: { _id: 0, name: 1, notes: '$pairs.note' } },
    ]);
    expect(joined).toEqual([{ name: 'item-0', notes: ['A'] }]);
    const [{ total }] = await Item.aggregate([{ $count: 'total' }]);
    expect(total).toBe(9);
  });

  test('distinct flattens arrays and deduplicates', async () => {
    await seed(4, (i) => ({ tags: i % 2 ? ['x', 'y'] : ['y', 'z'] }));
    expect((await Item.distinct('tags')).sort()).toEqual(['x', 'y', 'z']);
  });
});

describe('deletes and collections', () => {
  test('deleteOne and deleteMany remove what matches', async () => {
    await seed(5);
    expect((await Item.deleteOne({ n: { $gte: 3 } })).deletedCount).toBe(1);
    expect((await Item.deleteMany({ n: { $lt: 2 } })).deletedCount).toBe(2);
    expect(await Item.countDocuments()).toBe(2);
  });

  test('findOneAndDelete returns what it removed', async () => {
    await seed(2);
    const removed = await Item.findOneAndDelete({ n: 1 }).lean();
    expect(removed).toMatchObject({ name: 'item-1' });
    expect(await Item.countDocuments()).toBe(1);
  });

  test('collections can be listed, created and dropped', async () => {
    await db.connection.createCollection('extra');
    const names = (await db.connection.db!.listCollections().toArray()).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['extra', 'items', 'pairs']));
    await db.connection.dropCollection('extra');
    const after = (await db.connection.db!.listCollections({ name: 'extra' }).toArray()).length;
    expect(after).toBe(0);
  });

  test('a transaction is refused on a standalone store', async () => {
    const session = await db.connection.startSession();
    try {
      const admin = db.connection.db!.admin();
      const { setName } = await admin.command({ hello: 1 });
      if (setName) return; // a replica set supports transactions; nothing to check
      await expect(
        session.withTransaction(async () => {
          await Item.create([{ name: 'tx' }], { session });
        }),
      ).rejects.toMatchObject({ code: 20 });
      expect(await Item.countDocuments({ name: 'tx' })).toBe(0);
    } finally {
      await session.endSession();
    }
  });
});

describe('the _id on update', () => {
  test('setting _id to its own value is accepted', async () => {
    const { _id } = await Item.create({ name: 'same-id', n: 1 });
    await Item.collection.updateOne({ _id }, { $set: { _id, n: 2 } });
    expect(await Item.findById(_id).lean()).toMatchObject({ n: 2 });
  });
});
