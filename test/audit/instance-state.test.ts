import { useTestDatabase } from '../support/test-database.js';
import { useReplayCheck, createHarness, type Harness } from '../support/runtime-harness.js';
import { stateAt } from '../../src/audit/instance-state.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

const db = useTestDatabase('instance_state');
useReplayCheck();
afterAll(() => stopDiagramValidator());

const HOUR = 3_600_000;
let h: Harness;

beforeEach(async () => {
  h = await createHarness(db.connection);
  await h.deploy('review-notify.bpmn');
  await h.deploy('timed-publish.bpmn');
});

async function now(instanceId: string) {
  const history = await h.stores.history.forInstance(instanceId);
  return stateAt(history, history.at(-1)!.seq);
}

test("a finished task's boundary timers are no longer active", async () => {
  const { _id } = await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
  expect((await now(_id)).active.sort()).toEqual(['review', 'reviewDeadline', 'reviewReminder']);
  const [review] = await h.openTasks(_id);
  await h.runtime.completeTask(review._id, 'bob', { approved: true });
  // Waiting for the notification job: only its service task runs.
  const state = await now(_id);
  expect(state.active).toEqual(['notify']);
  expect(state.openTasks).toEqual([]);
  expect(state.timedOut).toEqual([]);
});

test('a task cut short by an interrupting timer is neither active nor open', async () => {
  const { _id } = await h.runtime.start('timed-publish', { actor: 'monitor-1' });
  const [publishJob] = await h.stores.jobs.find({ instanceId: _id, kind: 'service' });
  // The publication never runs (its node is down); the hour passes and the timer fires first.
  await h.stores.jobs.finish(publishJob._id, 'cancelled', h.clock.now());
  h.clock.advance(HOUR + 1000);
  expect(await h.drain()).toBe(1);
  const state = await now(_id);
  expect(state.timedOut).toEqual(['publishLate']);
  expect(state.active).toEqual(['escalate']);
  expect(state.openTasks.map((task) => task.activityId)).toEqual(['escalate']);
});
