import { useTestDatabase } from '../support/test-database.js';
import { useReplayCheck, createHarness, type Harness } from '../support/runtime-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

const db = useTestDatabase('plan-elements');
useReplayCheck();
let h: Harness;
const HOUR = 3_600_000;

beforeEach(async () => {
  h = await createHarness(db.connection);
  await h.deploy('plan-elements.bpmn');
});
afterAll(() => stopDiagramValidator());

async function started(grade = 3) {
  const replyDueAt = new Date(h.clock.now().getTime() + 12 * HOUR).toISOString();
  return h.runtime.start('plan-elements', { actor: 'monitor1', variables: { grade, replyDueAt } });
}

async function taskOf(instanceId: string, activityId: string) {
  const task = (await h.openTasks(instanceId)).find((t) => t.activityId === activityId);
  if (!task) throw new Error(`no open ${activityId} task`);
  return task;
}

describe('the BPMN elements the plan uses', () => {
  test('a service task gets its input parameters resolved when it is reached (text, expression, list)', async () => {
    await started(2);
    await h.drain();
    expect(h.calls[0].input).toEqual({
      template: 'fast-report',
      to: 'leader,deputy',
      grade: 2,
      hours: ['8', 3],
    });
  });

  test('a parallel fork runs both branches; an intermediate timer waits its hour on the clock', async () => {
    const { _id } = await started();
    expect((await h.openTasks(_id)).map((t) => t.activityId)).toEqual(['watch']);
    await h.drain();
    expect((await h.openTasks(_id)).map((t) => t.activityId)).toEqual(['watch']);
    h.clock.advance(HOUR);
    await h.drain();
    expect((await h.openTasks(_id)).map((t) => t.activityId).sort()).toEqual(['draft', 'watch']);
  });

  test('a non-interrupting deadline on a sub-process fires at its date and the work goes on', async () => {
    const { _id } = await started();
    await h.drain();
    h.clock.advance(HOUR);
    await h.drain();
    h.clock.advance(11 * HOUR);
    await h.drain();
    expect(h.calls.map((c) => c.activityId)).toEqual(['report', 'breach']);
    expect((await h.openTasks(_id)).map((t) => t.activityId).sort()).toEqual(['draft', 'watch']);
  });

  test('finishing the sub-process before its deadline cancels the deadline timer', async () => {
    const { _id } = await started();
    await h.drain();
    h.clock.advance(HOUR);
    await h.drain();
    await h.runtime.completeTask((await taskOf(_id, 'draft'))._id, 'office1', {});
    const timers = await h.stores.jobs.find({ instanceId: _id, kind: 'timer' });
    expect(timers.find((t) => t.activityId === 'deadline')?.status).toBe('cancelled');
  });

  test('data submitted inside a sub-process is a process variable afterwards (stored, read by services)', async () => {
    const { _id } = await started();
    await h.drain();
    h.clock.advance(HOUR);
    await h.drain();
    await h.runtime.completeTask((await taskOf(_id, 'draft'))._id, 'office1', { releaseTitle: '通稿' });
    expect((await h.stores.instances.load(_id))?.variables).toMatchObject({
      releaseTitle: '通稿',
      completedBy: { draft: 'office1' },
    });
  });

  test('a terminate end event ends the instance and closes the other branch’s task', async () => {
    const { _id } = await started();
    await h.drain();
    h.clock.advance(HOUR);
    await h.drain();
    const watch = await taskOf(_id, 'watch');
    await h.runtime.completeTask((await taskOf(_id, 'draft'))._id, 'office1', {});
    expect(await h.stores.instances.load(_id)).toMatchObject({ status: 'completed' });
    expect(await h.stores.tasks.byId(watch._id)).toMatchObject({ status: 'cancelled' });
  });

  test('a loop back to the same user task opens a new task each round; a worsened update terminates', async () => {
    const { _id } = await started(3);
    const first = await taskOf(_id, 'watch');
    await h.runtime.completeTask(first._id, 'm1', { trend: 'stable' });
    const second = await taskOf(_id, 'watch');
    expect(second._id).not.toBe(first._id);
    await h.runtime.completeTask(second._id, 'm1', { trend: 'worsened', newGrade: 1 });
    const done = await h.stores.instances.load(_id);
    expect(done).toMatchObject({ status: 'completed', variables: { trend: 'worsened', newGrade: 1 } });
    expect(await h.openTasks(_id)).toEqual([]);
    const pending = await h.stores.jobs.find({ instanceId: _id, status: 'pending' });
    expect(pending).toEqual([]);
  });
});
