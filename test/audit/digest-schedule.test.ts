import { useTestDatabase } from '../support/test-database.js';
import { createHarness, useReplayCheck, type Harness } from '../support/runtime-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import { JobRunner, type SystemJob } from '../../src/engine/jobs/job-runner.js';
import { loadDigestKeys } from '../../src/audit/digest-keys.js';
import { DIGEST_JOB_ID, DIGEST_TOPIC, digestSystemJob, ensureDigestJob } from '../../src/audit/digest-job.js';

const db = useTestDatabase('digest_schedule');
useReplayCheck();
afterAll(() => stopDiagramValidator());

const keys = loadDigestKeys({ digestKey: 'digest-test-key-0123456789abcdef-0123456789' })!;
let h: Harness;

beforeEach(async () => {
  h = await createHarness(db.connection);
  await h.deploy('review-notify.bpmn');
});

/** Another node's scheduler on the same database and clock; with the digest key unless told otherwise. */
function node(
  owner: string,
  systemJobs: Record<string, SystemJob> = { [DIGEST_TOPIC]: digestSystemJob(h.stores, keys) },
) {
  return new JobRunner({
    jobs: h.stores.jobs,
    instances: h.stores.instances,
    runtime: h.runtime,
    services: h.services,
    clock: h.clock,
    owner,
    systemJobs,
  });
}

const digestJob = async () => (await h.stores.jobs.byId(DIGEST_JOB_ID))!;

test('two nodes seal each ended day once, after 00:10 UTC, and a node killed holding the job is taken over', async () => {
  h.clock.set('2026-03-01T09:00:00Z');
  const id = (await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } }))._id;
  const [task] = await h.openTasks(id);
  await h.runtime.completeTask(task._id, 'bob', { approved: true });
  await h.drain();

  // Both nodes start: one job between them, due at once (to seal what is missing).
  await Promise.all([ensureDigestJob(h.stores.jobs, h.clock), ensureDigestJob(h.stores.jobs, h.clock)]);
  expect(await h.stores.jobs.find({ kind: 'system' })).toHaveLength(1);
  const [a, b] = [node('node-a'), node('node-b')];
  await Promise.all([a.runDue(), b.runDue()]);
  expect(await h.stores.digests.days()).toEqual([]);
  expect(await digestJob()).toMatchObject({ status: 'pending', dueAt: new Date('2026-03-02T00:10:00Z') });

  h.clock.set('2026-03-02T00:09:00Z');
  expect(await Promise.all([a.runDue(), b.runDue()])).toEqual([0, 0]);
  h.clock.set('2026-03-02T00:10:00Z');
  await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
  const sealed = await h.stores.digests.list();
  expect(sealed.map((digest) => [digest._id, digest.heads.map((head) => head.instanceId)])).toEqual([
    ['2026-03-01', [id]],
  ]);
  expect(sealed[0].sealedAt).toEqual(new Date('2026-03-02T00:10:00Z'));
  expect(await digestJob()).toMatchObject({ status: 'pending', dueAt: new Date('2026-03-03T00:10:00Z') });

  // A node claims the job and dies (kill -9): nothing happens until its lease runs out.
  h.clock.set('2026-03-03T00:10:00Z');
  expect((await h.stores.jobs.claimDue('node-dead', h.clock.now(), 60_000))?._id).toBe(DIGEST_JOB_ID);
  expect(await b.runDue()).toBe(0);
  h.clock.advance(60_001);
  expect(await b.runDue()).toBe(1);
  expect(await h.stores.digests.days()).toEqual(['2026-03-01', '2026-03-02']);
  expect(await digestJob()).toMatchObject({
    status: 'pending',
    dueAt: new Date('2026-03-04T00:10:00Z'),
    attempts: 0,
  });
  // A restart of either node leaves the armed job as it is.
  await ensureDigestJob(h.stores.jobs, h.clock);
  expect((await digestJob()).dueAt).toEqual(new Date('2026-03-04T00:10:00Z'));
});

test('a node without the key puts the job back for an hour, for a node with the key', async () => {
  h.clock.set('2026-03-01T09:00:00Z');
  await ensureDigestJob(h.stores.jobs, h.clock);
  h.clock.set('2026-03-02T00:10:00Z');
  await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
  const keyless = node('node-keyless', {});
  expect(await keyless.runDue()).toBe(1);
  expect(await digestJob()).toMatchObject({ status: 'pending', dueAt: new Date('2026-03-02T01:10:00Z') });
  h.clock.set('2026-03-02T01:10:00Z');
  expect(await node('node-a').runDue()).toBe(1);
  expect(await digestJob()).toMatchObject({ status: 'pending', dueAt: new Date('2026-03-03T00:10:00Z') });
});

test('a sealing that fails is retried like any job, never cancelled', async () => {
  h.clock.set('2026-03-02T00:10:00Z');
  await ensureDigestJob(h.stores.jobs, h.clock);
  let failures = 1;
  const flaky: SystemJob = async (now) => {
    if (failures-- > 0) throw new Error('store unavailable');
    return digestSystemJob(h.stores, keys)(now);
  };
  const a = node('node-a', { [DIGEST_TOPIC]: flaky });
  await a.runDue();
  expect(await digestJob()).toMatchObject({ status: 'pending', attempts: 1, lastError: 'store unavailable' });
  h.clock.advance(1000);
  await a.runDue();
  expect(await digestJob()).toMatchObject({ status: 'pending', dueAt: new Date('2026-03-03T00:10:00Z') });
});
