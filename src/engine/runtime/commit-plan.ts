import type { InstanceRecord, WaitEntry } from '../../store/instance-store.js';
import type { JobRecord } from '../../store/job-store.js';
import type { ChildOutcome, OutboxEntry } from '../../store/outbox.js';
import type { OpenWait, StepOutcome } from './engine-step.js';
import { chainEvents, type HistoryDraft } from './history-chain.js';

/**
 * Turns what a command did (the engine's outcome and the command's own events) into the next
 * revision of the instance document: its changed fields and the outbox of writes it owes to
 * history, tasks and jobs. Pure: no store, no clock.
 */

/** What a command did to the engine: whether it applied, and the events it contributes. */
export interface Applied {
  applied: boolean;
  drafts: HistoryDraft[];
  /** How the waits this command closed on purpose are to be closed (a completed task). */
  closing?: Map<string, { actor: string; data: Record<string, unknown> }>;
}

/** A job's id is its idempotency key: instance + activity + execution. */
export function jobId(instanceId: string, activityId: string, executionId: string): string {
  return `${instanceId}:${activityId}:${executionId}`;
}

export function carry(record: InstanceRecord) {
  return {
    businessKey: record.businessKey,
    engineState: record.engineState,
    variables: record.variables,
    parent: record.parent,
    error: record.error,
  };
}

export function jobFor(
  record: InstanceRecord,
  wait: OpenWait,
  now: Date,
  payload?: Record<string, unknown>,
): JobRecord {
  const kind = wait.kind === 'timer' ? 'timer' : wait.kind === 'service' ? 'service' : 'call-start';
  return {
    _id: jobId(record._id, wait.activityId, wait.executionId),
    kind,
    instanceId: record._id,
    activityId: wait.activityId,
    executionId: wait.executionId,
    topic: wait.topic ?? wait.timerType,
    dueAt: wait.dueAt ?? now,
    status: 'pending',
    attempts: 0,
    payload,
    createdAt: now,
    updatedAt: now,
  };
}

export function closeWaits(
  record: InstanceRecord,
  closed: Array<{ executionId: string } & WaitEntry>,
  closing: Map<string, { actor: string; data: Record<string, unknown> }>,
  drafts: HistoryDraft[],
  now: Date,
): OutboxEntry[] {
  const outbox: OutboxEntry[] = [];
  const fired = new Set(
    drafts.filter((d) => d.type === 'activity.timeout' || d.type === 'timer.fired').map((d) => d.executionId),
  );
  for (const { executionId, kind, activityId } of closed) {
    if (kind === 'task') {
      const done = closing.get(executionId);
      outbox.push({
        kind: 'task-close',
        taskId: `${record._id}:${executionId}`,
        status: done ? 'completed' : 'cancelled',
        at: now,
        completedBy: done?.actor,
        data: done?.data,
      });
    } else if (kind === 'timer' || kind === 'service' || kind === 'call') {
      outbox.push({
        kind: 'job-finish',
        jobId: jobId(record._id, activityId, executionId),
        status: kind === 'timer' && !fired.has(executionId) ? 'cancelled' : 'done',
      });
    }
  }
  return outbox;
}

export function prepare(record: InstanceRecord, outcome: StepOutcome, applied: Applied, now: Date) {
  const current = new Map(outcome.waits.map((wait) => [wait.executionId, wait]));
  const opened = outcome.waits.filter((wait) => !record.waits[wait.executionId]);
  const closed = Object.entries(record.waits)
    .filter(([executionId]) => !current.has(executionId))
    .map(([executionId, wait]) => ({ executionId, ...wait }));
  const drafts = [...applied.drafts, ...outcome.drafts];
  const changed = variableChanges(record.variables, outcome.variables);
  if (changed) drafts.push({ at: now, type: 'variables.changed', data: changed });
  const outbox: OutboxEntry[] = [];
  for (const wait of opened) {
    if (wait.kind === 'task') {
      outbox.push({
        kind: 'task-open',
        task: {
          _id: `${record._id}:${wait.executionId}`,
          instanceId: record._id,
          definitionKey: record.definitionKey,
          ...(record.businessKey ? { businessKey: record.businessKey } : {}),
          activityId: wait.activityId,
          executionId: wait.executionId,
          name: wait.name,
          formKey: wait.formKey,
          candidateGroups: wait.candidateGroups ?? [],
          assignee: wait.assignee,
          status: 'open',
          createdAt: now,
          dueAt: wait.dueDate,
        },
      });
    } else if (wait.kind === 'call') {
      outbox.push({
        kind: 'job-schedule',
        job: jobFor(record, wait, now, {
          definitionKey: wait.calledElement,
          variables: outcome.variables,
          businessKey: record.businessKey,
        }),
      });
    } else if (wait.kind === 'service') {
      outbox.push({ kind: 'job-schedule', job: jobFor(record, wait, now, { input: wait.input ?? {} }) });
    } else if (wait.kind === 'timer') outbox.push({ kind: 'job-schedule', job: jobFor(record, wait, now) });
    // Messages and signals wait for a caller: nothing to schedule.
  }
  outbox.push(...closeWaits(record, closed, applied.closing ?? new Map(), drafts, now));
  const status = outcome.status;
  const waits = Object.fromEntries(
    outcome.waits.map((wait): [string, WaitEntry] => {
      // A timer's due time is known when it is armed; later steps only see what remains of it.
      const known = record.waits[wait.executionId];
      const dueAt = wait.kind !== 'timer' ? undefined : known ? known.dueAt : wait.dueAt;
      return [
        wait.executionId,
        {
          kind: wait.kind,
          activityId: wait.activityId,
          ...(wait.event ? { event: wait.event } : {}),
          ...(dueAt ? { dueAt } : {}),
        },
      ];
    }),
  );
  const awaiting = [
    ...new Set(outcome.waits.filter((wait) => wait.event).map((wait) => `${wait.kind}:${wait.event}`)),
  ];
  const finished = finishOutbox(record, drafts, outbox, status, outcome.variables, outcome.error, now);
  return {
    changes: {
      ...carry(record),
      status,
      engineState: outcome.engineState,
      variables: outcome.variables,
      waits,
      awaiting: awaiting.length ? awaiting : undefined,
      outbox: finished.outbox,
      historySeq: finished.seq,
      historyHead: finished.hash,
      updatedAt: now,
      endedAt: status === 'running' ? undefined : now,
      outcome: status === 'running' ? undefined : status,
      error: outcome.error?.message,
    },
  };
}

/** Adds the end-of-instance event and the parent's notification, then chains the history. */
export function finishOutbox(
  record: InstanceRecord,
  drafts: HistoryDraft[],
  outbox: OutboxEntry[],
  status: 'running' | 'completed' | 'failed' | 'cancelled',
  variables: Record<string, unknown>,
  error: { message: string; code?: string } | undefined,
  now: Date,
) {
  const all = [...drafts];
  if (status !== 'running') {
    all.push({ at: now, type: 'instance.ended', data: { status, error } });
    if (record.parent) {
      const outcome: ChildOutcome = { status, childId: record._id, output: variables, error };
      outbox.push({
        kind: 'job-schedule',
        job: {
          _id: `${jobId(record.parent.instanceId, record.parent.activityId, record.parent.executionId)}:return`,
          kind: 'call-complete',
          instanceId: record.parent.instanceId,
          activityId: record.parent.activityId,
          executionId: record.parent.executionId,
          dueAt: now,
          status: 'pending',
          attempts: 0,
          payload: outcome as unknown as Record<string, unknown>,
          createdAt: now,
          updatedAt: now,
        },
      });
    }
  }
  const chained = chainEvents(record._id, all, { seq: record.historySeq, hash: record.historyHead });
  return {
    outbox: [...chained.events.map((event): OutboxEntry => ({ kind: 'history', event })), ...outbox],
    seq: chained.seq,
    hash: chained.hash,
  };
}

/** What changed in the process variables, as `set` (new values) and `unset` (removed names). */
export function variableChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { set: Record<string, unknown>; unset: string[] } | null {
  const set: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(after))
    if (JSON.stringify(value) !== JSON.stringify(before[name])) set[name] = value;
  const unset = Object.keys(before).filter((name) => !(name in after));
  return Object.keys(set).length || unset.length ? { set, unset } : null;
}
