import { useTestDatabase } from '../support/test-database.js';
import { createHarness } from '../support/runtime-harness.js';
import { syncStartSchedules } from '../../src/engine/jobs/start-schedules.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

const db = useTestDatabase('cron_schedule');
afterAll(() => stopDiagramValidator());

// Found by the load run (bench/chaos.ts --load): a schedule without a count stored its count as
// null when it re-armed (the driver writes undefined as null), the next firing read null as 0
// left, and the sweep rota stopped after its second sweep until a node restarted.
test('a cron start schedule keeps starting one instance per occurrence, occurrence after occurrence', async () => {
  const globals = { plan: { sweeps: { workdays: '0 0 9,16 * * MON-FRI' } } };
  const w = await createHarness(db.connection, {}, { globals });
  await w.deploy('workday-sweep.bpmn');
  w.clock.set('2025-12-01T00:30:00Z'); // Monday 08:30 in Shanghai
  await syncStartSchedules(w.stores.definitions, w.stores.jobs, ['workday-sweep'], w.clock, {
    globals,
    timeZone: 'Asia/Shanghai',
  });
  // Monday 09:00 and 16:00, Tuesday 09:00 and 16:00, Wednesday 09:00 (Shanghai), one at a time.
  const occurrences = [
    '2025-12-01T01:00:00.000Z',
    '2025-12-01T08:00:00.000Z',
    '2025-12-02T01:00:00.000Z',
    '2025-12-02T08:00:00.000Z',
    '2025-12-03T01:00:00.000Z',
  ];
  for (const at of occurrences) {
    w.clock.set(at);
    await w.drain();
  }
  const started = (await w.stores.instances.list({ definitionKey: 'workday-sweep' }, 100)).map((i) => i._id);
  expect(started.sort()).toEqual(occurrences.map((at) => `workday-sweep@${at}`));
  const [workdays] = await w.stores.jobs.find({ instanceId: 'schedule:workday-sweep', status: 'pending' });
  expect(workdays).toMatchObject({
    _id: 'start:workday-sweep:workdays',
    dueAt: new Date('2025-12-03T08:00:00.000Z'),
  });
});
