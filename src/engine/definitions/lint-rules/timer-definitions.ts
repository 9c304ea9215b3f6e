import type { ModdleElement } from 'bpmn-moddle';
import { isType, type RuleFactory } from './rule-types.js';
import { cronProblem, isCronCycle, nextCronOccurrence } from '../../cron-schedule.js';
import { addIsoDuration } from '../../runtime/timer-due.js';

const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function isIsoDuration(text: string): boolean {
  return DURATION.test(text);
}

/** A date of the calendar: `Date.parse` would read 30 February as 2 March. */
function isIsoDate(text: string): boolean {
  if (!DATE.test(text) || Number.isNaN(Date.parse(text))) return false;
  const [year, month, day, hour, minute, second = 0] = (
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text) ?? []
  )
    .slice(1)
    .filter((part) => part !== undefined)
    .map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60
  );
}

/** `R/PT1H`, `R3/PT10M`, `R/2026-01-01T09:00:00+08:00/P1D`. */
function isIsoCycle(text: string): boolean {
  const parts = text.split('/');
  if (!/^R\d*$/.test(parts[0])) return false;
  if (parts.length === 2) return isIsoDuration(parts[1]);
  if (parts.length === 3) return isIsoDate(parts[1]) && isIsoDuration(parts[2]);
  return false;
}

/**
 * Bounds on what a timer may say, measured from a fixed day so that the same diagram always
 * lints the same: a wait of at most ten years, a cycle of at least a minute (a zero or
 * one-second cycle would flood the job table), dates in this century.
 */
const ANCHOR = new Date(Date.UTC(2000, 0, 1));
const MAX_WAIT = new Date(Date.UTC(2010, 0, 1)).getTime() - ANCHOR.getTime();
const MIN_PERIOD = 60_000;
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** Milliseconds an ISO 8601 duration waits, or null when it overflows every calendar. */
function waitOf(duration: string): number | null {
  const due = addIsoDuration(ANCHOR, duration);
  return due && !Number.isNaN(due.getTime()) ? due.getTime() - ANCHOR.getTime() : null;
}

function waitProblem(duration: string, period: boolean): string | null {
  const wait = waitOf(duration);
  if (wait === null || wait > MAX_WAIT) return `"${duration}" is longer than ten years (P10Y)`;
  if (period && wait < MIN_PERIOD)
    return `a cycle must repeat at most once a minute; "${duration}" is shorter`;
  return null;
}

function dateProblem(date: string): string | null {
  const at = Date.parse(date);
  return at >= EARLIEST && at < LATEST ? null : `"${date}" is not between the years 2000 and 2099`;
}

/** Occurrences of a cron cycle at least a minute apart, and at least one of them. */
function cronCadenceProblem(expression: string): string | null {
  let previous = nextCronOccurrence(expression, ANCHOR);
  if (!previous) return `timeCycle "${expression}" never occurs`;
  for (let i = 0; i < 5; i++) {
    const next = nextCronOccurrence(expression, previous);
    if (!next) return null;
    if (next.getTime() - previous.getTime() < MIN_PERIOD)
      return `timeCycle "${expression}" fires more often than once a minute`;
    previous = next;
  }
  return null;
}

/** Why a valid ISO 8601 timer is still unreasonable, or null. */
function boundsProblem(kind: 'timeDuration' | 'timeDate' | 'timeCycle', text: string): string | null {
  if (kind === 'timeDuration') return waitProblem(text, false);
  if (kind === 'timeDate') return dateProblem(text);
  const parts = text.split('/');
  return (parts.length === 3 ? dateProblem(parts[1]) : null) ?? waitProblem(parts[parts.length - 1], true);
}

/**
 * Every timer has exactly one ISO 8601 duration, date or cycle, a cron cycle (seconds first, as
 * in Camunda), or a `${…}` yielding one.
 */
const timerDefinitions: RuleFactory = () => ({
  check(node, reporter) {
    if (!isType(node, 'bpmn:TimerEventDefinition')) return;
    const ownerId = (node.$parent as { id?: string } | undefined)?.id;
    const kinds = (['timeDuration', 'timeDate', 'timeCycle'] as const).filter((kind) => node[kind]);
    if (kinds.length !== 1) {
      reporter.report(ownerId, 'a timer needs exactly one of timeDuration, timeDate or timeCycle');
      return;
    }
    const kind = kinds[0];
    const text = String((node[kind] as ModdleElement).body ?? '').trim();
    if (text.startsWith('${')) return;
    if (kind === 'timeCycle' && isCronCycle(text)) {
      const problem = cronProblem(text);
      if (problem) reporter.report(ownerId, `timeCycle "${text}" is not a valid cron expression: ${problem}`);
      else {
        const cadence = cronCadenceProblem(text);
        if (cadence) reporter.report(ownerId, cadence);
      }
      return;
    }
    const valid =
      kind === 'timeDuration'
        ? isIsoDuration(text)
        : kind === 'timeDate'
          ? isIsoDate(text)
          : isIsoCycle(text);
    if (!valid) {
      reporter.report(ownerId, `${kind} "${text}" is not an ISO 8601 ${kind.slice(4).toLowerCase()}`);
      return;
    }
    const bounds = boundsProblem(kind, text);
    if (bounds) reporter.report(ownerId, `${kind}: ${bounds}`);
  },
});

export default timerDefinitions;
