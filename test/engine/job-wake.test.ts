import { useTestDatabase } from '../support/test-database.js';
import { useReplayCheck, createHarness, type Harness } from '../support/runtime-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

const db = useTestDatabase('job_wake');
useReplayCheck();
afterAll(() => stopDiagramValidator());

const HOUR = 3_600_000;
let h: Harness;

beforeEach(async () => {
  h = await createHarness(db.connection);
  await h.deploy('timed-publish.bpmn');
});
afterEach(() => h.runner.stop());

/** Starts the scheduler with an hour between polls and lets its first round (nothing due) pass. */
async function startHourlyScheduler(): Promise<void> {
  h.runner.start(HOUR);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await eventually(() => !h.runner.busy, 'the first round');
}

/** Resolves once `check` holds; fails the test if it never does. */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what} never happened`);
}

test('a service job written by a command runs at once, not at the next poll of the scheduler', async () => {
  h.runtime.onJobDue(() => h.runner.wake());
  await startHourlyScheduler();
  const { _id } = await h.runtime.start('timed-publish', { actor: 'monitor-1' });
  await eventually(async () => (await h.openTasks(_id)).length === 1, 'the review task');
  expect(h.calls.map((call) => call.topic)).toEqual(['publish']);
  expect((await h.openTasks(_id))[0].activityId).toBe('review');
});

test('without the hint the job waits for the poll', async () => {
  await startHourlyScheduler();
  const { _id } = await h.runtime.start('timed-publish', { actor: 'monitor-1' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(h.calls).toEqual([]);
  expect(await h.openTasks(_id)).toEqual([]);
});
