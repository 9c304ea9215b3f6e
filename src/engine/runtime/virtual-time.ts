import { TimerEventDefinition } from 'bpmn-elements';

/** Engine `settings` key naming the step clock (a string: settings are saved in the state). */
export const CLOCK_SETTING = 'preplanClock';

const clocks = new Map<string, { now(): Date; steps: number }>();

/**
 * Lends the engine of one instance its step's clock until the returned release is called. Keyed
 * by instance id because a recovered engine gets its settings back from the saved state.
 */
export function lendClock(instanceId: string, clock: { now(): Date }): () => void {
  const entry = clocks.get(instanceId) ?? { now: () => clock.now(), steps: 0 };
  entry.steps++;
  clocks.set(instanceId, entry);
  return () => {
    if (--entry.steps === 0 && clocks.get(instanceId) === entry) clocks.delete(instanceId);
  };
}

interface ResolvedTimer {
  timerType?: string;
  expireAt?: Date;
  timeout?: number;
}

type GetTimers = (
  this: { environment: { settings?: Record<string, unknown> } },
  message: { content?: { timerType?: string } },
) => ResolvedTimer;

/**
 * bpmn-elements measures a `timeDate` timer against the wall clock (`new Date()`), so on a
 * virtual clock (tests, drills) a date that is still ahead would fire at once. Durations are
 * unaffected (preplan computes their due time itself), so only a date's timeout is re-measured
 * against the step's clock. Patched once, on the prototype, because the engine offers no hook.
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
    if (type === 'timeDate' && result.expireAt instanceof Date && clock)
      result.timeout = result.expireAt.getTime() - clock.now().getTime();
    return result;
  };
  (patched as { preplan?: boolean }).preplan = true;
  prototype._getTimers = patched;
}

honourStepClock();
