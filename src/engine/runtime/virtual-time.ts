import { TimerEventDefinition } from 'bpmn-elements';
import { isCronCycle, nextCronOccurrence } from '../cron-schedule.js';

/** Engine `settings` key naming the step clock (a string: settings are saved in the state). */
export const CLOCK_SETTING = 'preplanClock';
/** Engine `settings` key of the time zone cron cycles are read in. */
export const TIME_ZONE_SETTING = 'preplanTimeZone';

const clocks = new Map<string, { now(): Date; steps: number }>();

/**
 * Lends the engine of one instance its step's clock until the returned release is called. Keyed
 * by instance id because a recovered engine gets its settings back from the saved state.
 * Releasing twice is releasing once.
 */
export function lendClock(instanceId: string, clock: { now(): Date }): () => void {
  const entry = clocks.get(instanceId) ?? { now: () => clock.now(), steps: 0 };
  entry.steps++;
  clocks.set(instanceId, entry);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--entry.steps === 0 && clocks.get(instanceId) === entry) clocks.delete(instanceId);
  };
}

interface ResolvedTimer {
  timerType?: string;
  expireAt?: Date;
  timeout?: number;
}

type Parse = (
  this: { environment: { settings?: Record<string, unknown> } },
  timerType: string,
  value: string,
) => { expireAt?: Date; repeat?: number; delay?: number };

type GetTimers = (
  this: { environment: { settings?: Record<string, unknown> } },
  message: { content?: { timerType?: string } },
) => ResolvedTimer;

/**
 * bpmn-elements measures a `timeDate` timer against the wall clock (`new Date()`), so on a
 * virtual clock (tests, drills) a date that is still ahead would fire at once. Durations are
 * unaffected (preplan computes their due time itself), so only the timeout of a date or a cron
 * cycle (both absolute) is re-measured against the step's clock. Patched once, on the
 * prototype, because the engine offers no hook.
 */
function honourStepClock(): void {
  const prototype = (TimerEventDefinition as unknown as { prototype: { _getTimers: GetTimers } }).prototype;
  const original = prototype._getTimers;
  if (!original || (original as { preplan?: boolean }).preplan) return;
  const patched: GetTimers = function (message) {
    const result = original.call(this, message);
    const clock = clocks.get(String(this.environment.settings?.[CLOCK_SETTING]));
    // On resume the type comes from the saved timer content rather than the definition.
    const type = result.timerType ?? message.content?.timerType;
    const value = (result as Record<string, unknown>)[String(type)];
    const absolute =
      type === 'timeDate' || (type === 'timeCycle' && typeof value === 'string' && isCronCycle(value));
    if (absolute && result.expireAt instanceof Date && clock)
      result.timeout = result.expireAt.getTime() - clock.now().getTime();
    return result;
  };
  (patched as { preplan?: boolean }).preplan = true;
  prototype._getTimers = patched;
}

/**
 * bpmn-elements reads a `timeCycle` as ISO 8601 only; a cron cycle (how workday schedules are
 * written, as in Camunda) is due at its next occurrence on the step's clock.
 */
function understandCron(): void {
  const prototype = (TimerEventDefinition as unknown as { prototype: { parse: Parse } }).prototype;
  const original = prototype.parse;
  if (!original || (original as { preplan?: boolean }).preplan) return;
  const patched: Parse = function (timerType, value) {
    if (timerType !== 'timeCycle' || typeof value !== 'string' || !isCronCycle(value))
      return original.call(this, timerType, value);
    const settings = this.environment.settings;
    const now = clocks.get(String(settings?.[CLOCK_SETTING]))?.now() ?? new Date();
    const timeZone =
      typeof settings?.[TIME_ZONE_SETTING] === 'string' ? settings[TIME_ZONE_SETTING] : undefined;
    const expireAt = nextCronOccurrence(value, now, timeZone as string | undefined);
    if (!expireAt) throw new TypeError(`timeCycle "${value}" is not a valid cron expression`);
    return { expireAt, delay: expireAt.getTime() - now.getTime() };
  };
  (patched as { preplan?: boolean }).preplan = true;
  prototype.parse = patched;
}

honourStepClock();
understandCron();
