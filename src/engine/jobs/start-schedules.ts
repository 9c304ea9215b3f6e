import type { Clock } from '../clock.js';
import type { DefinitionStore } from '../../store/definition-store.js';
import type { JobRecord, JobStore } from '../../store/job-store.js';
import { addIsoDuration } from '../runtime/timer-due.js';
import { isCronCycle, nextCronOccurrence } from '../cron-schedule.js';
import { hasExpression, resolveTemplate } from '../expressions/expression-template.js';

export interface StartTimerPayload {
  definitionKey: string;
  activityId: string;
  timerType: string;
  value: string;
  /** Starts left for a cycle with a count (`R3/…`); absent means unbounded. */
  remaining?: number;
  /** Cron cycles are read in this zone. */
  timeZone?: string;
}

export interface ScheduleOptions {
  /** What `${…}` in a start timer may read (the plan's parameters: `${plan.sweeps.workdays}`). */
  globals?: Record<string, unknown>;
  timeZone?: string;
}

interface Cycle {
  count: number | null;
  anchor: Date | null;
  period: string;
}

function parseCycle(value: string): Cycle | null {
  const parts = value.split('/');
  const repeat = /^R(\d*)$/.exec(parts[0]);
  if (!repeat || parts.length < 2) return null;
  const count = repeat[1] === '' ? null : Number(repeat[1]);
  if (parts.length === 2) return { count, anchor: null, period: parts[1] };
  const anchor = new Date(parts[1]);
  return Number.isNaN(anchor.getTime()) ? null : { count, anchor, period: parts[2] };
}

/**
 * The next time a timer start event fires strictly after `after`, or null when it never will
 * again. Anchored cycles (`R/2026-03-01T09:00:00+08:00/P1D`) keep to their anchor even after
 * a node was down for a while: missed occurrences are not replayed, the next one is taken.
 */
export function nextStart(payload: StartTimerPayload, after: Date, firstTime: boolean): Date | null {
  if (payload.remaining !== undefined && payload.remaining <= 0) return null;
  if (payload.timerType === 'timeDate') {
    const at = new Date(payload.value);
    return firstTime && at > after ? at : null;
  }
  if (payload.timerType === 'timeDuration') return firstTime ? addIsoDuration(after, payload.value) : null;
  if (isCronCycle(payload.value)) return nextCronOccurrence(payload.value, after, payload.timeZone);
  const cycle = parseCycle(payload.value);
  if (!cycle) return null;
  if (!cycle.anchor) return addIsoDuration(after, cycle.period);
  let next: Date | null = cycle.anchor;
  for (let guard = 0; next && next <= after && guard < 100_000; guard++)
    next = addIsoDuration(next, cycle.period);
  return next && next > after ? next : null;
}

export function startJobId(definitionKey: string, activityId: string): string {
  return `start:${definitionKey}:${activityId}`;
}

/**
 * Makes the jobs table hold one schedule per timer start event of each key's latest version:
 * new ones are added, changed ones re-timed, removed ones cancelled, unchanged ones left alone.
 */
export async function syncStartSchedules(
  definitions: DefinitionStore,
  jobs: JobStore,
  keys: string[],
  clock: Clock,
  options: ScheduleOptions = {},
): Promise<void> {
  const now = clock.now();
  const resolve = (value: string): string =>
    hasExpression(value)
      ? String(resolveTemplate(value, { roots: {}, variables: options.globals ?? {} }) ?? '')
      : value;
  for (const key of keys) {
    const latest = await definitions.latest(key);
    const timers = (latest?.startTimers ?? []).map((timer) => ({ ...timer, value: resolve(timer.value) }));
    const existing = (await jobs.find({ kind: 'process-start' })).filter(
      (job) => (job.payload as unknown as StartTimerPayload | undefined)?.definitionKey === key,
    );
    for (const job of existing) {
      const payload = job.payload as unknown as StartTimerPayload;
      const still = timers.find((t) => t.activityId === payload.activityId && t.value === payload.value);
      if (!still && (job.status === 'pending' || job.status === 'running'))
        await jobs.finish(job._id, 'cancelled', now);
    }
    for (const timer of timers) {
      const id = startJobId(key, timer.activityId);
      const current = existing.find((job) => job._id === id);
      const payload: StartTimerPayload = { definitionKey: key, ...timer, timeZone: options.timeZone };
      const cycle = timer.timerType === 'timeCycle' ? parseCycle(timer.value) : null;
      if (cycle?.count !== null && cycle?.count !== undefined) payload.remaining = cycle.count;
      const unchanged =
        current &&
        (current.payload as unknown as StartTimerPayload).value === timer.value &&
        (current.status === 'pending' || current.status === 'running');
      if (unchanged) continue;
      const dueAt = nextStart(payload, now, true);
      if (!dueAt) continue;
      const job: JobRecord = {
        _id: id,
        kind: 'process-start',
        instanceId: `schedule:${key}`,
        activityId: timer.activityId,
        executionId: timer.activityId,
        topic: timer.timerType,
        dueAt,
        status: 'pending',
        attempts: 0,
        payload: payload as unknown as Record<string, unknown>,
        createdAt: now,
        updatedAt: now,
      };
      await jobs.replace(job);
    }
  }
}
