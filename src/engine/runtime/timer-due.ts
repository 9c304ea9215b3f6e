import type { PendingTimer } from './host-timers.js';

const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Adds an ISO 8601 duration to a date (years and months on the calendar, in UTC). */
export function addIsoDuration(from: Date, duration: string): Date | null {
  const match = DURATION.exec(duration.trim());
  if (!match || duration.trim() === 'P' || duration.trim().endsWith('T')) return null;
  const [years, months, weeks, days, hours, minutes, seconds] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  const date = new Date(from.getTime());
  date.setUTCFullYear(date.getUTCFullYear() + years, date.getUTCMonth() + months);
  return new Date(
    date.getTime() + (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000,
  );
}

/**
 * When a newly armed timer is due, on the host's clock. bpmn-elements measures its delay
 * against the wall clock (and can be a millisecond off); preplan computes it from the
 * definition instead, so drills on virtual time and restarts agree to the millisecond.
 */
export function timerDueAt(timer: PendingTimer, now: Date): Date {
  const value = timer.value.trim();
  if (timer.timerType === 'timeDate') {
    const at = new Date(value);
    if (!Number.isNaN(at.getTime())) return at;
  }
  if (timer.timerType === 'timeDuration') {
    const due = addIsoDuration(now, value);
    if (due) return due;
  }
  if (timer.timerType === 'timeCycle') {
    const period = value.split('/').at(-1) ?? '';
    const due = addIsoDuration(now, period);
    if (due) return due;
  }
  return new Date(now.getTime() + Math.max(0, timer.delay));
}
