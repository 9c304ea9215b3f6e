import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { testMongoUri } from '../support/test-database.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, '../..');
const database = `test_cli_${randomBytes(3).toString('hex')}`;

async function preplan(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, MONGODB_URI: testMongoUri(), PREPLAN_DB: database },
  });
}

afterAll(async () => {
  await stopDiagramValidator();
  const connection = await mongoose.createConnection(testMongoUri(), { dbName: database }).asPromise();
  await connection.dropDatabase();
  await connection.close();
});

test('`preplan users add` creates a user with a password shown once; a bad role is refused', async () => {
  const added = await preplan('users', 'add', 'alice', 'office,monitor', '李', '明');
  const password = /password \(shown once\): (\S+)/.exec(added.stdout)?.[1];
  expect(password).toMatch(/^\S{16}$/);
  expect((await preplan('users', 'list')).stdout).toMatch(/^alice\s+office,monitor/m);
  await expect(preplan('users', 'add', 'bob', 'nosuchrole')).rejects.toMatchObject({
    stderr: expect.stringContaining('未知角色'),
  });
  const connection = await mongoose.createConnection(testMongoUri(), { dbName: database }).asPromise();
  const stored = await connection.db!.collection('credentials').findOne({ _id: 'alice' as never });
  await connection.close();
  expect(stored?.hash).toMatch(/^\$argon2id\$/);
  expect(JSON.stringify(stored)).not.toContain(password);
}, 60_000);

test('`preplan audit verify` passes an intact store and names a tampered event (exit 1)', async () => {
  const connection = await mongoose.createConnection(testMongoUri(), { dbName: database }).asPromise();
  const { createHarness } = await import('../support/runtime-harness.js');
  const h = await createHarness(connection);
  await h.deploy('review-notify.bpmn');
  const { _id } = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
  const intact = await preplan('audit', 'verify');
  expect(intact.stdout).toMatch(/1 instance\(s\), \d+ events checked: all intact/);
  await connection
    .db!.collection('history')
    .updateOne({ _id: `${_id}:3` as never }, { $set: { actor: 'mallory' } });
  await connection.close();
  await expect(preplan('audit', 'verify')).rejects.toMatchObject({
    code: 1,
    stdout: expect.stringContaining(`TAMPERED ${_id} event 3: altered`),
  });
}, 60_000);
