/**
 * Fuzzing the embedded server's wire protocol over raw sockets: whatever bytes arrive, the server
 * stays up, answers every complete message (an `ok: 0` error is an answer), hangs up only on a
 * length it cannot frame, and other connections never notice. The expected replies come from a
 * model of the framing rule (int32 length first; 16..48,000,000 or the connection is dropped),
 * not from the server's own parser.
 */
import net from 'node:net';
import fc from 'fast-check';
import { Long, deserialize, serialize, type Document } from 'bson';
import { MongoClient } from 'mongodb';
import { EmbeddedMongoServer } from '../../src/embedded-mongo/server.js';
import { commands } from '../../src/embedded-mongo/commands/index.js';

const MAX_MESSAGE_SIZE = 48_000_000;
const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_COMPRESSED = 2012;
const OP_MSG = 2013;
const MORE_TO_COME = 1 << 1;
/** How long a complete message may wait for its reply. */
const REPLY_TIMEOUT_MS = 2000;

let server: EmbeddedMongoServer;
let bystander: MongoClient;
const logs: string[] = [];
const openSockets = new Set<net.Socket>();

beforeAll(async () => {
  server = await EmbeddedMongoServer.start({ log: (message) => logs.push(message) });
  bystander = new MongoClient(server.uri, { directConnection: true, maxPoolSize: 1 });
  await bystander.connect();
  await bystander
    .db('bystander')
    .collection<{ _id: number; name: string }>('things')
    .insertMany([
      { _id: 1, name: 'one' },
      { _id: 2, name: 'two' },
    ]);
});

afterEach(() => {
  for (const socket of openSockets) socket.destroy();
  openSockets.clear();
});

afterAll(async () => {
  await bystander?.close();
  await server?.stop();
});

// ---- building messages ------------------------------------------------------------------------

let nextRequestId = 1;
const newRequestId = () => nextRequestId++;

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value, 0);
  return buffer;
}

function frame(opCode: number, requestId: number, parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([int32(16 + body.length), int32(requestId), int32(0), int32(opCode), body]);
}

interface Sequence {
  id: string;
  docs: Document[];
}

function opMsg(
  body: Document | Map<string, unknown>,
  options: { requestId?: number; flags?: number; sequences?: Sequence[] } = {},
): Buffer {
  const parts: Uint8Array[] = [int32(options.flags ?? 0), Buffer.from([0]), serialize(body)];
  for (const sequence of options.sequences ?? []) {
    const id = Buffer.from(`${sequence.id}\0`);
    const docs = Buffer.concat(sequence.docs.map((doc) => serialize(doc)));
    parts.push(Buffer.from([1]), int32(4 + id.length + docs.length), id, docs);
  }
  return frame(OP_MSG, options.requestId ?? newRequestId(), parts);
}

function opQuery(namespace: string, query: Document, requestId = newRequestId()): Buffer {
  return frame(OP_QUERY, requestId, [
    int32(0),
    Buffer.from(`${namespace}\0`),
    int32(0),
    int32(-1),
    serialize(query),
  ]);
}

/** Well-formed messages of every shape the parser knows, as seeds for truncation and mutation. */
const validMessages: Array<() => Buffer> = [
  () => opMsg({ ping: 1, $db: 'admin' }),
  () => opMsg({ hello: 1, $db: 'admin' }),
  () => opQuery('admin.$cmd', { isMaster: 1 }),
  () => opQuery('fuzz.$cmd', { $query: { count: 'things' } }),
  () =>
    opMsg({
      insert: 'things',
      documents: [{ a: 'x', n: 1 }, { b: [1, 2, { c: null }] }],
      ordered: false,
      $db: 'fuzz',
    }),
  () =>
    opMsg(
      { insert: 'things', ordered: false, $db: 'fuzz' },
      { sequences: [{ id: 'documents', docs: [{ a: 'y' }, { a: 'z', when: new Date(0) }] }] },
    ),
  () => opMsg({ find: 'things', filter: { a: { $gte: 'a' } }, sort: { a: 1 }, limit: 5, $db: 'fuzz' }),
  () =>
    opMsg({
      update: 'things',
      updates: [{ q: { a: 'x' }, u: { $inc: { n: 1 } }, upsert: true }],
      $db: 'fuzz',
    }),
  () =>
    opMsg(
      { update: 'things', $db: 'fuzz' },
      { sequences: [{ id: 'updates', docs: [{ q: { a: 'y' }, u: { $set: { m: 'y' } } }] }] },
    ),
  () => opMsg({ delete: 'things', deletes: [{ q: { b: { $exists: true } }, limit: 0 }], $db: 'fuzz' }),
  () =>
    opMsg({
      aggregate: 'things',
      pipeline: [{ $match: {} }, { $group: { _id: '$a', n: { $sum: 1 } } }],
      cursor: {},
      $db: 'fuzz',
    }),
  () =>
    opMsg({ findAndModify: 'things', query: { a: 'x' }, update: { $set: { f: 1 } }, new: true, $db: 'fuzz' }),
  () => opMsg({ getMore: Long.fromNumber(12345), collection: 'things', $db: 'fuzz' }),
  () => opMsg({ listCollections: 1, filter: {}, $db: 'fuzz' }),
  () => opMsg({ noSuchCommandHere: 1, $db: 'fuzz' }),
];

// ---- the framing model and the exchange -------------------------------------------------------

interface Expectation {
  /** requestId and opCode of each complete message, in order: each must get one reply. */
  messages: Array<{ requestId: number; opCode: number }>;
  /** A length outside 16..48,000,000 came up: one error reply, then the server hangs up. */
  badLength: boolean;
}

/**
 * Frames `bytes` as the protocol prescribes. Clears moreToCome on complete OP_MSGs (a message that
 * parses with it set rightly gets no reply; that case has its own test), so every complete
 * message is owed a reply.
 */
function expectationFor(bytes: Buffer): Expectation {
  const messages: Expectation['messages'] = [];
  let offset = 0;
  while (bytes.length - offset >= 4) {
    const length = bytes.readInt32LE(offset);
    if (length < 16 || length > MAX_MESSAGE_SIZE) return { messages, badLength: true };
    if (bytes.length - offset < length) break;
    const opCode = bytes.readInt32LE(offset + 12);
    if (opCode === OP_MSG && length >= 20) bytes[offset + 16] &= ~MORE_TO_COME;
    messages.push({ requestId: bytes.readInt32LE(offset + 4), opCode });
    offset += length;
  }
  return { messages, badLength: false };
}

interface Reply {
  responseTo: number;
  opCode: number;
  doc: Document;
}

interface Exchanged {
  replies: Reply[];
  /** The server ended the connection. */
  hungUp: boolean;
  timedOut: boolean;
}

function parseReplies(data: Buffer): { replies: Reply[]; rest: Buffer } {
  const replies: Reply[] = [];
  let offset = 0;
  while (data.length - offset >= 4) {
    const length = data.readInt32LE(offset);
    if (data.length - offset < length) break;
    const message = data.subarray(offset, offset + length);
    const opCode = message.readInt32LE(12);
    // OP_MSG: flags, section kind 0, document. OP_REPLY: flags, cursorId, startingFrom, numberReturned.
    const docAt = opCode === OP_REPLY ? 36 : 21;
    replies.push({ responseTo: message.readInt32LE(8), opCode, doc: deserialize(message.subarray(docAt)) });
    offset += length;
  }
  return { replies, rest: data.subarray(offset) };
}

/**
 * Connects, writes `chunks` one by one, and collects replies until `replies` have arrived (and,
 * with `hangUp`, the server closed the connection) or the timeout passes.
 */
async function exchange(
  chunks: Buffer[],
  until: { replies: number; hangUp?: boolean },
  timeoutMs = REPLY_TIMEOUT_MS,
): Promise<Exchanged> {
  const socket = net.connect({ port: server.port, host: server.host, allowHalfOpen: true });
  openSockets.add(socket);
  socket.setNoDelay(true);
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const result: Exchanged = { replies: [], hungUp: false, timedOut: false };
  let pending: Buffer = Buffer.alloc(0);
  const done = new Promise<void>((resolve) => {
    const check = () => {
      if (result.replies.length >= until.replies && (!until.hangUp || result.hungUp)) resolve();
    };
    const timer = setTimeout(() => {
      result.timedOut = true;
      resolve();
    }, timeoutMs);
    timer.unref();
    socket.on('data', (chunk: Buffer) => {
      const parsed = parseReplies(Buffer.concat([pending, chunk]));
      pending = parsed.rest;
      result.replies.push(...parsed.replies);
      check();
    });
    socket.on('end', () => {
      result.hungUp = true;
      check();
    });
    socket.on('close', () => {
      result.hungUp = true;
      check();
    });
    check();
  });
  for (const [index, chunk] of chunks.entries()) {
    if (socket.destroyed) break;
    socket.write(chunk);
    if (index < chunks.length - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  await done;
  const hungUp = result.hungUp;
  if (!socket.destroyed) {
    // Our side closes: the server must close too, and anything it still sends is counted.
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.end();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }
  socket.destroy();
  openSockets.delete(socket);
  return { ...result, hungUp };
}

/** Cuts `bytes` into up to `count` chunks at the given fractions. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => Math.floor(cut * bytes.length)))]
    .filter((point) => point > 0 && point < bytes.length)
    .sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks.filter((chunk) => chunk.length > 0);
}

/** What every reply must look like: a MongoDB reply document, `ok: 0` ones with a reason. */
function expectWellFormed(reply: Reply): void {
  expect([0, 1]).toContain(Number(reply.doc.ok));
  if (Number(reply.doc.ok) === 0) {
    expect(typeof reply.doc.errmsg).toBe('string');
    expect(typeof reply.doc.code).toBe('number');
  }
}

/** Sends `bytes` (in `chunks`) and checks the server answered exactly as the framing model says. */
async function sendAndCheck(bytes: Buffer, cuts: number[] = []): Promise<Exchanged> {
  const expected = expectationFor(bytes);
  const owed = expected.messages.length + (expected.badLength ? 1 : 0);
  const result = await exchange(split(bytes, cuts), { replies: owed, hangUp: expected.badLength });
  const summary = (r: Exchanged) => ({ replies: r.replies.length, hungUp: r.hungUp, timedOut: r.timedOut });
  expect(summary(result)).toEqual({
    replies: owed,
    hungUp: expected.badLength ? true : result.hungUp,
    timedOut: false,
  });
  // Replies come in request order, each to its request, OP_QUERY answered with OP_REPLY.
  expected.messages.forEach(({ requestId, opCode }, index) => {
    const reply = result.replies[index];
    expect({ responseTo: reply.responseTo, opCode: reply.opCode }).toEqual({
      responseTo: requestId,
      opCode: opCode === OP_QUERY ? OP_REPLY : OP_MSG,
    });
  });
  if (expected.badLength) {
    expect(result.replies[owed - 1].doc).toMatchObject({ ok: 0, code: 17, codeName: 'ProtocolError' });
    expect(result.replies[owed - 1].doc.errmsg).toMatch(/message length -?\d+ is outside the allowed range/);
  } else {
    // Only a bad length may end the connection.
    expect(result.hungUp).toBe(false);
  }
  result.replies.forEach(expectWellFormed);
  return result;
}

/** A fresh connection and the long-lived one both still work: nothing the fuzz did leaked. */
async function expectServerHealthy(): Promise<void> {
  const fresh = new MongoClient(server.uri, { directConnection: true, serverSelectionTimeoutMS: 3000 });
  try {
    await fresh.connect();
    expect(await fresh.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    const things = await fresh.db('bystander').collection('things').find({}).sort({ _id: 1 }).toArray();
    expect(things).toEqual([
      { _id: 1, name: 'one' },
      { _id: 2, name: 'two' },
    ]);
  } finally {
    await fresh.close();
  }
  expect(await bystander.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
  expect(await bystander.db('bystander').collection('things').countDocuments()).toBe(2);
  // A handler that threw something other than a MongoDB error would be logged here.
  expect(logs.filter((line) => line.includes('failed unexpectedly'))).toEqual([]);
}

const cutsArbitrary = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 });

// ---- the fuzz ---------------------------------------------------------------------------------

describe('the wire parser under fuzzed input', () => {
  test('fully random bytes never crash the server; complete frames are answered and bad lengths hang up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        cutsArbitrary,
        async (bytes, cuts) => {
          await sendAndCheck(Buffer.from(bytes), cuts);
        },
      ),
      { numRuns: 300 },
    );
    await expectServerHealthy();
  });

  test('a valid header with a random body gets an answer for every opcode', async () => {
    const opCodes = fc.oneof(
      fc.constantFrom(OP_MSG, OP_QUERY, OP_COMPRESSED, OP_REPLY, 2001, 2002, 2005, 2006, 2007, 0, -1),
      fc.integer(),
    );
    const messages = fc
      .array(fc.tuple(fc.integer(), opCodes, fc.uint8Array({ maxLength: 300 })), {
        minLength: 1,
        maxLength: 4,
      })
      .map((parts) =>
        Buffer.concat(parts.map(([requestId, opCode, body]) => frame(opCode, requestId, [body]))),
      );
    await fc.assert(
      fc.asyncProperty(messages, cutsArbitrary, async (bytes, cuts) => {
        const { replies } = await sendAndCheck(bytes, cuts);
        expect(replies.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
    await expectServerHealthy();
  });

  test('well-formed messages truncated, relabelled or mutated are answered, pipelined or not', async () => {
    const damage = fc.oneof(
      // cut short, length field left as is: an incomplete message, then the socket closes
      fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      // cut short and the length field fixed up: a complete message with a broken body
      fc.record({ kind: fc.constant('relabel' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      // bytes overwritten anywhere, header included
      fc.record({
        kind: fc.constant('mutate' as const),
        edits: fc.array(
          fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
      }),
      fc.record({ kind: fc.constant('intact' as const) }),
    );
    const message = fc
      .tuple(fc.integer({ min: 0, max: validMessages.length - 1 }), damage)
      .map(([which, how]) => {
        const bytes = Buffer.from(validMessages[which]());
        if (how.kind === 'truncate') return bytes.subarray(0, Math.floor(how.at * bytes.length));
        if (how.kind === 'relabel') {
          const cut = Buffer.from(bytes.subarray(0, Math.max(16, Math.floor(how.at * (bytes.length - 1)))));
          cut.writeInt32LE(cut.length, 0);
          return cut;
        }
        if (how.kind === 'mutate')
          for (const [at, value] of how.edits) bytes[Math.floor(at * (bytes.length - 1))] = value;
        return bytes;
      });
    // Several messages in one stream; anything after a truncated one is swallowed into it.
    const stream = fc.array(message, { minLength: 1, maxLength: 4 }).map((parts) => Buffer.concat(parts));
    await fc.assert(
      fc.asyncProperty(stream, cutsArbitrary, async (bytes, cuts) => {
        await sendAndCheck(bytes, cuts);
      }),
      { numRuns: 400 },
    );
    await expectServerHealthy();
  });

  test('a complete message with its body cut short is refused with ok: 0', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: validMessages.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (which, at) => {
          const whole = validMessages[which]();
          const cut = Buffer.from(whole.subarray(0, 16 + Math.floor(at * (whole.length - 17))));
          cut.writeInt32LE(cut.length, 0);
          const { replies } = await sendAndCheck(cut);
          expect(replies[0].doc).toMatchObject({ ok: 0 });
        },
      ),
      { numRuns: 200 },
    );
    await expectServerHealthy();
  });

  test('a kind-1 document sequence with a wrong length is refused with ok: 0, the right length inserts', async () => {
    const docs = [
      { _id: 'seq-a', n: 1 },
      { _id: 'seq-b', n: 2, s: 'bee' },
      { _id: 'seq-c', n: 3, list: [1, 2, 3] },
    ];
    const base = opMsg(
      { insert: 'sequences', ordered: true, $db: 'fuzz' },
      { sequences: [{ id: 'documents', docs }] },
    );
    // The sequence is the last section: its size field sits right after the body document.
    const sizeAt = 16 + 4 + 1 + serialize({ insert: 'sequences', ordered: true, $db: 'fuzz' }).length + 1;
    const rightSize = base.readInt32LE(sizeAt);
    expect(rightSize).toBe(base.length - sizeAt);
    const sizes = fc.oneof(
      fc.integer({ min: -8, max: 8 }).map((delta) => rightSize + delta),
      fc.integer({ min: -10, max: rightSize + 10 }),
      fc.integer(),
      fc.constantFrom(0, 4, 5, -1, 2 ** 31 - 1, -(2 ** 31)),
    );
    let rightSizeSent = false;
    await fc.assert(
      fc.asyncProperty(sizes, async (size) => {
        const message = Buffer.from(base);
        message.writeInt32LE(size, sizeAt);
        message.writeInt32LE(newRequestId(), 4);
        const { replies } = await sendAndCheck(message);
        if (size === rightSize) {
          rightSizeSent = true;
          expect(replies[0].doc).toMatchObject({ ok: 1 });
        } else expect(replies[0].doc).toMatchObject({ ok: 0, code: 17 });
      }),
      { numRuns: 200 },
    );
    // Only the message with the right size inserted anything.
    const stored = await bystander.db('fuzz').collection('sequences').find({}).sort({ _id: 1 }).toArray();
    expect(stored).toEqual(rightSizeSent ? docs : []);
    await expectServerHealthy();
  });

  test('a length over 48,000,000 (or under 16) gets an error reply and the connection is closed', async () => {
    const badLengths = fc.oneof(
      fc.integer({ min: MAX_MESSAGE_SIZE + 1, max: 2 ** 31 - 1 }),
      fc.integer({ min: -(2 ** 31), max: 15 }),
      fc.constantFrom(MAX_MESSAGE_SIZE + 1, 2 ** 31 - 1, 15, 0, -1),
    );
    await fc.assert(
      fc.asyncProperty(badLengths, fc.uint8Array({ maxLength: 64 }), async (length, trailer) => {
        const bytes = Buffer.concat([int32(length), int32(newRequestId()), int32(0), int32(OP_MSG), trailer]);
        const result = await sendAndCheck(bytes);
        expect(result.hungUp).toBe(true);
      }),
      { numRuns: 100 },
    );
    // The exact boundary is still accepted (as a message being received), not refused.
    const atLimit = Buffer.concat([int32(MAX_MESSAGE_SIZE), int32(1), int32(0), int32(OP_MSG)]);
    expect((await exchange([atLimit], { replies: 1 }, 200)).replies).toEqual([]);
    await expectServerHealthy();
  });

  test('complete messages before a bad length are answered first, and nothing after it is run', async () => {
    const ping = opMsg({ ping: 1, $db: 'admin' });
    const bad = Buffer.concat([int32(MAX_MESSAGE_SIZE + 1), int32(newRequestId()), int32(0), int32(OP_MSG)]);
    // Pipelined in one write: the ping is owed its reply before the error.
    await sendAndCheck(Buffer.concat([ping, bad]));

    // A write arriving after the error reply must not be run on the dropped connection.
    const socket = net.connect({ port: server.port, host: server.host, allowHalfOpen: true });
    openSockets.add(socket);
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    const gotError = new Promise((resolve) => socket.once('data', resolve));
    socket.write(bad);
    await gotError;
    socket.write(opMsg({ insert: 'afterHangUp', documents: [{ _id: 'smuggled' }], $db: 'fuzz' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    expect(await bystander.db('fuzz').collection('afterHangUp').countDocuments()).toBe(0);
    await expectServerHealthy();
  });

  test('an unknown opcode is refused with ok: 0 and the connection stays usable', async () => {
    const unknown = fc.integer().filter((opCode) => opCode !== OP_MSG && opCode !== OP_QUERY);
    await fc.assert(
      fc.asyncProperty(unknown, fc.uint8Array({ maxLength: 100 }), async (opCode, body) => {
        const bytes = Buffer.concat([
          frame(opCode, newRequestId(), [body]),
          opMsg({ ping: 1, $db: 'admin' }),
        ]);
        const { replies } = await sendAndCheck(bytes);
        expect(replies[0].doc).toMatchObject({ ok: 0, code: 17 });
        expect(replies[0].doc.errmsg).toMatch(
          opCode === OP_COMPRESSED ? /compression/ : /unsupported opcode/,
        );
        expect(replies[1].doc).toEqual({ ok: 1 });
      }),
      { numRuns: 150 },
    );
    await expectServerHealthy();
  });

  test('an unknown command is refused with ok: 0 and code 59 (CommandNotFound)', async () => {
    const names = fc
      .oneof(
        fc.string({ maxLength: 30 }),
        fc.string({ unit: 'grapheme', maxLength: 10 }),
        fc.constantFrom(
          '__proto__',
          'constructor',
          'toString',
          'hasOwnProperty',
          'valueOf',
          'PING',
          'Find',
          '',
        ),
      )
      .filter((name) => !name.includes('\0') && name !== '$db' && !Object.hasOwn(commands, name));
    await fc.assert(
      fc.asyncProperty(names, fc.boolean(), async (name, viaOpQuery) => {
        const body = new Map<string, unknown>([[name, 1]]);
        const bytes = viaOpQuery
          ? opQuery('fuzz.$cmd', body as unknown as Document)
          : opMsg(body.set('$db', 'fuzz'));
        const { replies } = await sendAndCheck(bytes);
        expect(replies[0].doc).toMatchObject({ ok: 0, code: 59, codeName: 'CommandNotFound' });
        expect(replies[0].doc.errmsg).toBe(`no such command: '${name}'`);
      }),
      { numRuns: 200 },
    );
    await expectServerHealthy();
  });
});

describe('connections that stop half-way', () => {
  test('a partial message followed by a close neither hangs nor crashes the server, and leaks no socket', async () => {
    const sockets = (): number => (server as unknown as { sockets: Set<net.Socket> }).sockets.size;
    const baseline = sockets();
    const whole = opMsg({ insert: 'partial', documents: [{ _id: 'never' }], $db: 'fuzz' });
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        // from a single byte of the length to all but the last byte of the message
        const upTo = 1 + (i % (whole.length - 1));
        const result = await exchange([whole.subarray(0, upTo)], { replies: 0 });
        expect(result.replies).toEqual([]);
      }),
    );
    // Server-side sockets go once the server sees the close.
    for (let wait = 0; sockets() > baseline && wait < 100; wait++)
      await new Promise((r) => setTimeout(r, 20));
    expect(sockets()).toBe(baseline);
    expect(await bystander.db('fuzz').collection('partial').countDocuments()).toBe(0);
    await expectServerHealthy();
  });

  test('a message trickling in a byte at a time is answered once complete', async () => {
    const ping = opMsg({ ping: 1, $db: 'admin' });
    const bytes = [...ping].map((byte) => Buffer.from([byte]));
    const { replies } = await exchange(bytes, { replies: 1 });
    expect(replies.map((reply) => reply.doc)).toEqual([{ ok: 1 }]);
  });

  test('an OP_MSG with moreToCome is run without a reply, and the next message on the connection is answered', async () => {
    const quiet = opMsg(
      { insert: 'quiet', documents: [{ _id: 'unacknowledged' }], $db: 'fuzz' },
      { flags: MORE_TO_COME },
    );
    const ping = opMsg({ ping: 1, $db: 'admin' });
    const { replies } = await exchange([Buffer.concat([quiet, ping])], { replies: 1 });
    expect(replies.map((reply) => [reply.responseTo, reply.doc])).toEqual([[ping.readInt32LE(4), { ok: 1 }]]);
    expect(await bystander.db('fuzz').collection('quiet').countDocuments()).toBe(1);
  });
});
