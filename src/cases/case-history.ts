import type { HistoryEvent, HistoryStore } from '../store/history-store.js';
import type { InstanceRecord, InstanceStore } from '../store/instance-store.js';
import type { DefinitionStore } from '../store/definition-store.js';
import { elementNamesOf } from '../engine/definitions/element-names.js';
import { verifyHistory, type HistoryVerdict } from '../audit/verify-history.js';

export interface CaseHistoryDeps {
  instances: InstanceStore;
  history: HistoryStore;
  definitions: DefinitionStore;
}

/** One history event of a case, with the instance it belongs to and its element's name. */
export interface CaseEvent {
  instanceId: string;
  definitionKey: string;
  seq: number;
  at: Date;
  type: string;
  actor?: string;
  requestId?: string;
  activityId?: string;
  activityName?: string;
  executionId?: string;
  data?: Record<string, unknown>;
}

/** One of the case's process instances with its own history, its chain's verdict and element names. */
export interface CaseInstanceHistory {
  instance: Omit<InstanceRecord, 'engineState'>;
  events: HistoryEvent[];
  integrity: HistoryVerdict;
  names: Record<string, string>;
}

export interface CaseHistory {
  /** Every event of every instance, in time order (ties: by instance, then sequence). */
  events: CaseEvent[];
  /** Oldest instance first. */
  instances: CaseInstanceHistory[];
}

/**
 * The whole history of a case: all its processes' events in time order with element names,
 * and each instance's hash chain checked against the head the instance keeps. Callers check
 * first that the reader may see the case.
 */
export async function caseHistory(deps: CaseHistoryDeps, caseId: string): Promise<CaseHistory> {
  const instances = (await deps.instances.list({ businessKey: caseId }, 1000)).sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
  );
  const events: CaseEvent[] = [];
  const perInstance: CaseInstanceHistory[] = [];
  for (const instance of instances) {
    const history = await deps.history.forInstance(instance._id);
    // The head and count the chain must end at; `list` already has them (it only leaves out engine state).
    const integrity = verifyHistory(instance, history);
    const names = await elementNamesOf(deps.definitions, instance.definitionId);
    perInstance.push({ instance, events: history, integrity, names });
    for (const event of history)
      events.push({
        instanceId: instance._id,
        definitionKey: instance.definitionKey,
        seq: event.seq,
        at: event.at,
        type: event.type,
        actor: event.actor,
        requestId: event.requestId,
        activityId: event.activityId,
        activityName: event.activityId ? names[event.activityId] : undefined,
        executionId: event.executionId,
        data: event.data,
      });
  }
  events.sort(
    (a, b) => a.at.getTime() - b.at.getTime() || a.instanceId.localeCompare(b.instanceId) || a.seq - b.seq,
  );
  return { events, instances: perInstance };
}
