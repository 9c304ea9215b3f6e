/** Behaviour specific to the embedded server (the contract suite covers what MongoDB shares). */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { MongoClient, type Db } from 'mongodb';
import { serialize, deserialize, type Document } from 'bson';
import { EmbeddedMongoServer } from '../../src/embedded-mongo/server.js';

let server: EmbeddedMongoServer;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  server = await EmbeddedMongoServer.start({ log: () => {} });
  client = await new MongoClient(server.uri).connect();
});
afterAll(async () => {
  await client.close();
  await server.stop();
});
beforeEach(async () => {
  db = client.db(`embedded_${Math.random().toString(36).slice(2, 8)}`);
});

/** Sends one legacy OP_QUERY command, as drivers do for the first handshake, and reads the reply. */
function opQuery(port: number, command: Document): Promise<Document> {
  const name = Buffer.from('admin.$cmd\0');
  const body = Buffer.from(serialize(command));
  const header = Buffer.alloc(16);
  const fixed = Buffer.alloc(8);
  fixed.writeInt32LE(-1, 4);
  const message = Buffer.concat([header, Buffer.alloc(4), name, fixed, body]);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(7, 4);
  message.writeInt32LE(2004, 12);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(message));
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 4 && data.length >= data.readInt32LE(0)) {
        expect(data.readInt32LE(8)).toBe(7);
        expect(data.readInt32LE(12)).toBe(1);
        resolve(deserialize(data.subarray(36)));
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

describe('handshake', () => {
  test('a legacy OP_QUERY isMaster gets an OP_REPLY without topologyVersion', async () => {
    const reply = await opQuery(server.port, { isMaster: 1 });
    expect(reply).toMatchObject({
      ok: 1,
      ismaster: true,
      maxWireVersion: 17,
      maxBsonObjectSize: 16 * 1024 * 1024,
    });
    expect(reply.topologyVersion).toBeUndefined();
  });

  test('it listens on loopback only unless told otherwise', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
  });
});

describe('errors', () => {
  test('an unknown command gets CommandNotFound', async () => {
    await expect(db.command({ frobnicate: 1 })).rejects.toMatchObject({ code: 59 });
  });

  test('transaction commands are refused as on a standalone mongod', async () => {
    await expect(client.db('admin').command({ commitTransaction: 1 })).rejects.toMatchObject({ code: 20 });
  });

  test('an unknown query operator is a BadValue, not a crash', async () => {
    await db.collection('c').insertOne({ a: 1 });
    await expect(
      db
        .collection('c')
        .find({ a: { $frob: 1 } })
        .toArray(),
    ).rejects.toMatchObject({ code: 2 });
    expect(await db.collection('c').countDocuments()).toBe(1);
  });

  test('an unknown update modifier is refused and changes nothing', async () => {
    await db.collection('c').insertOne({ _id: 1 as never, a: 1 });
    await expect(
      db.collection('c').updateOne({ _id: 1 as never }, { $frob: { a: 2 } } as never),
    ).rejects.toMatchObject({
      code: 9,
    });
    expect(await db.collection('c').findOne({})).toEqual({ _id: 1, a: 1 });
  });

  test('JavaScript in queries is refused', async () => {
    await db.collection('c').insertOne({ a: 1 });
    await expect(
      db
        .collection('c')
        .aggregate([
          { $project: { x: { $function: { body: 'function() { return 1 }', args: [], lang: 'js' } } } },
        ])
        .toArray(),
    ).rejects.toMatchObject({ code: 2 });
  });

  test('a document over 16 MiB is refused with BSONObjectTooLarge', async () => {
    const big = { _id: 'big', blob: 'x'.repeat(16 * 1024 * 1024) };
    await expect(db.collection('c').insertOne(big as never)).rejects.toBeDefined();
    expect(await db.collection('c').countDocuments()).toBe(0);
  });
});

describe('indexes', () => {
  const explain = async (collection: string, filter: Document) =>
    (await db.command({ explain: { find: collection, filter } })) as Document;

  beforeEach(async () => {
    const docs = Array.from({ length: 2000 }, (_, i) => ({
      key: `k${i}`,
      n: i,
      group: i % 10,
      owner: `o${i % 50}`,
    }));
    await db.collection('big').insertMany(docs);
    await db.collection('big').createIndex({ key: 1 }, { unique: true });
    await db.collection('big').createIndex({ n: 1 });
    await db.collection('big').createIndex({ owner: 1, n: -1 });
  });

  test('equality on a unique field examines one document', async () => {
    const result = await explain('big', { key: 'k1234' });
    expect(result.queryPlanner.winningPlan).toEqual({ stage: 'IXSCAN', indexName: 'key_1' });
    expect(result.executionStats).toEqual({ nReturned: 1, totalDocsExamined: 1 });
  });

  test('a range on an indexed field examines only the range', async () => {
    const result = await explain('big', { n: { $gte: 100, $lt: 110 } });
    expect(result.queryPlanner.winningPlan.indexName).toBe('n_1');
    expect(result.executionStats).toEqual({ nReturned: 10, totalDocsExamined: 10 });
    const found = await db
      .collection('big')
      .find({ n: { $gte: 100, $lt: 110 } })
      .sort({ n: 1 })
      .toArray();
    expect(found.map((d) => d.n)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
  });

  test('$in and the first field of a compound index use the index', async () => {
    const inResult = await explain('big', { key: { $in: ['k1', 'k2', 'nope'] } });
    expect(inResult.executionStats).toEqual({ nReturned: 2, totalDocsExamined: 2 });
    const compound = await explain('big', { owner: 'o7', n: { $gt: 1000 } });
    expect(compound.executionStats.totalDocsExamined).toBe(40);
    expect(compound.executionStats.nReturned).toBe(20);
  });

  test('a sorted, limited range on an indexed field stops at the first matches', async () => {
    const result = (await db.command({
      explain: {
        find: 'big',
        filter: { n: { $lte: 1500 }, group: { $in: [1, 2, 3] } },
        sort: { n: 1 },
        limit: 1,
      },
    })) as Document;
    expect(result.executionStats).toEqual({ nReturned: 1, totalDocsExamined: 2 });
    const [first] = await db
      .collection('big')
      .find({ n: { $lte: 1500 }, group: { $in: [1, 2, 3] } })
      .sort({ n: 1 })
      .limit(1)
      .toArray();
    expect(first.n).toBe(1);
  });

  test('a sorted find whose other condition leaves few documents reads those, not the whole sort range', async () => {
    // Open tasks newest first: the range on the sort field is every document ever stored.
    const command = { find: 'big', filter: { owner: 'o7', n: { $gte: 0 } }, sort: { n: 1 }, limit: 50 };
    const result = (await db.command({ explain: command })) as Document;
    expect(result.queryPlanner.winningPlan.indexName).toBe('owner_1_n_-1');
    expect(result.executionStats).toEqual({ nReturned: 40, totalDocsExamined: 40 });
    const found = await db.collection('big').find(command.filter).sort({ n: 1 }).limit(50).toArray();
    expect(found.map((d) => d.n)).toEqual(Array.from({ length: 40 }, (_, i) => 7 + 50 * i));
  });

  test('a sorted find whose other condition matches most documents still stops early in sort order', async () => {
    const owners = Array.from({ length: 50 }, (_, i) => `o${i}`);
    const filter = { owner: { $in: owners }, n: { $gte: 0 } };
    const result = (await db.command({
      explain: { find: 'big', filter, sort: { n: 1 }, limit: 5 },
    })) as Document;
    expect(result.queryPlanner.winningPlan.indexName).toBe('n_1');
    expect(result.executionStats).toEqual({ nReturned: 5, totalDocsExamined: 5 });
  });

  test('a document with several values in an indexed array is found once by a range', async () => {
    const c = db.collection('multi');
    await c.createIndex({ tags: 1 });
    await c.insertMany([{ tags: [1, 2, 3] }, { tags: [5] }]);
    expect(await c.countDocuments({ tags: { $gte: 1, $lte: 3 } })).toBe(1);
    expect(
      (
        await c
          .find({ tags: { $gte: 0 } })
          .sort({ tags: 1 })
          .toArray()
      ).length,
    ).toBe(2);
  });

  test('a filter on an unindexed field scans the collection', async () => {
    const result = await explain('big', { group: 3 });
    expect(result.queryPlanner.winningPlan.stage).toBe('COLLSCAN');
    expect(result.executionStats.totalDocsExamined).toBe(2000);
  });

  test('indexes stay correct through updates and deletes', async () => {
    const big = db.collection('big');
    await big.updateOne({ key: 'k5' }, { $set: { key: 'renamed', n: 99999 } });
    await big.deleteOne({ key: 'k6' });
    expect(await big.findOne({ key: 'k5' })).toBeNull();
    expect(await big.findOne({ key: 'renamed' })).toMatchObject({ n: 99999 });
    expect(await big.findOne({ key: 'k6' })).toBeNull();
    expect(await big.countDocuments({ n: { $gt: 5000 } })).toBe(1);
    await big.insertOne({ key: 'k5', n: 5 });
    expect(await big.countDocuments({ n: 5 })).toBe(1);
  });

  test('a partial unique index only constrains the documents it covers', async () => {
    const c = db.collection('partial');
    await c.createIndex({ url: 1 }, { unique: true, partialFilterExpression: { open: true } });
    await c.insertMany([
      { url: 'a', open: false },
      { url: 'a', open: false },
      { url: 'a', open: true },
    ]);
    await expect(c.insertOne({ url: 'a', open: true })).rejects.toMatchObject({ code: 11000 });
  });
});

describe('durability', () => {
  test('a server restarted on the same data directory has everything it acknowledged', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'preplan-journal-'));
    try {
      const first = await EmbeddedMongoServer.start({ dataDir: dir, log: () => {} });
      const c1 = await new MongoClient(first.uri).connect();
      const coll = c1.db('keep').collection('things');
      await coll.createIndex({ name: 1 }, { unique: true });
      await coll.insertMany([
        { name: 'a', n: 1 },
        { name: 'b', n: 2 },
        { name: 'c', n: 3 },
      ]);
      await coll.updateOne({ name: 'a' }, { $inc: { n: 10 } });
      await coll.deleteOne({ name: 'b' });
      await c1.db('gone').collection('x').insertOne({ y: 1 });
      await c1.db('gone').dropDatabase();
      await c1.close();
      await first.stop();

      const second = await EmbeddedMongoServer.start({ dataDir: dir, log: () => {} });
      const c2 = await new MongoClient(second.uri).connect();
      const again = c2.db('keep').collection('things');
      const docs = await again
        .find({}, { projection: { _id: 0 } })
        .sort({ name: 1 })
        .toArray();
      expect(docs).toEqual([
        { name: 'a', n: 11 },
        { name: 'c', n: 3 },
      ]);
      await expect(again.insertOne({ name: 'c' })).rejects.toMatchObject({ code: 11000 });
      const dbs = (await c2.db('admin').admin().listDatabases()).databases.map((d) => d.name);
      expect(dbs).not.toContain('gone');
      await c2.close();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('isolation of stored documents', () => {
  test('an aggregation that reshapes nested fields leaves the stored documents as they were', async () => {
    const c = db.collection('iso');
    await c.insertOne({ _id: 1 as never, a: { b: 1 } });
    await c.aggregate([{ $set: { 'a.c': 2 } }, { $addFields: { 'a.d': 3 } }]).toArray();
    await c
      .aggregate([
        { $lookup: { from: 'iso', localField: '_id', foreignField: '_id', as: 'self' } },
        { $set: { 'self.a.x': 1 } },
      ])
      .toArray();
    expect(await c.findOne({})).toEqual({ _id: 1, a: { b: 1 } });
  });

  test('an _id condition with more operators than equality is still checked in full', async () => {
    const c = db.collection('iso');
    await c.insertOne({ _id: 1 as never, a: 1 });
    expect(await c.countDocuments({ _id: { $eq: 1, $ne: 1 } } as never)).toBe(0);
    expect(await c.countDocuments({ _id: { $in: [1], $nin: [1] } } as never)).toBe(0);
  });
});
