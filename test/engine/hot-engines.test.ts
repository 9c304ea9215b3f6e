import { jest } from '@jest/globals';
import { useTestDatabase } from '../support/test-database.js';
import { useReplayCheck, createHarness, type Harness } from '../support/runtime-harness.js';
import { verifyChain } from '../../src/engine/runtime/history-chain.js';
import { EngineStep } from '../../src/engine/runtime/engine-step.js';
import { HotEngines } from '../../src/engine/runtime/hot-engines.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import { DefinitionCache } from '../../src/engine/runtime/definition-cache.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import type { InstanceRecord } from '../../src/store/instance-store.js';

const db = useTestDatabase('hot_engines');
useReplayCheck();
afterAll(() => stopDiagramValidator());
afterEach(() => jest.restoreAllMocks());

const HOUR = 3_600_000;
const NONE = { max: 0, idleMs: 10_000 };

async function harness(hotEngines = { max: 64, idleMs: 10_000 }): Promise<Harness> {
  const h = await createHarness(db.connection, {}, { hotEngines });
  await h.deploy('timed-publish.bpmn');
  return h;
}

/** What a case looks like afterwards, without ids that differ from run to run. */
async function outcome(h: Harness, id: string) {
  const instance = await h.stores.instances.load(id);
  const history = await h.stores.history.forInstance(id);
  expect(verifyChain(history)).toBeNull();
  return {
    status: instance?.status,
    variables: instance?.variables,
    outbox: instance?.outbox,
    history: history.map((e) => `${e.type}:${e.activityId ?? ''}:${e.actor ?? ''}`),
    tasks: (await h.stores.tasks.forInstance(id)).map((t) => `${t.activityId}:${t.status}`),
    jobs: (await h.stores.jobs.find({ instanceId: id })).map((j) => `${j.activityId}:${j.kind}:${j.status}`),
  };
}

/** A second node's runtime on the same store and clock: its commands are changes this node did not make. */
function anotherNode(h: Harness): Runtime {
  return new Runtime({ ...h.stores, definitions: new DefinitionCache(h.stores.definitions), clock: h.clock });
}

async function publishAndReview(h: Harness) {
  const { _id } = await h.runtime.start('timed-publish', { actor: 'monitor-1' });
  expect(await h.drain()).toBe(1);
  const [review] = await h.openTasks(_id);
  await h.runtime.completeTask(review._id, 'office-1', { approved: true });
  return _id;
}

test('a service result goes on with the engine its start kept, with the same outcome as a rebuilt engine', async () => {
  const opens = jest.spyOn(EngineStep, 'open');
  const kept = await harness();
  const keptId = await publishAndReview(kept);
  // Built once for the start; the service result went on with it; the review (a person's
  // step) was a rebuild, because engines waiting on people are not kept.
  expect(opens).toHaveBeenCalledTimes(2);

  opens.mockClear();
  const rebuilt = await harness(NONE);
  const rebuiltId = await publishAndReview(rebuilt);
  expect(opens).toHaveBeenCalledTimes(3);

  const a = await outcome(kept, keptId);
  expect(a).toEqual(await outcome(rebuilt, rebuiltId));
  expect(a).toMatchObject({ status: 'completed', outbox: [], variables: { publishSent: true } });
  // A rebuilt engine announces its boundary timer again; the history records it once.
  expect(a.history.filter((e) => e.startsWith('activity.timer:publishLate:'))).toHaveLength(1);
});

test('a kept engine whose timer fell due is rebuilt (a rebuild fires what is overdue), with the same outcome', async () => {
  const late = async (h: Harness) => {
    const { _id } = await h.runtime.start('timed-publish', { actor: 'monitor-1' });
    h.clock.advance(HOUR + 1000);
    await h.drain();
    return _id;
  };
  const opens = jest.spyOn(EngineStep, 'open');
  const kept = await harness();
  const keptId = await late(kept);
  // The start, then the service job (due first) on a rebuilt engine, as its timer was due too;
  // the result closed the timer, whose job then did not run.
  expect(opens).toHaveBeenCalledTimes(2);
  const rebuilt = await harness(NONE);
  const rebuiltId = await late(rebuilt);
  expect(await outcome(kept, keptId)).toEqual(await outcome(rebuilt, rebuiltId));
});

test("another node's change makes the kept engine stale: the command runs again on the stored state", async () => {
  const h = await harness();
  const other = anotherNode(h);
  const { _id } = await h.runtime.start('timed-publish', { actor: 'monitor-1' });
  const opens = jest.spyOn(EngineStep, 'open');
  // The other node records a note: a new revision this node's kept engine does not know.
  await other.appendHistory(_id, [{ at: h.clock.now(), type: 'note.added', actor: 'office-2', data: {} }]);
  expect(await h.drain()).toBe(1);
  // The kept engine's commit lost on the revision; the retry rebuilt from the store.
  expect(opens).toHaveBeenCalledTimes(1);
  const after = await outcome(h, _id);
  expect(after.history.indexOf('note.added::office-2')).toBeLessThan(
    after.history.indexOf('job.succeeded::job-worker'),
  );
  expect(after.tasks).toEqual(['review:open']);
  expect(await h.stores.instances.load(_id)).toMatchObject({ status: 'running', revision: 3 });
});

test('a cancel on another node leaves the kept engine unused: the service is not called', async () => {
  const h = await harness();
  const other = anotherNode(h);
  const { _id } = await h.runtime.start('timed-publish', { actor: 'monitor-1' });
  await other.cancel(_id, 'office-2', 'a duplicate report');
  await h.drain();
  const after = await outcome(h, _id);
  expect(after.status).toBe('cancelled');
  expect(h.calls).toEqual([]);
  expect(after.history.filter((e) => e.startsWith('job.'))).toEqual([]);
  expect(after.jobs.sort()).toEqual(['publish:service:done', 'publishLate:timer:cancelled']);
});

describe('the cache of kept engines', () => {
  const record = { _id: 'i-1', revision: 1 } as InstanceRecord;
  const fakeStep = () => ({ discard: jest.fn() }) as unknown as EngineStep & { discard: jest.Mock };

  test('an engine is taken once: a second command on the same instance builds its own', () => {
    const cache = new HotEngines({ max: 4, idleMs: 10_000 });
    const step = fakeStep();
    cache.keep('i-1', { record, step });
    expect(cache.take('i-1')?.step).toBe(step);
    expect(cache.take('i-1')).toBeUndefined();
    cache.clear();
  });

  test('past its limit the engine kept longest ago is stopped', () => {
    const cache = new HotEngines({ max: 2, idleMs: 10_000 });
    const steps = [fakeStep(), fakeStep(), fakeStep()];
    steps.forEach((step, i) => cache.keep(`i-${i}`, { record, step }));
    expect(cache.size).toBe(2);
    expect(steps[0].discard).toHaveBeenCalled();
    expect(cache.take('i-0')).toBeUndefined();
    cache.clear();
    expect(steps[1].discard).toHaveBeenCalled();
  });

  test('an engine idle past its time is stopped instead of taken', async () => {
    const cache = new HotEngines({ max: 4, idleMs: 20 });
    const step = fakeStep();
    cache.keep('i-1', { record, step });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cache.take('i-1')).toBeUndefined();
    expect(step.discard).toHaveBeenCalled();
    cache.clear();
  });

  test('with a limit of 0 nothing is kept', () => {
    const cache = new HotEngines({ max: 0, idleMs: 10_000 });
    const step = fakeStep();
    cache.keep('i-1', { record, step });
    expect(cache.size).toBe(0);
    expect(step.discard).toHaveBeenCalled();
  });
});
