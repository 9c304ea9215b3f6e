/**
 * The queries a node repeats all day (task lists, the repair sweep) read the few documents
 * they are about, not everything an office has stored over the years: checked with the
 * server's own explain, on the embedded store or on MONGODB_URI.
 */
import type { Connection } from 'mongoose';
import type { Document } from 'mongodb';
import { openStores, type Stores } from '../../src/store/index.js';
import { useTestDatabase } from '../support/test-database.js';

const db = useTestDatabase('query_plans', { monitorCommands: true });
let connection: Connection;
let stores: Stores;
const finds: Document[] = [];

beforeAll(async () => {
  connection = db.connection;
  stores = await openStores(connection);
  await Promise.all(Object.values(stores).map((store) => store.init()));
  connection.getClient().on('commandStarted', (event: { commandName: string; command: Document }) => {
    if (event.commandName === 'find') finds.push(event.command);
  });
});

const HISTORY = 400;
const day = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 3_600_000);

/** Documents examined by the server for each find the store sent while `run` ran. */
async function examinedBy(run: () => Promise<unknown>): Promise<number[]> {
  finds.length = 0;
  await run();
  const sent = finds.splice(0);
  expect(sent.length).toBeGreaterThan(0);
  const examined: number[] = [];
  for (const find of sent) {
    const { filter, sort, limit, projection } = find;
    const explained = await connection.db!.command({
      explain: { find: find.find, filter, sort, limit, projection },
      verbosity: 'executionStats',
    });
    examined.push(explained.executionStats.totalDocsExamined as number);
  }
  return examined;
}

test('a task list reads the open tasks, not every task the office ever had', async () => {
  const tasks = connection.db!.collection('tasks');
  await tasks.insertMany(
    Array.from({ length: HISTORY }, (_, i) => ({
      _id: `done-${i}` as never,
      status: 'completed',
      instanceId: `i-${i}`,
      activityId: 'Consult',
      candidateGroups: ['office'],
      createdAt: day(i),
      dueAt: i % 2 ? day(i + 12) : null,
    })),
  );
  await tasks.insertMany(
    ['a', 'b', 'c'].map((id, i) => ({
      _id: `open-${id}` as never,
      status: 'open',
      instanceId: `j-${i}`,
      activityId: 'Consult',
      candidateGroups: ['office'],
      createdAt: day(HISTORY + i),
      dueAt: i === 0 ? day(HISTORY + 12) : null,
    })),
  );
  let listed: Array<{ _id: string }> = [];
  const examined = await examinedBy(async () => {
    listed = await stores.tasks.openFor({ userId: 'u-office', roles: ['office'] });
  });
  expect(listed.map((task) => task._id)).toEqual(['open-a', 'open-b', 'open-c']);
  for (const count of examined) expect(count).toBeLessThanOrEqual(10);
});

test('the repair sweep reads the running instances, not every finished one', async () => {
  const instances = connection.db!.collection('instances');
  await instances.insertMany(
    Array.from({ length: HISTORY }, (_, i) => ({
      _id: `done-${i}` as never,
      definitionKey: 'opinion-intake',
      status: 'completed',
      engineState: null,
      createdAt: day(i),
      updatedAt: day(i),
    })),
  );
  await instances.insertOne({
    _id: 'unbegun' as never,
    definitionKey: 'opinion-intake',
    status: 'running',
    engineState: null,
    createdAt: day(HISTORY),
    updatedAt: day(HISTORY),
  });
  let found: Array<{ _id: string }> = [];
  const examined = await examinedBy(async () => {
    found = await stores.instances.neverBegun(100, day(HISTORY + 1));
  });
  expect(found.map((instance) => instance._id)).toEqual(['unbegun']);
  for (const count of examined) expect(count).toBeLessThanOrEqual(10);
});
