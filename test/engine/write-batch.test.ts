import type { Connection } from 'mongoose';
import type { Collection, Document } from 'mongodb';
import { WriteBatch } from '../../src/store/write-batch.js';
import { DUPLICATE_KEY } from '../../src/store/duplicate-key.js';
import { useTestDatabase } from '../support/test-database.js';
import { HistoryStore, type HistoryEvent } from '../../src/store/history-store.js';
import { TaskStore, type TaskRecord } from '../../src/store/task-store.js';

// Command monitoring on, to count round trips.
const db = useTestDatabase('write_batch', { monitorCommands: true });
let connection: Connection;
const commands: string[] = [];
beforeAll(() => {
  connection = db.connection;
  connection.getClient().on('commandStarted', (event: { commandName: string }) => {
    commands.push(event.commandName);
  });
});
beforeEach(() => {
  commands.length = 0;
});

function task(n: number): TaskRecord {
  return {
    _id: `i-${n}:e-${n}`,
    instanceId: `i-${n}`,
    definitionKey: 'review',
    activityId: 'review',
    executionId: `e-${n}`,
    name: '审核',
    formKey: 'review',
    candidateGroups: ['office'],
    status: 'open',
    createdAt: new Date('2026-03-01T00:00:00Z'),
  };
}

function event(instanceId: string, seq: number): HistoryEvent {
  return {
    _id: `${instanceId}:${seq}`,
    instanceId,
    seq,
    type: 'note.added',
    at: new Date('2026-03-01T00:00:00Z'),
    prevHash: 'p',
    hash: `h${seq}`,
  };
}

test('writes that arrive while a batch is on its way go to the server together', async () => {
  const tasks = new TaskStore(connection);
  await tasks.init();
  commands.length = 0;
  await Promise.all(Array.from({ length: 20 }, (_, n) => tasks.open(task(n))));
  const updates = commands.filter((name) => name === 'update').length;
  // The first write goes alone (nothing was on its way); the other 19 share one more round trip.
  expect(updates).toBeLessThanOrEqual(2);
  expect(await connection.db!.collection('tasks').countDocuments()).toBe(20);
});

test("one task's open and close in one batch keep their order", async () => {
  const tasks = new TaskStore(connection);
  await tasks.init();
  const at = new Date('2026-03-01T01:00:00Z');
  await Promise.all([
    tasks.open(task(1)),
    tasks.close(task(1)._id, { status: 'completed', completedAt: at, completedBy: 'bob' }),
  ]);
  expect(await tasks.byId(task(1)._id)).toMatchObject({ status: 'completed', completedBy: 'bob' });
});

test('a repeated history event in a batch is left as it was and the others are written', async () => {
  const history = new HistoryStore(connection);
  await history.init();
  await history.append([event('i-1', 1)]);
  await history.append([{ ...event('i-1', 1), hash: 'changed' }, event('i-1', 2), event('i-2', 1)]);
  const stored = await history.forInstance('i-1');
  expect(stored.map((e) => [e.seq, e.hash])).toEqual([
    [1, 'h1'],
    [2, 'h2'],
  ]);
  expect(await history.forInstance('i-2')).toHaveLength(1);
});

test('a batch the server refuses fails every caller in it; tolerated errors count as written', async () => {
  const refusing = (error: unknown) =>
    ({
      bulkWrite: async () => {
        throw error;
      },
    }) as unknown as Collection<Document>;
  const strict = new WriteBatch(() => refusing(Object.assign(new Error('not primary'), { code: 10107 })), {
    ordered: true,
  });
  const results = await Promise.allSettled([
    strict.write({ deleteOne: { filter: {} } }),
    strict.write({ deleteOne: { filter: {} } }),
  ]);
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);

  const duplicates = { writeErrors: [{ code: DUPLICATE_KEY }, { code: DUPLICATE_KEY }] };
  const lenient = new WriteBatch(() => refusing(duplicates), { ordered: false, tolerated: [DUPLICATE_KEY] });
  await expect(lenient.write({ deleteOne: { filter: {} } })).resolves.toBeUndefined();
  const mixed = { writeErrors: [{ code: DUPLICATE_KEY }, { code: 2 }] };
  const partly = new WriteBatch(() => refusing(mixed), { ordered: false, tolerated: [DUPLICATE_KEY] });
  await expect(partly.write({ deleteOne: { filter: {} } })).rejects.toBe(mixed);
});
