import { ManualClock } from '../engine/clock.js';
import { EngineStep, type Delivery, type StepOutcome } from '../engine/runtime/engine-step.js';
import type { LoadedDefinition } from '../engine/runtime/definition-cache.js';
import type { HistoryDraft } from '../engine/runtime/history-chain.js';
import type { HistoryEvent } from '../store/history-store.js';
import type { ChildOutcome } from '../store/outbox.js';

/** The engine events compared between the record and the replay: what ran, in order. */
const COMPARED = new Set(['activity.start', 'activity.wait', 'activity.end', 'process.end']);
/** The recorded inputs a replay feeds back in. */
const INPUTS = new Set([
  'task.completed',
  'timer.fired',
  'job.succeeded',
  'job.failed',
  'call.returned',
  'message.delivered',
  'signal.delivered',
]);

export interface ReplayStep {
  type: string;
  activityId?: string;
}

export interface ReplayResult {
  instanceId: string;
  ok: boolean;
  inputs: number;
  compared: number;
  /** The first point where the replay did something else than the record. */
  divergence?: {
    index: number;
    recorded: ReplayStep | null;
    replayed: ReplayStep | null;
    afterInput?: string;
  };
  /** Final variables that differ (name → recorded / replayed). */
  variables?: Record<string, { recorded: unknown; replayed: unknown }>;
}

function key(step: ReplayStep | null): string {
  return step ? `${step.type}:${step.activityId ?? ''}` : '∅';
}

/**
 * Numbers executions by activity and order of appearance ("Review#2"), which is what a
 * replay can match: bpmn-engine gives every run fresh execution ids.
 */
class ExecutionIndex {
  private readonly byExecution = new Map<string, string>();
  private readonly byOccurrence = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  see(event: { type: string; activityId?: string; executionId?: string }): void {
    if (!event.activityId || !event.executionId) return;
    if (event.type !== 'activity.start' && event.type !== 'activity.timer') return;
    if (this.byExecution.has(event.executionId)) return;
    const name = `${event.type}:${event.activityId}`;
    const n = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, n);
    const occurrence = `${name}#${n}`;
    this.byExecution.set(event.executionId, occurrence);
    this.byOccurrence.set(occurrence, event.executionId);
  }

  occurrenceOf(executionId: string | undefined): string | undefined {
    return executionId ? this.byExecution.get(executionId) : undefined;
  }

  executionOf(occurrence: string | undefined): string | undefined {
    return occurrence ? this.byOccurrence.get(occurrence) : undefined;
  }
}

/**
 * The compared steps, in order. A wait announced again for the same execution is left out:
 * histories recorded before preplan kept engines between commands repeat a boundary event's
 * wait on every rebuild, which is not a step.
 */
function comparable(events: Array<Pick<HistoryDraft, 'type' | 'activityId' | 'executionId'>>): ReplayStep[] {
  const waiting = new Set<string>();
  return events
    .filter((e) => {
      if (!COMPARED.has(e.type)) return false;
      if (e.type !== 'activity.wait' || !e.executionId) return true;
      if (waiting.has(e.executionId)) return false;
      waiting.add(e.executionId);
      return true;
    })
    .map((e) => ({ type: e.type, activityId: e.activityId }));
}

/**
 * Re-runs an instance's recorded inputs (start variables, task submissions, timer firings, job
 * results, children's outcomes, messages, signals) through its own definition version on
 * virtual time, one engine life per input as in production, and checks that it takes the
 * same steps and ends with the same variables as recorded.
 */
export async function replayInstance(
  instanceId: string,
  definition: LoadedDefinition,
  history: HistoryEvent[],
  recordedVariables: Record<string, unknown>,
): Promise<ReplayResult> {
  const started = history.find((e) => e.type === 'instance.started');
  if (!started) throw new Error(`instance ${instanceId} has no start in its history`);
  const clock = new ManualClock(started.at);
  const recordedIndex = new ExecutionIndex();
  for (const event of history) recordedIndex.see(event);
  const replayIndex = new ExecutionIndex();
  const replayed: HistoryDraft[] = [];
  let state: Record<string, unknown> | null = null;
  let waits: Record<string, unknown> = {};
  /** When each armed timer of the replay is due: a recorded firing before that did not happen here. */
  const timerDue = new Map<string, number>();
  let outcome: StepOutcome | undefined;
  let inputs = 0;

  const run = async (apply: (step: EngineStep) => void, deliveries?: Map<string, Delivery>) => {
    const step = await EngineStep.open({
      instanceId: `replay:${instanceId}`,
      definition,
      engineState: state,
      startVariables: state ? undefined : ((started.data?.variables as Record<string, unknown>) ?? {}),
      knownWaits: waits,
      deliveries,
      clock,
    });
    apply(step);
    outcome = await step.finish();
    state = outcome.engineState;
    waits = Object.fromEntries(outcome.waits.map((w) => [w.executionId, { kind: w.kind }]));
    for (const wait of outcome.waits)
      if (wait.kind === 'timer' && wait.dueAt && !timerDue.has(wait.executionId))
        timerDue.set(wait.executionId, wait.dueAt.getTime());
    for (const draft of outcome.drafts) {
      replayIndex.see(draft);
      replayed.push(draft);
    }
  };

  // The first step: the start (a scheduled start fires its start event's timer at once).
  const startEvents = new Set(
    history
      .filter((e) => e.type === 'activity.start' && e.data?.elementType === 'bpmn:StartEvent')
      .map((e) => e.activityId),
  );
  const scheduledStart = history.find((e) => e.type === 'activity.timeout' && startEvents.has(e.activityId));
  await run((step) => {
    if (scheduledStart?.activityId) step.fireTimersOf(scheduledStart.activityId);
  });

  for (const input of history.filter((e) => INPUTS.has(e.type))) {
    inputs++;
    clock.set(input.at);
    // Timers are known by their own execution (`…_0`), everything else by the activity's.
    const target = replayIndex.executionOf(recordedIndex.occurrenceOf(input.executionId));
    const data = (input.data ?? {}) as Record<string, unknown>;
    switch (input.type) {
      case 'task.completed':
        await run((step) => step.completeTask(target ?? '', data, input.actor));
        break;
      case 'timer.fired': {
        // Under a changed diagram the timer may not be due yet at the recorded moment.
        const due = target ? timerDue.get(target) : undefined;
        const isDue = due !== undefined && due <= input.at.getTime();
        await run((step) => (isDue ? step.fireTimer(target ?? '') : undefined));
        break;
      }
      case 'job.succeeded':
      case 'job.failed':
        await run(
          () => undefined,
          new Map([
            [
              target ?? '',
              input.type === 'job.failed'
                ? { error: data.error as Delivery['error'] }
                : { result: (data.result as Record<string, unknown>) ?? {} },
            ],
          ]),
        );
        break;
      case 'call.returned': {
        const returned = data as unknown as ChildOutcome;
        const error =
          returned.status === 'completed'
            ? undefined
            : (returned.error ?? {
                message: `child ${returned.childId} was ${returned.status}`,
                code: returned.status,
              });
        await run((step) => step.completeCall(target ?? '', returned.output ?? {}, error));
        break;
      }
      case 'message.delivered':
        await run((step) =>
          step.deliverMessage(String(data.message), (data.payload as Record<string, unknown>) ?? {}),
        );
        break;
      case 'signal.delivered':
        await run((step) =>
          step.deliverSignal(String(data.signal), (data.payload as Record<string, unknown>) ?? {}),
        );
        break;
    }
  }

  const recordedSteps = comparable(history);
  const replayedSteps = comparable(replayed);
  const result: ReplayResult = { instanceId, ok: true, inputs, compared: recordedSteps.length };
  const length = Math.max(recordedSteps.length, replayedSteps.length);
  for (let i = 0; i < length; i++) {
    if (key(recordedSteps[i] ?? null) !== key(replayedSteps[i] ?? null)) {
      result.ok = false;
      result.divergence = {
        index: i,
        recorded: recordedSteps[i] ?? null,
        replayed: replayedSteps[i] ?? null,
      };
      break;
    }
  }
  const finalVariables = outcome?.variables ?? {};
  const names = new Set([...Object.keys(recordedVariables), ...Object.keys(finalVariables)]);
  const differing: ReplayResult['variables'] = {};
  for (const name of names)
    if (JSON.stringify(recordedVariables[name]) !== JSON.stringify(finalVariables[name]))
      differing[name] = { recorded: recordedVariables[name], replayed: finalVariables[name] };
  if (Object.keys(differing).length) {
    result.ok = false;
    result.variables = differing;
  }
  return result;
}
