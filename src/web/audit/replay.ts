import type { CaseEvent, CaseHistory } from '../types';

/**
 * An instance as it stood after one of its history events, folded from the events alone (as
 * the server's `GET /api/instances/:id/state?at=` does): the elements that had ended (and the
 * flows taken), those running, the timers that had fired, the user tasks open, and who had done
 * which task.
 */
export interface ReplayState {
  seq: number;
  completed: string[];
  active: string[];
  timedOut: string[];
  openTasks: Array<{ activityId: string; name?: string }>;
  done: Array<{ seq: number; at: string; activityId: string; name?: string; actor?: string }>;
  ended: boolean;
}

/** `events`: one instance's, in sequence order. */
export function stateAt(events: CaseEvent[], seq: number): ReplayState {
  const running = new Map<string, string>();
  const waiting = new Map<string, { activityId: string; name?: string }>();
  const timers = new Map<string, string>();
  const completed = new Set<string>();
  const timedOut = new Set<string>();
  const done: ReplayState['done'] = [];
  let ended = false;
  let upTo = 0;
  for (const event of events) {
    if (event.seq > seq) break;
    upTo = event.seq;
    const { activityId, executionId } = event;
    switch (event.type) {
      case 'activity.start':
        if (activityId && executionId) running.set(executionId, activityId);
        break;
      case 'activity.wait':
        if (activityId && executionId) waiting.set(executionId, { activityId, name: event.activityName });
        break;
      case 'activity.timer':
        if (activityId && executionId) timers.set(executionId, activityId);
        break;
      case 'flow.take':
        if (activityId) completed.add(activityId);
        break;
      case 'activity.end':
      case 'activity.error':
        if (executionId) {
          running.delete(executionId);
          waiting.delete(executionId);
        }
        if (activityId) completed.add(activityId);
        break;
      case 'activity.timeout':
        if (activityId) timedOut.add(activityId);
        break;
      case 'timer.fired': {
        const timer = activityId ?? (executionId ? timers.get(executionId) : undefined);
        if (timer) timedOut.add(timer);
        break;
      }
      case 'task.completed':
        if (activityId)
          done.push({
            seq: event.seq,
            at: event.at,
            activityId,
            name: event.activityName,
            actor: event.actor,
          });
        break;
      case 'instance.ended':
      case 'instance.cancelled':
        running.clear();
        waiting.clear();
        ended = true;
        break;
    }
  }
  return {
    seq: upTo,
    completed: [...completed],
    active: [...new Set(running.values())],
    timedOut: [...timedOut],
    openTasks: [...waiting.values()],
    done,
    ended,
  };
}

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

/** Flow bookkeeping an auditor rarely needs: flows taken, variables copied, gateways passed. */
export function isRoutine(event: CaseEvent): boolean {
  if (event.type === 'flow.take' || event.type === 'variables.changed') return true;
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
