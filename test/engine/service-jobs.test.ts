import { useTestDatabase } from '../support/test-database.js';
import { useReplayCheck, createHarness, type Harness } from '../support/runtime-harness.js';
import { JobRunner, ServiceBpmnError } from '../../src/engine/jobs/job-runner.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import type { ServiceCall } from '../../src/services/service-types.js';

const db = useTestDatabase('service_jobs');
useReplayCheck();
afterAll(() => stopDiagramValidator());

let failuresLeft = 0;
let rejectNext = false;
const flakyCalls: ServiceCall[] = [];
let h: Harness;

beforeEach(async () => {
  failuresLeft = 0;
  rejectNext = false;
  flakyCalls.length = 0;
  h = await createHarness(db.connection, {
    flaky: async (call) => {
      flakyCalls.push(call);
      if (rejectNext) throw new ServiceBpmnError('REJECTED', 'the channel refused the text');
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('channel unreachable');
      }
      return { url: 'https://example.invalid/post/1' };
    },
  });
  await h.deploy('service-errors.bpmn');
});

test('a failing service is retried with growing delays and then succeeds', async () => {
  failuresLeft = 2;
  const { _id } = await h.runtime.start('service-errors', { actor: 'monitor-1' });
  expect(await h.drain()).toBe(1);
  let [job] = await h.stores.jobs.find({ instanceId: _id });
  expect(job).toMatchObject({ status: 'pending', attempts: 1, lastError: 'channel unreachable' });
  expect(job.dueAt.getTime() - h.clock.now().getTime()).toBe(1000);
  h.clock.advance(1000);
  await h.drain();
  [job] = await h.stores.jobs.find({ instanceId: _id });
  expect(job.dueAt.getTime() - h.clock.now().getTime()).toBe(2000);
  h.clock.advance(2000);
  await h.drain();
  expect(await h.stores.instances.load(_id)).toMatchObject({
    status: 'completed',
    variables: { url: 'https://example.invalid/post/1' },
  });
  expect(flakyCalls.map((c) => c.attempt)).toEqual([1, 2, 3]);
  expect(new Set(flakyCalls.map((c) => c.idempotencyKey)).size).toBe(1);
});

test('when retries run out an incident is raised, and an admin retry completes it', async () => {
  failuresLeft = 100;
  const { _id } = await h.runtime.start('service-errors', { actor: 'monitor-1' });
  for (let i = 0; i < 6; i++) {
    await h.drain();
    h.clock.advance(60_000);
  }
  const [job] = await h.stores.jobs.find({ instanceId: _id });
  expect(job).toMatchObject({ status: 'incident', attempts: 5, lastError: 'channel unreachable' });
  const history = await h.stores.history.forInstance(_id);
  expect(history.at(-1)).toMatchObject({
    type: 'incident.raised',
    activityId: 'publish',
    data: { attempts: 5 },
  });
  failuresLeft = 0;
  expect(await h.stores.jobs.retry(job._id, h.clock.now())).toBe(true);
  await h.drain();
  expect(await h.stores.instances.load(_id)).toMatchObject({ status: 'completed' });
});

test('a BPMN error from a service takes the boundary error path at once', async () => {
  rejectNext = true;
  const { _id } = await h.runtime.start('service-errors', { actor: 'monitor-1' });
  await h.drain();
  expect(flakyCalls).toHaveLength(1);
  expect((await h.openTasks(_id)).map((t) => t.activityId)).toEqual(['fix']);
  const history = await h.stores.history.forInstance(_id);
  expect(history.find((e) => e.type === 'job.failed')).toMatchObject({
    data: { error: { code: 'REJECTED' } },
  });
});

test('a result recorded before a crash is delivered without calling the service again', async () => {
  const { _id } = await h.runtime.start('service-errors', { actor: 'monitor-1' });
  const [job] = await h.stores.jobs.find({ instanceId: _id });
  // A node claimed the job, called the service, recorded the result, and died before delivering.
  const claimed = await h.stores.jobs.claimDue('dead-node', h.clock.now(), 60_000);
  await h.stores.jobs.recordResult(
    job._id,
    'dead-node',
    { url: 'https://example.invalid/post/9' },
    h.clock.now(),
  );
  expect(claimed?._id).toBe(job._id);
  expect(await h.drain()).toBe(0);
  h.clock.advance(60_001);
  expect(await h.drain()).toBe(1);
  expect(flakyCalls).toHaveLength(0);
  expect(await h.stores.instances.load(_id)).toMatchObject({
    status: 'completed',
    variables: { url: 'https://example.invalid/post/9' },
  });
});

describe('call activities', () => {
  beforeEach(async () => {
    await h.deploy('call-child.bpmn');
    await h.deploy('call-parent.bpmn');
  });

  test('a parent starts the latest child definition, waits, and continues with its outcome', async () => {
    const parent = await h.runtime.start('call-parent', { actor: 'monitor-1', variables: { caseId: 'c-1' } });
    expect(await h.drain()).toBe(1);
    const child = await h.stores.instances.load(`${parent._id}~${Object.keys(parent.waits)[0]}`);
    expect(child).toMatchObject({
      definitionKey: 'call-child',
      status: 'running',
      parent: { instanceId: parent._id },
      variables: { caseId: 'c-1' },
    });
    const [draft] = await h.openTasks(child!._id);
    await h.runtime.completeTask(draft._id, 'writer-1', { text: '通稿' });
    await h.drain();
    const resumed = await h.stores.instances.load(parent._id);
    expect(resumed).toMatchObject({ status: 'running', variables: { text: '通稿', caseId: 'c-1' } });
    expect((await h.openTasks(parent._id)).map((t) => t.activityId)).toEqual(['after']);
  });

  test('a cancelled child fails the call activity into its error boundary', async () => {
    const parent = await h.runtime.start('call-parent', { actor: 'monitor-1' });
    await h.drain();
    const childId = `${parent._id}~${Object.keys(parent.waits)[0]}`;
    await h.runtime.cancel(childId, 'admin', 'reported twice');
    await h.drain();
    const ended = await h.stores.instances.load(parent._id);
    expect(ended).toMatchObject({ status: 'completed' });
    const history = await h.stores.history.forInstance(parent._id);
    expect(history.some((e) => e.type === 'activity.end' && e.activityId === 'failed')).toBe(true);
  });

  test('starting the same child twice creates one instance', async () => {
    const parent = await h.runtime.start('call-parent', { actor: 'monitor-1' });
    const [job] = await h.stores.jobs.find({ instanceId: parent._id, kind: 'call-start' });
    await h.drain();
    const childId = `${parent._id}~${job.executionId}`;
    await h.runtime.start('call-child', { actor: 'again', instanceId: childId });
    const history = await h.stores.history.forInstance(childId);
    expect(history.filter((e) => e.type === 'instance.started')).toHaveLength(1);
  });
});

describe('a service slower than its lease', () => {
  const releases: Array<() => void> = [];
  let slowCalls = 0;

  function runner(owner: string) {
    return new JobRunner({
      jobs: h.stores.jobs,
      instances: h.stores.instances,
      runtime: h.runtime,
      services: {
        flaky: async () => {
          slowCalls++;
          await new Promise<void>((resolve) => releases.push(resolve));
          return { url: 'https://example.invalid/slow' };
        },
      },
      clock: h.clock,
      owner,
      leaseMs: 600,
    });
  }

  test('keeps its lease while it runs, so a second node does not call it again', async () => {
    slowCalls = 0;
    const { _id } = await h.runtime.start('service-errors', { actor: 'monitor-1' });
    const a = runner('node-a');
    const b = runner('node-b');
    const first = a.runDue();
    while (slowCalls === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    h.clock.advance(601);
    await new Promise((resolve) => setTimeout(resolve, 400)); // a heartbeat renews A's lease
    const second = b.runDue();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slowCalls).toBe(1);
    for (const release of releases) release();
    expect(await second).toBe(0);
    await first;
    expect(await h.stores.instances.load(_id)).toMatchObject({ status: 'completed' });
  });
});
