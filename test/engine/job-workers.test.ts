import { useTestDatabase } from '../support/test-database.js';
import { useReplayCheck, createHarness, type Harness } from '../support/runtime-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import { FatalError } from '../../src/errors.js';

const db = useTestDatabase('job_workers');
useReplayCheck();
afterAll(() => stopDiagramValidator());

let h: Harness;
let inCall = 0;
let mostAtOnce = 0;
let crashOn: string | null = null;
let calls = 0;

beforeEach(async () => {
  inCall = 0;
  mostAtOnce = 0;
  crashOn = null;
  calls = 0;
  h = await createHarness(db.connection, {
    // A publication that waits on its peer for a while, as mail and HTTP services do.
    publish: async (call) => {
      if (call.instanceId === crashOn) throw new FatalError('the node died');
      calls++;
      inCall++;
      mostAtOnce = Math.max(mostAtOnce, inCall);
      await new Promise((resolve) => setTimeout(resolve, 100));
      inCall--;
      return { publishSent: true };
    },
  });
  await h.deploy('timed-publish.bpmn');
});

async function startCases(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await h.runtime.start('timed-publish', { actor: 'monitor-1' }))._id);
  return ids;
}

test('with several workers, services that wait on their peers run side by side, each once', async () => {
  const ids = await startCases(6);
  expect(await h.runner.runDue(100, 4)).toBe(6);
  expect(mostAtOnce).toBeGreaterThan(1);
  expect(mostAtOnce).toBeLessThanOrEqual(4);
  for (const id of ids) expect((await h.openTasks(id)).map((task) => task.activityId)).toEqual(['review']);
  expect(await h.stores.jobs.count({ kind: 'service', status: 'done' })).toBe(6);
  expect(calls).toBe(6);
});

test('the workers together run no more jobs than asked for', async () => {
  await startCases(6);
  expect(await h.runner.runDue(2, 4)).toBe(2);
  expect(await h.stores.jobs.count({ kind: 'service', status: 'done' })).toBe(2);
  expect(await h.runner.runDue(100, 4)).toBe(4);
});

test('one worker runs them one after another', async () => {
  await startCases(3);
  expect(await h.runner.runDue(100)).toBe(3);
  expect(mostAtOnce).toBe(1);
});

test('a crash in one worker stops the others claiming more, and is thrown', async () => {
  const ids = await startCases(6);
  crashOn = ids[0];
  await expect(h.runner.runDue(100, 2)).rejects.toThrow('the node died');
  // At most the job in the other worker's hands ran; the rest wait for a node that lives.
  expect(await h.stores.jobs.count({ kind: 'service', status: 'done' })).toBeLessThanOrEqual(1);
  for (const id of ids) h.excludeFromReplay(id, 'the simulated crash leaves cases unfinished');
});
