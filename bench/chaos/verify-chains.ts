/**
 * Every history chain of the run: each case's through the API as an auditor would
 * (`GET /api/audit/verify?caseId=…`, a few at a time), and the instances outside any case (the
 * sweeps) with the same check (`verifyHistory`) in this process.
 */
import type { Connection } from 'mongoose';
import { verifyHistory } from '../../src/audit/verify-history.js';
import type { InstanceRecord } from '../../src/store/instance-store.js';
import type { HistoryEvent } from '../../src/store/history-store.js';
import type { StaffClient } from './staff-client.js';

export interface ChainCheck {
  instances: number;
  events: number;
  broken: number;
  violations: string[];
}

export async function verifyChains(
  auditor: StaffClient,
  caseIds: string[],
  connection: Connection,
): Promise<ChainCheck> {
  const check: ChainCheck = { instances: 0, events: 0, broken: 0, violations: [] };
  const queue = [...caseIds];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let caseId = queue.shift(); caseId; caseId = queue.shift()) {
        const answer = await auditor.get<{
          items?: Array<{ instanceId: string; ok: boolean; events: number }>;
        }>('verify chains', `/api/audit/verify?caseId=${caseId}`);
        if (answer.status !== 200)
          check.violations.push(`${caseId}: verifying its chains answered ${answer.status}`);
        for (const item of answer.body.items ?? []) {
          check.instances++;
          check.events += item.events;
          if (item.ok) continue;
          check.broken++;
          check.violations.push(
            `${caseId}: the history chain of ${item.instanceId} does not verify: ${JSON.stringify(item)}`,
          );
        }
      }
    }),
  );
  const db = connection.db!;
  const others = (await db
    .collection('instances')
    .find({ businessKey: { $exists: false } })
    .toArray()) as unknown as InstanceRecord[];
  for (const instance of others) {
    const history = (await db
      .collection('history')
      .find({ instanceId: instance._id })
      .sort({ seq: 1 })
      .toArray()) as unknown as HistoryEvent[];
    check.instances++;
    check.events += history.length;
    const verdict = verifyHistory(instance, history);
    if (verdict.ok) continue;
    check.broken++;
    check.violations.push(
      `the history chain of ${instance._id} does not verify: ${JSON.stringify(verdict.problem)}`,
    );
  }
  return check;
}
