import type { HistoryEvent } from '../store/history-store.js';

export interface InstanceStateAt {
  seq: number;
  completed: string[];
  active: string[];
  timedOut: string[];
  variables: Record<string, unknown>;
  openTasks: Array<{ activityId: string; executionId?: string }>;
}

/**
 * An instance as it was after event `seq`, folded from its history: which elements had ended,
 * which were running, which timers had fired, the variables, and the open tasks. No engine is
 * needed: the history records every step and every variable change.
 */
export function stateAt(events: HistoryEvent[], seq: number): InstanceStateAt {
  const running = new Map<string, string>();
  const completed = new Set<string>();
  const timedOut = new Set<string>();
  const waiting = new Map<string, string>();
  let variables: Record<string, unknown> = {};
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
  };
}
