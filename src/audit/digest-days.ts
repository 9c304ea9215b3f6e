import { PreplanError } from '../errors.js';

/**
 * Digests cover UTC days (00:00–24:00 UTC, 08:00–08:00 in Shanghai). UTC because history is
 * stored in UTC and a day's bounds must never move: the plan's time zone is a setting, and a
 * change of it would make sealed days overlap or leave gaps.
 */
const DAY_MS = 86_400_000;

/**
 * How long after midnight a day may be sealed: commands in flight at midnight (and a node's
 * clock a little behind) are written by then, so the day's events are all there.
 */
export const SEAL_GRACE_MS = 10 * 60_000;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day's first and first-after instants; refuses anything but a real `YYYY-MM-DD`. */
export function dayBounds(day: string): { start: Date; end: Date } {
  const match = DAY.exec(day);
  const start = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!start || start.toISOString().slice(0, 10) !== day)
    throw new PreplanError('invalid', `日期应为 YYYY-MM-DD（UTC 日），而不是 "${day}"`);
  return { start, end: new Date(start.getTime() + DAY_MS) };
}

export function isDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    dayBounds(value);
    return true;
  } catch {
    return false;
  }
}

export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function nextDay(day: string): string {
  return dayOf(dayBounds(day).end);
}

/** When a day may be sealed: its end plus the grace. */
export function sealableFrom(day: string): Date {
  return new Date(dayBounds(day).end.getTime() + SEAL_GRACE_MS);
}

/** The most recent day that may be sealed at `now` (yesterday, once the grace has passed). */
export function lastSealableDay(now: Date): string {
  return dayOf(new Date(now.getTime() - SEAL_GRACE_MS - DAY_MS));
}

/** The next moment after `now` at which a day becomes sealable (00:10 UTC). */
export function nextSealTime(now: Date): Date {
  return sealableFrom(dayOf(new Date(now.getTime() - SEAL_GRACE_MS)));
}
