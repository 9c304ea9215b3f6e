import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { testMongoUri } from '../support/test-database.js';

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
