import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { useTestDatabase } from '../support/test-database.js';
import { createHarness } from '../support/runtime-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import { chainEvents, GENESIS_HASH } from '../../src/engine/runtime/history-chain.js';
import { dayOf } from '../../src/audit/digest-days.js';

const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, '../..');
const KEY = 'cli-digest-key-0123456789abcdef-0123456789';
const db = useTestDatabase('cli_digest');
afterAll(() => stopDiagramValidator());

async function preplan(env: Record<string, string>, ...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      MONGODB_URI: process.env.PREPLAN_TEST_MONGODB_URI ?? process.env.MONGODB_URI,
      PREPLAN_DB: db.connection.name,
      PREPLAN_DIGEST_KEY: '',
      ...env,
    },
  });
}

test('`preplan audit digest` seals the ended days, `audit verify` checks them and fails on a rewritten chain (exit 1)', async () => {
  const h = await createHarness(db.connection);
  await h.deploy('review-notify.bpmn');
  // Three days ago, on the real calendar: the command works on the system clock.
  h.clock.set(new Date(Date.now() - 3 * 86_400_000));
  const day = dayOf(h.clock.now());
  const id = (await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } }))._id;
  const [task] = await h.openTasks(id);
  await h.runtime.completeTask(task._id, 'bob', { approved: true });
  await h.drain();

  const off = await preplan({}, 'audit', 'verify');
  expect(off.stdout).toMatch(/all intact\ndigests: off/);
  await expect(preplan({}, 'audit', 'digest')).rejects.toMatchObject({ code: 1 });

  const keyed = { PREPLAN_DIGEST_KEY: KEY };
  await expect(preplan(keyed, 'audit', 'digest', '--day', dayOf(new Date()))).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('还没有结束'),
  });
  expect((await preplan(keyed, 'audit', 'digest')).stdout).toMatch(
    new RegExp(`^sealed \\d day\\(s\\): ${day}, `),
  );
  expect((await preplan(keyed, 'audit', 'digest', '--day', day)).stdout).toContain(
    `${day} was sealed already`,
  );
  expect((await preplan(keyed, 'audit', 'verify')).stdout).toMatch(
    /digests: \d day\(s\), 1 instance head\(s\) checked \(key [0-9a-f]{8}\): all agree/,
  );

  const events = await h.stores.history.forInstance(id);
  const drafts = events.map(({ _id, instanceId: _i, seq: _s, prevHash: _p, hash: _h, ...draft }) =>
    draft.type === 'task.completed' ? { ...draft, actor: 'mallory' } : draft,
  );
  const chained = chainEvents(id, drafts, { seq: 0, hash: GENESIS_HASH });
  await db.connection.db!.collection('history').deleteMany({ instanceId: id });
  await db.connection.db!.collection('history').insertMany(chained.events as never[]);
  await db.connection
    .db!.collection('instances')
    .updateOne({ _id: id as never }, { $set: { historySeq: chained.seq, historyHead: chained.hash } });
  const failed = preplan(keyed, 'audit', 'verify');
  await expect(failed).rejects.toMatchObject({
    code: 1,
    stdout: expect.stringContaining(`DIGEST ${day} chain-differs ${id} event ${events.length}:`),
  });
  await expect(failed).rejects.toMatchObject({
    stdout: expect.stringContaining('events checked: all intact'),
  });
}, 120_000);
