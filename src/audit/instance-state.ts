import type { HistoryEvent } from '../store/history-store.js';

export interface InstanceStateAt {
  seq: number;
  /** Elements that had ended, and the sequence flows taken. */
  completed: string[];
  active: string[];
  /** Timers that had fired (a boundary or catch event's timer, a timer start). */
  timedOut: string[];
  variables: Record<string, unknown>;
  openTasks: Array<{ activityId: string; executionId?: string }>;
  /** The tasks people had completed so far, in order: who did which and when. */
  done: Array<{ seq: number; at: Date; activityId: string; actor?: string }>;
  /** The instance had ended or been cancelled. */
  ended: boolean;
}

/**
 * An instance as it was after event `seq`, folded from its history: which elements had ended,
 * which were running, which timers had fired, the variables, the open tasks and who had done
 * which task. No engine is needed: the history records every step and every variable change.
 * The audit replay in the browser draws its diagram markers from this, step by step.
 */
export function stateAt(events: HistoryEvent[], seq: number): InstanceStateAt {
  const running = new Map<string, string>();
  const completed = new Set<string>();
  const timedOut = new Set<string>();
  const waiting = new Map<string, string>();
  // A `timer.fired` command names only the execution; the timer's element comes from when it was set.
  const timers = new Map<string, string>();
  const done: InstanceStateAt['done'] = [];
  let variables: Record<string, unknown> = {};
  let ended = false;
  let upTo = 0;
  for (const event of events) {
    if (event.seq > seq) break;
    upTo = event.seq;
    const { activityId, executionId } = event;
    switch (event.type) {
      case 'instance.started':
        variables = { ...((event.data?.variables as Record<string, unknown>) ?? {}) };
        break;
      case 'activity.start':
        if (activityId && executionId) running.set(executionId, activityId);
        break;
      case 'activity.wait':
        if (activityId && executionId) waiting.set(executionId, activityId);
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
      case 'activity.execution.discard':
        // Stopped without ending (a finished task's boundary event, an interrupted task).
        if (executionId) {
          running.delete(executionId);
          waiting.delete(executionId);
        }
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
        if (activityId) done.push({ seq: event.seq, at: event.at, activityId, actor: event.actor });
        break;
      case 'variables.changed': {
        const change = event.data as { set?: Record<string, unknown>; unset?: string[] } | undefined;
        variables = { ...variables, ...(change?.set ?? {}) };
        for (const name of change?.unset ?? []) delete variables[name];
        break;
      }
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
    variables,
    openTasks: [...waiting.entries()].map(([executionId, activityId]) => ({ activityId, executionId })),
    done,
    ended,
  };
}
