/** The case history as auditors read it: which steps to stop at, routine ones to hide, and its export. */
import type { CaseEvent, CaseHistory } from '../types';

/** Steps worth stopping at: what people did, tasks opening, services, timers, starts and ends. */
const KEY_STEPS = new Set([
  'instance.started',
  'instance.ended',
  'instance.cancelled',
  'activity.wait',
  'activity.call',
  'activity.error',
  'activity.timeout',
  'task.completed',
  'task.claimed',
  'task.unclaimed',
  'timer.fired',
  'job.succeeded',
  'job.failed',
  'call.returned',
  'message.delivered',
  'signal.delivered',
  'incident.raised',
  'incident.retried',
]);

export const isKeyStep = (event: CaseEvent): boolean => KEY_STEPS.has(event.type);

/**
 * Flow bookkeeping an auditor rarely needs: flows taken, variables copied, gateways passed,
 * boundary events dropped with their finished task.
 */
export function isRoutine(event: CaseEvent): boolean {
  if (event.type === 'flow.take' || event.type === 'variables.changed') return true;
  if (event.type === 'activity.execution.discard') return true;
  const elementType = String(event.data?.elementType ?? '');
  return (event.type === 'activity.start' || event.type === 'activity.end') && /Gateway$/.test(elementType);
}

/** Who acted: a person, or preplan itself (services, timers, a parent process). */
export const SYSTEM_ACTORS = ['job-worker', 'scheduler', 'call-activity', 'startup', 'system'];

/** `2026-03-14 09:10:05`, Asia/Shanghai (UTC+8 all year). */
export function shanghaiSeconds(value: string): string {
  const time = new Date(value).getTime();
  if (Number.isNaN(time)) return value;
  return new Date(time + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A CSV cell: quoted when needed; a leading = + - @ is defused for spreadsheets. */
function cell(value: unknown): string {
  let text =
    value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_COLUMNS = [
  'time_asia_shanghai',
  'at',
  'process',
  'instance_id',
  'seq',
  'event',
  'actor',
  'activity_id',
  'activity_name',
  'request_id',
  'data',
] as const;

/** The history as CSV (UTF-8 with a BOM, so spreadsheets read the Chinese right), one event a row. */
export function historyCsv(events: CaseEvent[]): string {
  const rows = events.map((e) =>
    [
      shanghaiSeconds(e.at),
      e.at,
      e.definitionKey,
      e.instanceId,
      e.seq,
      e.type,
      e.actor,
      e.activityId,
      e.activityName,
      e.requestId,
      e.data === undefined ? '' : JSON.stringify(e.data),
    ]
      .map(cell)
      .join(','),
  );
  return `\ufeff${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

export function historyJson(caseId: string, history: CaseHistory, events: CaseEvent[]): string {
  return JSON.stringify(
    {
      caseId,
      exportedAt: new Date().toISOString(),
      integrity: history.integrity,
      count: events.length,
      complete: events.length === history.events.length,
      events,
    },
    null,
    2,
  );
}
