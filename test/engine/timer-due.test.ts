import { addIsoDuration, timerDueAt } from '../../src/engine/runtime/timer-due.js';

const at = new Date('2026-01-31T10:00:00.000Z');

test('durations add days, hours and seconds exactly and months on the calendar', () => {
  expect(addIsoDuration(at, 'PT12H')?.toISOString()).toBe('2026-01-31T22:00:00.000Z');
  expect(addIsoDuration(at, 'P1DT1.5S')?.toISOString()).toBe('2026-02-01T10:00:01.500Z');
  expect(addIsoDuration(at, 'P2W')?.toISOString()).toBe('2026-02-14T10:00:00.000Z');
  expect(addIsoDuration(at, 'P1Y')?.toISOString()).toBe('2027-01-31T10:00:00.000Z');
  expect(addIsoDuration(at, 'P30D')?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
  expect(addIsoDuration(at, 'soon')).toBeNull();
  expect(addIsoDuration(at, 'P')).toBeNull();
  expect(addIsoDuration(at, 'PT')).toBeNull();
});

test('a timer is due by its definition, not by the wall clock', () => {
  const timer = { activityId: 't', executionId: 't_1_0', delay: 28_800_001 };
  expect(timerDueAt({ ...timer, timerType: 'timeDuration', value: 'PT8H' }, at).toISOString()).toBe(
    '2026-01-31T18:00:00.000Z',
  );
  expect(
    timerDueAt({ ...timer, timerType: 'timeDate', value: '2026-02-01T00:00:00Z' }, at).toISOString(),
  ).toBe('2026-02-01T00:00:00.000Z');
  expect(timerDueAt({ ...timer, timerType: 'timeCycle', value: 'R3/PT10M' }, at).toISOString()).toBe(
    '2026-01-31T10:10:00.000Z',
  );
});
