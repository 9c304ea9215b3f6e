import { useTestDatabase } from '../support/test-database.js';
import { createHarness, type Harness } from '../support/runtime-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import { nextStart, syncStartSchedules } from '../../src/engine/jobs/start-schedules.js';

const db = useTestDatabase('start_schedules');
afterAll(() => stopDiagramValidator());
let h: Harness;

beforeEach(async () => {
  h = await createHarness(db.connection);
  await h.deploy('daily-sweep.bpmn');
  await syncStartSchedules(h.stores.definitions, h.stores.jobs, ['daily-sweep'], h.clock);
});

const sweeps = async () =>
  (await h.stores.instances.list({ definitionKey: 'daily-sweep' })).map((i) => i._id).sort();

test('a timer start cycle starts one instance per occurrence, past its start timer, and stops after its count', async () => {
  const [schedule] = await h.stores.jobs.find({ kind: 'process-start' });
  expect(schedule.dueAt.toISOString()).toBe('2026-03-01T09:00:00.000Z');
  h.clock.set('2026-03-01T08:59:59Z');
  expect(await h.drain()).toBe(0);
  h.clock.set('2026-03-01T09:00:00Z');
  await h.drain();
  expect(await sweeps()).toEqual(['daily-sweep@2026-03-01T09:00:00.000Z']);
  expect((await h.openTasks('daily-sweep@2026-03-01T09:00:00.000Z')).map((t) => t.activityId)).toEqual([
    'sweep',
  ]);
  h.clock.set('2026-03-02T09:00:00Z');
  await h.drain();
  h.clock.set('2026-03-05T09:00:00Z');
  await h.drain();
  expect(await sweeps()).toEqual([
    'daily-sweep@2026-03-01T09:00:00.000Z',
    'daily-sweep@2026-03-02T09:00:00.000Z',
  ]);
  expect((await h.stores.jobs.find({ kind: 'process-start' }))[0].status).toBe('done');
});

test('syncing the schedule again leaves an unchanged timer alone', async () => {
  const [before] = await h.stores.jobs.find({ kind: 'process-start' });
  h.clock.set('2026-03-01T05:00:00Z');
  await syncStartSchedules(h.stores.definitions, h.stores.jobs, ['daily-sweep'], h.clock);
  const [after] = await h.stores.jobs.find({ kind: 'process-start' });
  expect(after.dueAt).toEqual(before.dueAt);
});

test('after downtime the next occurrence is taken, missed ones are not replayed', () => {
  const payload = {
    definitionKey: 'k',
    activityId: 'a',
    timerType: 'timeCycle',
    value: 'R/2026-03-01T09:00:00Z/P1D',
  };
  expect(nextStart(payload, new Date('2026-03-07T10:00:00Z'), false)?.toISOString()).toBe(
    '2026-03-08T09:00:00.000Z',
  );
  expect(
    nextStart({ ...payload, value: 'R/PT1H' }, new Date('2026-03-07T10:00:00Z'), false)?.toISOString(),
  ).toBe('2026-03-07T11:00:00.000Z');
  expect(
    nextStart(
      { ...payload, timerType: 'timeDate', value: '2026-03-01T00:00:00Z' },
      new Date('2026-03-07T10:00:00Z'),
      true,
    ),
  ).toBeNull();
});
