import { useTestDatabase } from '../support/test-database.js';
import { readFileSync } from 'node:fs';
import {
  useReplayCheck,
  createHarness,
  RESOURCES,
  testCatalog,
  type Harness,
} from '../support/runtime-harness.js';

import { stopDiagramValidator, validateDiagram } from '../../src/engine/definitions/validate-diagram.js';
import { nextStart, syncStartSchedules } from '../../src/engine/jobs/start-schedules.js';

const db = useTestDatabase('start_schedules');
useReplayCheck();
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

describe('cron start schedules read from the plan parameters', () => {
  const globals = { plan: { sweeps: { workdays: '0 0 9,16 * * MON-FRI' } } };

  test('workday and weekend schedules start one sweep per occurrence in Asia/Shanghai, each with one task', async () => {
    const w = await createHarness(db.connection, {}, { globals });
    await w.deploy('workday-sweep.bpmn');
    w.clock.set('2025-11-28T08:30:00Z'); // Friday 16:30 in Shanghai, a year before the wall clock
    await syncStartSchedules(w.stores.definitions, w.stores.jobs, ['workday-sweep'], w.clock, { globals });
    const due = async () =>
      (await w.stores.jobs.find({ instanceId: 'schedule:workday-sweep' }))
        .map((j) => j.dueAt.toISOString())
        .sort();
    await w.stores.jobs.finish('start:daily-sweep:every9', 'cancelled', w.clock.now());
    expect(await due()).toEqual(['2025-11-29T02:00:00.000Z', '2025-12-01T01:00:00.000Z']);
    w.clock.set('2025-12-01T07:59:00Z'); // Monday 15:59: Saturday and Monday 9:00 are due
    await w.drain();
    const started = (await w.stores.instances.list({ definitionKey: 'workday-sweep' })).map((i) => i._id);
    expect(started.sort()).toEqual([
      'workday-sweep@2025-11-29T02:00:00.000Z',
      'workday-sweep@2025-12-01T01:00:00.000Z',
    ]);
    for (const id of started) {
      const tasks = await w.openTasks(id);
      expect(tasks.map((t) => t.activityId)).toEqual(['sweep']);
      // One token only: the other start event neither fired nor waits.
      await w.runtime.completeTask(tasks[0]._id, 'monitor1', {});
      expect(await w.openTasks(id)).toEqual([]);
      expect(await w.stores.instances.load(id)).toMatchObject({ status: 'completed' });
    }
    expect(await w.stores.jobs.find({ kind: 'timer', status: 'pending' })).toEqual([]);
    expect(await due()).toEqual(['2025-12-01T08:00:00.000Z', '2025-12-06T02:00:00.000Z'].sort());
  });

  test('an invalid cron cycle is refused at deploy', async () => {
    const xml = readFileSync(`${RESOURCES}/workday-sweep.bpmn`, 'utf8').replace('SAT,SUN', 'SAT,SUNDAY');
    const { problems } = await validateDiagram(xml, testCatalog);
    expect(problems).toContainEqual(
      expect.objectContaining({ elementId: 'weekends', rule: 'preplan/timer-definitions' }),
    );
  });
});
