import type { I18n } from '../i18n';
import { rolesName } from '../labels';
import { PLAN_ROLES } from '../session';
import type { DeadlineOutcome } from '../types';

/** `2 小时 5 分` / `2 h 5 min` (hours run past 24); `—` when there is nothing to measure. */
export function duration(i18n: I18n, minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—';
  const whole = Math.round(minutes);
  if (whole < 60) return i18n.t('reports.minutes', { m: whole });
  return i18n.t('reports.hoursMinutes', { h: Math.floor(whole / 60), m: whole % 60 });
}

/**
 * The share met on time, of the deadlines that are decided (met, late or missed); those not yet
 * due and cases without the deadline do not count. `—` when none is decided.
 */
export function onTimeRate(counts: Record<DeadlineOutcome, number>): string {
  const decided = counts['on-time'] + counts.late + counts.missed;
  return decided === 0 ? '—' : `${Math.round((counts['on-time'] / decided) * 100)}%`;
}

/** Adds up per-grade outcome counts into the total row. */
export function sumOutcomes(rows: Array<Record<DeadlineOutcome, number>>): Record<DeadlineOutcome, number> {
  const total: Record<DeadlineOutcome, number> = { 'on-time': 0, late: 0, missed: 0, pending: 0, 'n/a': 0 };
  for (const row of rows) for (const key of Object.keys(total) as DeadlineOutcome[]) total[key] += row[key];
  return total;
}

/**
 * Who held a task, as the accountability report gives it: a user id, or (nobody claimed it) the
 * roles it waited for, comma-separated, which are shown by their names.
 */
export function holderName(i18n: I18n, heldBy: string): string {
  const parts = heldBy.split(',').filter(Boolean);
  if (parts.length > 0 && parts.every((part) => PLAN_ROLES.includes(part)))
    return i18n.t('reports.waitingFor', { roles: rolesName(i18n, parts) });
  return heldBy;
}

/** `YYYY-MM` of a moment in Asia/Shanghai (UTC+8 all year), as the monthly report takes it. */
export function shanghaiMonth(at: number): string {
  return new Date(at + 8 * 3600_000).toISOString().slice(0, 7);
}

/**
 * A report's address with its filters; with `csv` the CSV download. The browser follows it as a
 * plain link, so the session cookie goes along and the server's attachment header saves it.
 */
export function reportUrl(report: string, filters: Record<string, string>, csv = false): string {
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value));
  if (csv) query.set('format', 'csv');
  const text = query.toString();
  return `/api/reports/${report}${text ? `?${text}` : ''}`;
}
