import type { InstanceStore } from '../store/instance-store.js';
import type { HistoryStore } from '../store/history-store.js';
import { verifyHistory, type HistoryVerdict } from './verify-history.js';

export interface VerifyDeps {
  instances: InstanceStore;
  history: HistoryStore;
}

/** Verifies every instance's history (or one case's instances); the failures come first. */
export async function verifyAll(
  deps: VerifyDeps,
  filter: { caseId?: string } = {},
): Promise<HistoryVerdict[]> {
  const instances = await deps.instances.list(filter.caseId ? { businessKey: filter.caseId } : {}, 1_000_000);
  const verdicts: HistoryVerdict[] = [];
  for (const instance of instances) {
    const full = await deps.instances.load(instance._id);
    if (full) verdicts.push(verifyHistory(full, await deps.history.forInstance(instance._id)));
  }
  return verdicts.sort((a, b) => Number(a.ok) - Number(b.ok) || a.instanceId.localeCompare(b.instanceId));
}
