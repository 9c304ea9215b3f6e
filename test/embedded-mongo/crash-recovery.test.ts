/**
 * Crash recovery of the embedded server's journal (`--data DIR`): a write the server acknowledged
 * is on disk, so it is there after kill -9, whatever the crash left at the end of journal.bin.
 * The servers run as child processes (kill -9 must hit a real process) except where a test needs
 * an option the command line does not offer (the compaction threshold).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { serialize } from 'bson';
import { MongoClient } from 'mongodb';
import { PROJECT_ROOT, startEmbeddedMongoProcess, stopProcess } from '../support/embedded-mongo-process.mjs';
import { EmbeddedMongoServer } from '../../src/embedded-mongo/server.js';
import { encodeFrame } from '../../src/embedded-mongo/journal.js';

const DB = 'crash_recovery';
const JOURNAL = 'journal.bin';

interface Started {
  child: ChildProcess;
  uri: string;
  port: number;
}

interface Doc {
  _id: string;
  loop: number;
  seq: number;
  payload: string;
}

interface Counter {
  _id: string;
  n: number;
  lastSeq?: number;
}

// Everything a test starts, so afterEach can clean up also when the test failed half-way.
const children = new Set<ChildProcess>();
const servers = new Set<EmbeddedMongoServer>();
const clients = new Set<MongoClient>();
const dirs: string[] = [];

afterEach(async () => {
  for (const client of clients) await client.close(true).catch(() => {});
  clients.clear();
  for (const server of servers) await server.stop().catch(() => {});
  servers.clear();
  for (const child of children) await stopProcess(child, 'SIGKILL');
  children.clear();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preplan-crash-'));
  dirs.push(dir);
  return dir;
}

async function startServer(dir: string, port = 0): Promise<Started> {
  const started = (await startEmbeddedMongoProcess(['--data', dir], { port })) as Started;
  children.add(started.child);
  return started;
}

async function crash(child: ChildProcess): Promise<void> {
  await stopProcess(child, 'SIGKILL');
  children.delete(child);
}

async function connect(uri: string): Promise<MongoClient> {
  const client = new MongoClient(uri, {
    directConnection: true,
    serverSelectionTimeoutMS: 5000,
    retryWrites: false,
    retryReads: false,
    maxPoolSize: 16,
  });
  clients.add(client);
  await client.connect();
  return client;
}

async function disconnect(client: MongoClient): Promise<void> {
  await client.close(true).catch(() => {});
  clients.delete(client);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Derived from the id, so a document read back can be checked byte for byte. */
const payloadFor = (id: string, seq: number) => `${id}|`.repeat(1 + ((seq * 37) % 150));

/** What the writers attempted and what the server acknowledged, across all rounds. */
interface Ledger {
  attempted: Set<string>;
  acked: Set<string>;
  /** Ids seen after some restart: they were read from disk, so must never disappear again. */
  survived: Set<string>;
  nextSeq: number[];
  incAttempts: number[];
  incAcked: number[];
  /** The counter value the latest acknowledged findOneAndUpdate returned. */
  lastReturned: number[];
  failedInFlight: number;
}

function newLedger(loops: number): Ledger {
  const zeros = () => Array.from({ length: loops }, () => 0);
  return {
    attempted: new Set(),
    acked: new Set(),
    survived: new Set(),
    nextSeq: zeros(),
    incAttempts: zeros(),
    incAcked: zeros(),
    lastReturned: zeros(),
    failedInFlight: 0,
  };
}

/**
 * One writer: insert a document, then bump this loop's counter (alternating findOneAndUpdate and
 * updateOne, so both write paths replace a document written just before), until stopped or until
 * a write fails because the server died under it.
 */
async function writeUntilStopped(
  client: MongoClient,
  loop: number,
  ledger: Ledger,
  stopped: () => boolean,
): Promise<void> {
  const docs = client.db(DB).collection<Doc>('docs');
  const counters = client.db(DB).collection<Counter>('counters');
  while (!stopped()) {
    const seq = ledger.nextSeq[loop]++;
    const _id = `${loop}-${seq}`;
    ledger.attempted.add(_id);
    try {
      await docs.insertOne({ _id, loop, seq, payload: payloadFor(_id, seq) });
    } catch {
      ledger.failedInFlight++;
      return;
    }
    ledger.acked.add(_id);
    if (stopped()) return;
    ledger.incAttempts[loop]++;
    try {
      if (seq % 2 === 0) {
        const after = await counters.findOneAndUpdate(
          { _id: `loop-${loop}` },
          { $inc: { n: 1 }, $set: { lastSeq: seq } },
          { upsert: true, returnDocument: 'after' },
        );
        ledger.lastReturned[loop] = Math.max(ledger.lastReturned[loop], after!.n);
      } else {
        await counters.updateOne({ _id: `loop-${loop}` }, { $inc: { n: 1 } }, { upsert: true });
      }
    } catch {
      ledger.failedInFlight++;
      return;
    }
    ledger.incAcked[loop]++;
  }
}

/** Checks the store against the ledger; `when` names the round in a failure message. */
async function verifyAgainstLedger(client: MongoClient, ledger: Ledger, when: string): Promise<void> {
  const stored = await client.db(DB).collection<Doc>('docs').find({}).toArray();
  const ids = new Set(stored.map((doc) => doc._id));
  const report = {
    when,
    lostAcknowledged: [...ledger.acked].filter((id) => !ids.has(id)),
    lostAfterSurvivingACrash: [...ledger.survived].filter((id) => !ids.has(id)),
    neverWritten: [...ids].filter((id) => !ledger.attempted.has(id)),
    corrupt: stored
      .filter((doc) => doc._id !== `${doc.loop}-${doc.seq}` || doc.payload !== payloadFor(doc._id, doc.seq))
      .map((doc) => doc._id),
  };
  expect(report).toEqual({
    when,
    lostAcknowledged: [],
    lostAfterSurvivingACrash: [],
    neverWritten: [],
    corrupt: [],
  });
  for (const id of ids) ledger.survived.add(id);

  const counters = await client.db(DB).collection<Counter>('counters').find({}).toArray();
  const byLoop = new Map(counters.map((counter) => [counter._id, counter.n]));
  ledger.incAcked.forEach((acked, loop) => {
    const n = byLoop.get(`loop-${loop}`) ?? 0;
    const bounds = { when, loop, n, atLeast: Math.max(acked, ledger.lastReturned[loop]) };
    // Never below what was acknowledged, never above what was attempted.
    expect({ ...bounds, ok: n >= bounds.atLeast && n <= ledger.incAttempts[loop] }).toEqual({
      ...bounds,
      ok: true,
    });
  });
}

describe('every acknowledged write survives kill -9', () => {
  const LOOPS = 8;
  const ROUNDS = 24;

  test('inserts and counter updates acknowledged before a kill -9 at a random moment are all there after restart, round after round', async () => {
    const dir = tempDir();
    const ledger = newLedger(LOOPS);
    let server = await startServer(dir);
    const port = server.port;
    for (let round = 1; round <= ROUNDS; round++) {
      const client = await connect(server.uri);
      if (round > 1) await verifyAgainstLedger(client, ledger, `after crash ${round - 1}`);
      let stopped = false;
      const writers = Array.from({ length: LOOPS }, (_, loop) =>
        writeUntilStopped(client, loop, ledger, () => stopped),
      );
      await sleep(randomInt(20, 301));
      // No new write starts after this point; those in flight meet the kill.
      stopped = true;
      await crash(server.child);
      await Promise.all(writers);
      await disconnect(client);
      server = await startServer(dir, port);
      expect(server.port).toBe(port);
    }
    const client = await connect(server.uri);
    await verifyAgainstLedger(client, ledger, `after crash ${ROUNDS}`);
    await disconnect(client);
    await stopProcess(server.child, 'SIGTERM');
    children.delete(server.child);
    expect(server.child.exitCode).toBe(0);

    // The rounds proved something only if writes were acknowledged and some met the kill.
    expect(ledger.acked.size).toBeGreaterThan(ROUNDS * LOOPS);
    expect(ledger.incAcked.reduce((a, b) => a + b, 0)).toBeGreaterThan(ROUNDS * LOOPS);
    expect(ledger.failedInFlight).toBeGreaterThan(0);
  }, 120_000);
});

describe('the journal tail left by a crash', () => {
  const putFrame = (collection: string, doc: Record<string, unknown>): Buffer =>
    encodeFrame([{ header: { op: 'p', db: DB, c: collection }, body: serialize(doc) }]);

  test('a torn or corrupt tail is cut at start-up, acknowledged writes stay, and writes after the cut survive the next crash', async () => {
    const dir = tempDir();
    const journal = path.join(dir, JOURNAL);
    const expected = new Map<string, number>();
    let server = await startServer(dir);

    const writeBatch = async (uri: string, label: string): Promise<void> => {
      const client = await connect(uri);
      const items = client.db(DB).collection<{ _id: string; v: number }>('items');
      for (let i = 0; i < 20; i++) {
        const _id = `${label}-${i}`;
        await items.insertOne({ _id, v: 0 });
        expected.set(_id, 0);
        if (i % 4 === 0) {
          await items.updateOne({ _id }, { $inc: { v: i + 1 } });
          expected.set(_id, i + 1);
        }
      }
      await disconnect(client);
    };
    const expectAllThere = async (uri: string, when: string): Promise<void> => {
      const client = await connect(uri);
      const stored = await client.db(DB).collection<{ _id: string; v: number }>('items').find({}).toArray();
      await disconnect(client);
      const actual = new Map(stored.map((doc) => [doc._id, doc.v]));
      const missingOrWrong = [...expected].filter(([id, v]) => actual.get(id) !== v).map(([id]) => id);
      const unexpected = [...actual.keys()].filter((id) => !expected.has(id));
      expect({ when, missingOrWrong, unexpected }).toEqual({ when, missingOrWrong: [], unexpected: [] });
    };

    await writeBatch(server.uri, 'before');
    await crash(server.child);

    const complete = putFrame('items', { _id: 'appended-whole', v: 7 });
    const torn = putFrame('items', { _id: 'torn', v: 1, filler: 'x'.repeat(200) });
    const badChecksum = Buffer.from(torn);
    badChecksum[badChecksum.length - 3] ^= 0xff;
    const undecodable = randomBytes(64);
    const undecodableFrame = Buffer.alloc(8);
    undecodableFrame.writeUInt32LE(undecodable.length, 0);
    undecodableFrame.writeUInt32LE(crc32(undecodable), 4);
    const tails: Array<[string, Buffer, boolean]> = [
      // [what the crash left, bytes, whether it is an intact frame to keep]
      ['a complete frame (control: an intact frame is replayed)', complete, true],
      ['random garbage', Buffer.concat([Buffer.from([0xff]), randomBytes(randomInt(1, 5000))]), false],
      ['a frame torn mid-way', torn.subarray(0, randomInt(9, torn.length - 1)), false],
      ['a frame header without its payload', torn.subarray(0, 8), false],
      ['less than a frame header', torn.subarray(0, randomInt(1, 8)), false],
      ['a whole frame with a corrupt checksum', badChecksum, false],
      [
        'a frame with a good checksum over bytes that are not records',
        Buffer.concat([undecodableFrame, undecodable]),
        false,
      ],
    ];

    for (const [index, [what, tail, intact]] of tails.entries()) {
      const before = fs.statSync(journal).size;
      fs.appendFileSync(journal, tail);
      server = await startServer(dir);
      expect({ what, size: fs.statSync(journal).size }).toEqual({
        what,
        size: intact ? before + tail.length : before,
      });
      if (intact) expected.set('appended-whole', 7);
      await expectAllThere(server.uri, `after appending ${what}`);
      await writeBatch(server.uri, `after-tail-${index}`);
      await crash(server.child);
    }

    server = await startServer(dir);
    await expectAllThere(server.uri, 'after the last crash');
  }, 60_000);
});

describe('one server per data directory', () => {
  test('a second server on a data directory in use exits non-zero naming the directory, and the first keeps serving', async () => {
    const dir = tempDir();
    const first = await startServer(dir);
    const client = await connect(first.uri);
    const items = client.db(DB).collection<{ _id: string }>('items');
    await items.insertOne({ _id: 'one' });

    const second = startEmbeddedMongoProcess(['--data', dir]).then((started: Started) => {
      children.add(started.child); // only if it wrongly started, so afterEach kills it
      return started;
    });
    await expect(second).rejects.toThrow(/exited \(1\) before listening/);
    const message = await second.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message).toContain(`data directory ${dir} is in use by process ${first.child.pid}`);

    await items.insertOne({ _id: 'two' });
    expect((await items.find({}).sort({ _id: 1 }).toArray()).map((doc) => doc._id)).toEqual(['one', 'two']);
    await disconnect(client);

    // A clean stop releases the directory for the next server, which sees everything.
    await stopProcess(first.child, 'SIGTERM');
    children.delete(first.child);
    expect(fs.existsSync(path.join(dir, 'mongod.lock'))).toBe(false);
    const next = await startServer(dir);
    const again = await connect(next.uri);
    expect(await again.db(DB).collection('items').countDocuments()).toBe(2);
  });
});

describe('compaction', () => {
  const MIN_BYTES = 64 * 1024;
  const SLOTS = 6;
  const OVERWRITES = 600;

  test('overwriting a few documents thousands of times keeps the journal small, and a restart reads the compacted journal back exactly', async () => {
    const dir = tempDir();
    const journal = path.join(dir, JOURNAL);
    const logs: string[] = [];
    const log = (message: string) => logs.push(message);
    const server = await EmbeddedMongoServer.start({ dataDir: dir, compactMinBytes: MIN_BYTES, log });
    servers.add(server);
    const client = await connect(server.uri);
    const hot = client.db(DB).collection<{ _id: string; slot: number; v: number; payload?: string }>('hot');
    await hot.createIndex({ slot: 1 }, { unique: true });
    await hot.insertMany(Array.from({ length: SLOTS }, (_, slot) => ({ _id: `hot-${slot}`, slot, v: 0 })));
    await hot.insertOne({ _id: 'doomed', slot: 99, v: 0 });

    const payload = (slot: number, v: number) => `${slot}:${v}:`.padEnd(300 + ((v * 7) % 200), '.');
    let written = 0;
    let largest = 0;
    let shrinks = 0;
    let previous = fs.statSync(journal).size;
    await Promise.all(
      Array.from({ length: SLOTS }, async (_, slot) => {
        for (let v = 1; v <= OVERWRITES; v++) {
          await hot.updateOne({ _id: `hot-${slot}` }, { $set: { v, payload: payload(slot, v) } });
          written += payload(slot, v).length;
          if (slot === 0) {
            const size = fs.statSync(journal).size;
            if (size < previous) shrinks++;
            largest = Math.max(largest, size);
            previous = size;
          }
        }
      }),
    );
    await hot.deleteOne({ _id: 'doomed' });

    const compactions = logs.filter((line) => line.startsWith('journal: compacted'));
    expect(written).toBeGreaterThan(20 * MIN_BYTES);
    expect(compactions.length).toBeGreaterThan(5);
    expect(shrinks).toBeGreaterThan(0);
    expect(largest).toBeLessThan(3 * MIN_BYTES);
    expect(fs.statSync(journal).size).toBeLessThan(2 * MIN_BYTES);

    await disconnect(client);
    await server.stop();
    servers.delete(server);
    expect(fs.existsSync(path.join(dir, 'journal.compact'))).toBe(false);

    const restarted = await EmbeddedMongoServer.start({ dataDir: dir, compactMinBytes: MIN_BYTES, log });
    servers.add(restarted);
    const after = await connect(restarted.uri);
    const hotAgain = after
      .db(DB)
      .collection<{ _id: string; slot: number; v: number; payload?: string }>('hot');
    const stored = await hotAgain.find({}).sort({ slot: 1 }).toArray();
    expect(stored).toEqual(
      Array.from({ length: SLOTS }, (_, slot) => ({
        _id: `hot-${slot}`,
        slot,
        v: OVERWRITES,
        payload: payload(slot, OVERWRITES),
      })),
    );
    // The snapshot kept the unique index, not only the documents.
    const indexes = await hotAgain.indexes();
    expect(indexes.find((index) => index.name === 'slot_1')).toMatchObject({
      key: { slot: 1 },
      unique: true,
    });
    await expect(hotAgain.insertOne({ _id: 'clash', slot: 0, v: 0 })).rejects.toMatchObject({ code: 11000 });
  }, 60_000);

  test('acknowledged overwrites survive kill -9 landing in the middle of a compaction', async () => {
    const dir = tempDir();
    const slots = 4;
    const rounds = 10;
    const last = Array.from({ length: slots }, () => 0);
    const attempted = Array.from({ length: slots }, () => 0);
    let output = '';
    let killedMidCompaction = 0;
    let server = await startCompactingServer(dir, MIN_BYTES);
    const port = server.port;
    // Live data that every compaction rewrites, so a compaction lasts long enough to be hit.
    const BALLAST = 200;
    const seed = await connect(server.uri);
    await seed
      .db(DB)
      .collection('ballast')
      .insertMany(Array.from({ length: BALLAST }, (_, i) => ({ i, filler: 'b'.repeat(2000) })));
    await disconnect(seed);
    const expectAcknowledgedValues = async (client: MongoClient, when: string): Promise<void> => {
      const stored = await client.db(DB).collection<{ _id: string; v: number }>('hot').find({}).toArray();
      const values = new Map(stored.map((doc) => [doc._id, doc.v]));
      const check = last.map((v, slot) => {
        const n = values.get(`hot-${slot}`) ?? 0;
        return { when, slot, ok: n >= v && n <= attempted[slot] };
      });
      expect(check).toEqual(last.map((_, slot) => ({ when, slot, ok: true })));
      expect({ when, ballast: await client.db(DB).collection('ballast').countDocuments() }).toEqual({
        when,
        ballast: BALLAST,
      });
    };

    for (let round = 1; round <= rounds; round++) {
      const client = await connect(server.uri);
      if (round > 1) await expectAcknowledgedValues(client, `after crash ${round - 1}`);
      const hot = client.db(DB).collection<{ _id: string; v: number; payload: string }>('hot');
      let stopped = false;
      const writers = Array.from({ length: slots }, async (_, slot) => {
        while (!stopped) {
          const v = ++attempted[slot];
          try {
            await hot.updateOne(
              { _id: `hot-${slot}` },
              { $set: { v, payload: 'p'.repeat(2000) } },
              { upsert: true },
            );
          } catch {
            return;
          }
          last[slot] = v;
        }
      });
      await sleep(randomInt(50, 250));
      // Kill the moment the server creates journal.compact (the snapshot being written), or at
      // the random moment on every third round.
      if (round % 3 !== 0) await compactionStarts(dir, 2000);
      stopped = true;
      await crash(server.child);
      if (fs.existsSync(path.join(dir, 'journal.compact'))) killedMidCompaction++;
      output += server.output();
      await Promise.all(writers);
      await disconnect(client);
      server = await startCompactingServer(dir, MIN_BYTES, port);
    }
    const client = await connect(server.uri);
    await expectAcknowledgedValues(client, `after crash ${rounds}`);
    expect(output).toMatch(/journal: compacted/);
    expect(Math.min(...last)).toBeGreaterThan(0);
    expect(killedMidCompaction).toBeGreaterThan(0);
  }, 60_000);
});

/** Resolves when journal.compact appears in `dir` (or after `timeoutMs`, to never hang). */
function compactionStarts(dir: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      watcher.close();
      clearTimeout(timer);
      resolve();
    };
    const watcher = fs.watch(dir, (_event, name) => {
      if (name === 'journal.compact') done();
    });
    const timer = setTimeout(done, timeoutMs);
  });
}

/**
 * The embedded server in a child process with a low compaction threshold, which the command line
 * does not offer: same start-up line as main.ts, so kill -9 lands in a real process.
 */
function startCompactingServer(
  dir: string,
  compactMinBytes: number,
  port = 0,
): Promise<Started & { output: () => string }> {
  const script = `
    import { EmbeddedMongoServer } from './src/embedded-mongo/server.ts';
    const [dataDir, compactMinBytes, port] = process.argv.slice(1);
    const server = await EmbeddedMongoServer.start({ dataDir, compactMinBytes: Number(compactMinBytes), port: Number(port) });
    process.stdout.write('embedded-mongo listening on ' + server.uri + '\\n');
  `;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script, dir, String(compactMinBytes), String(port)],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) =>
      reject(new Error(`compacting server exited (${code ?? signal}) before listening:\n${output}`));
    child.once('exit', onExit);
    const onData = () => {
      const match = /listening on (mongodb:\/\/[^/\s]+:(\d+)\/)/.exec(output);
      if (!match) return;
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      resolve({ child, uri: match[1], port: Number(match[2]), output: () => output });
    };
    child.stdout.on('data', onData);
  });
}
