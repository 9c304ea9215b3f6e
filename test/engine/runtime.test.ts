import { useTestDatabase } from '../support/test-database.js';
import { useReplayCheck, createHarness, type Harness } from '../support/runtime-harness.js';
import { verifyChain } from '../../src/engine/runtime/history-chain.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

const db = useTestDatabase('runtime');
useReplayCheck();
let h: Harness;

beforeEach(async () => {
  h = await createHarness(db.connection);
  await h.deploy('review-notify.bpmn');
});
afterAll(() => stopDiagramValidator());

const HOUR = 3_600_000;

describe('a user task and a service job', () => {
  test('start opens the review task for its role and nothing else runs yet', async () => {
    const instance = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
    expect(instance.status).toBe('running');
    const tasks = await h.openTasks(instance._id);
    expect(tasks).toEqual([
      expect.objectContaining({
        activityId: 'review',
        formKey: 'review',
        candidateGroups: ['office'],
        name: '审核',
      }),
    ]);
    expect(await h.stores.jobs.find({ instanceId: instance._id, status: 'pending' })).toHaveLength(2);
    expect(instance.engineState).not.toBeNull();
    expect(JSON.stringify(instance.engineState)).not.toContain('<definitions');
  });

  test('completing the task routes by the submitted data and the service job finishes the instance', async () => {
    const { _id } = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
    const [task] = await h.openTasks(_id);
    await h.runtime.completeTask(task._id, 'bob', { approved: true, comment: '同意' });
    expect(await h.stores.tasks.byId(task._id)).toMatchObject({
      status: 'completed',
      completedBy: 'bob',
      data: { approved: true, comment: '同意' },
    });
    const timers = await h.stores.jobs.find({ instanceId: _id, kind: 'timer' });
    expect(timers.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    expect(await h.drain()).toBe(1);
    expect(h.calls).toEqual([
      expect.objectContaining({ topic: 'notify', activityId: 'notify', instanceId: _id }),
    ]);
    expect(h.calls[0].idempotencyKey).toBe(`${_id}:notify:${h.calls[0].idempotencyKey.split(':')[2]}`);
    const done = await h.stores.instances.load(_id);
    expect(done).toMatchObject({
      status: 'completed',
      variables: { approved: true, comment: '同意', grade: 1, notifySent: true },
    });
  });

  test('a rejection takes the default flow and calls no service', async () => {
    const { _id } = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 3 } });
    const [task] = await h.openTasks(_id);
    await h.runtime.completeTask(task._id, 'bob', { approved: true });
    expect(await h.drain()).toBe(0);
    expect(h.calls).toEqual([]);
    expect(await h.stores.instances.load(_id)).toMatchObject({ status: 'completed' });
  });

  test('a second completion of the same task is a conflict and changes nothing', async () => {
    const { _id } = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
    const [task] = await h.openTasks(_id);
    await h.runtime.completeTask(task._id, 'bob', { approved: true });
    const before = await h.stores.instances.load(_id);
    await expect(h.runtime.completeTask(task._id, 'carol', { approved: false })).rejects.toMatchObject({
      kind: 'conflict',
    });
    expect((await h.stores.instances.load(_id))!.revision).toBe(before!.revision);
  });

  test('two simultaneous completions: one wins, the other gets a conflict', async () => {
    const { _id } = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
    const [task] = await h.openTasks(_id);
    const results = await Promise.allSettled([
      h.runtime.completeTask(task._id, 'bob', { approved: true }),
      h.runtime.completeTask(task._id, 'carol', { approved: false }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ kind: 'conflict' });
    const history = await h.stores.history.forInstance(_id);
    expect(history.filter((e) => e.type === 'task.completed')).toHaveLength(1);
  });
});

describe('timers', () => {
  test('the non-interrupting reminder fires at 8 h and the task stays open', async () => {
    const { _id } = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
    h.clock.advance(7 * HOUR);
    expect(await h.drain()).toBe(0);
    h.clock.advance(HOUR);
    expect(await h.drain()).toBe(2);
    expect(h.calls.map((c) => c.activityId)).toEqual(['remind']);
    expect(await h.openTasks(_id)).toHaveLength(1);
    expect(await h.stores.instances.load(_id)).toMatchObject({ status: 'running' });
  });

  test('the interrupting deadline at 12 h cancels the task and ends the instance', async () => {
    const { _id } = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
    h.clock.advance(12 * HOUR);
    await h.drain();
    const [task] = await h.stores.tasks.forInstance(_id);
    expect(task.status).toBe('cancelled');
    const instance = await h.stores.instances.load(_id);
    expect(instance!.status).toBe('completed');
    const history = await h.stores.history.forInstance(_id);
    expect(history.map((e) => `${e.type}:${e.activityId ?? ''}`)).toEqual(
      expect.arrayContaining(['activity.timeout:reviewDeadline', 'activity.end:late']),
    );
  });

  test('a timer fires once even when its job is claimed twice', async () => {
    const { _id } = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
    const [reminder] = (await h.stores.jobs.find({ instanceId: _id, kind: 'timer' })).filter(
      (j) => j.activityId === 'reviewReminder',
    );
    h.clock.advance(8 * HOUR);
    await h.runtime.fireTimer(_id, reminder.executionId);
    await h.runtime.fireTimer(_id, reminder.executionId);
    const history = await h.stores.history.forInstance(_id);
    expect(history.filter((e) => e.type === 'timer.fired')).toHaveLength(1);
  });
});

describe('history', () => {
  test('history is gap-free, hash-chained and free of resume repeats', async () => {
    const { _id } = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
    h.clock.advance(8 * HOUR);
    await h.drain();
    const [task] = await h.openTasks(_id);
    await h.runtime.completeTask(task._id, 'bob', { approved: true });
    await h.drain();
    const history = await h.stores.history.forInstance(_id);
    expect(verifyChain(history)).toBeNull();
    expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
    const waits = history.filter((e) => e.type === 'activity.wait' && e.activityId === 'review');
    expect(waits).toHaveLength(1);
    expect(history[0]).toMatchObject({ type: 'instance.started', actor: 'alice' });
    expect(history.at(-1)).toMatchObject({ type: 'instance.ended', data: { status: 'completed' } });
    expect(history.find((e) => e.type === 'task.completed')).toMatchObject({
      actor: 'bob',
      data: { approved: true },
    });
  });

  test('an altered event is detected at its sequence number', async () => {
    const { _id } = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
    const [task] = await h.openTasks(_id);
    await h.runtime.completeTask(task._id, 'bob', { approved: true });
    const history = await h.stores.history.forInstance(_id);
    const target = history.find((e) => e.type === 'task.completed')!;
    expect(verifyChain(history.map((e) => (e.seq === target.seq ? { ...e, actor: 'mallory' } : e)))).toEqual({
      seq: target.seq,
      problem: 'altered',
    });
    expect(verifyChain(history.filter((e) => e.seq !== 3))).toEqual({ seq: 3, problem: 'missing' });
  });
});

describe('cancelling', () => {
  test('a cancelled instance closes its tasks and jobs', async () => {
    const { _id } = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
    await h.runtime.cancel(_id, 'admin', 'duplicate report');
    expect((await h.stores.tasks.forInstance(_id)).map((t) => t.status)).toEqual(['cancelled']);
    expect((await h.stores.jobs.find({ instanceId: _id })).map((j) => j.status)).toEqual([
      'cancelled',
      'cancelled',
    ]);
    expect(await h.stores.instances.load(_id)).toMatchObject({ status: 'cancelled' });
    h.clock.advance(24 * HOUR);
    expect(await h.drain()).toBe(0);
  });
});
