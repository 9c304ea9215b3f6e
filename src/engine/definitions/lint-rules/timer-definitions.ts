import type { ModdleElement } from 'bpmn-moddle';
import { isType, type RuleFactory } from './rule-types.js';
import { cronProblem, isCronCycle } from '../../cron-schedule.js';

const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function isIsoDuration(text: string): boolean {
  return DURATION.test(text);
}

function isIsoDate(text: string): boolean {
  return DATE.test(text) && !Number.isNaN(Date.parse(text));
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
      return;
    }
    const valid =
      kind === 'timeDuration'
        ? isIsoDuration(text)
        : kind === 'timeDate'
          ? isIsoDate(text)
          : isIsoCycle(text);
    if (!valid)
      reporter.report(ownerId, `${kind} "${text}" is not an ISO 8601 ${kind.slice(4).toLowerCase()}`);
  },
});

export default timerDefinitions;
