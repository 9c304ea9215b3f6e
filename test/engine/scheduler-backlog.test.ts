import { useTestDatabase } from '../support/test-database.js';
import { useReplayCheck, createHarness } from '../support/runtime-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

const db = useTestDatabase('scheduler_backlog');
useReplayCheck();
afterAll(() => stopDiagramValidator());

test('a scheduler with more due jobs than one batch runs them all without waiting for its next poll', async () => {
  const h = await createHarness(db.connection, { flaky: async () => ({ url: 'https://example.invalid/1' }) });
  await h.deploy('service-errors.bpmn');
  const ids: string[] = [];
  for (let i = 0; i < 12; i++)
    ids.push((await h.runtime.start('service-errors', { actor: 'monitor-1' }))._id);

  // Batches of 5 and a poll interval far beyond the test's time limit: only running the next
  // batch at once, while jobs are left, gets all twelve done.
  h.runner.start(3_600_000, 5);
  try {
    while ((await h.stores.jobs.count({ status: 'done' })) < 12) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await h.runner.stop();
  }
  for (const id of ids) expect(await h.stores.instances.load(id)).toMatchObject({ status: 'completed' });
});
