/**
 * What a case left in the store, reduced to what must not depend on faults or timing: its
 * record's end state, its processes, its tasks (who completed them, by role), the history
 * events of each process counted by kind and element, its jobs and the messages it sent. Two
 * cases of one scenario, one run with nodes killed under it and one without, must have equal
 * shapes. Loaded in bulk (a few queries for the whole run), with projections.
 */
import type { Connection } from 'mongoose';

export interface CaseShape {
  case: {
    status: string;
    grade: number;
    regrades: number;
    publications: string[];
    reported: boolean;
    replied: boolean;
    breached: boolean;
  };
  /** `definitionKey:status:outcome`, sorted. */
  instances: string[];
  /** `definitionKey/activityId:status:role of who completed it` → count. */
  tasks: Record<string, number>;
  /** `definitionKey/type:activityId` → count, for every kind but the timing-dependent ones. */
  history: Record<string, number>;
  /** `definitionKey/activityId:kind:status` → count. */
  jobs: Record<string, number>;
  /** `template:channel:target` → count of delivery records (one per job and target). */
  deliveries: Record<string, number>;
}

/**
 * History kinds left out of the comparison, because how they fall depends on timing without
 * the case's path changing: a timer already overdue when an engine resumes fires inside
 * whichever command touches the instance first (its timer job then has nothing left to do), so
 * `timer.fired` may be missing and two commands' `variables.changed` become one. Timers are
 * compared through the boundary events' `activity.end` instead, and checked to fire once.
 */
export const TIMING_KINDS = new Set(['timer.fired', 'variables.changed']);

interface EventRow {
  instanceId: string;
  seq: number;
  type: string;
  activityId?: string;
  executionId?: string;
}

export interface CaseFacts {
  caseId: string;
  shape: CaseShape;
  /** Task executions completed more than once (history `task.completed`). */
  tasksCompletedTwice: string[];
  /** Activity executions that ended more than once. */
  endedTwice: string[];
  /** Timer executions recorded as fired more than once. */
  timersFiredTwice: string[];
  /** Instances still owing outbox writes, or running while the case is closed. */
  unfinished: string[];
  /** Job ids of the case's service jobs (the idempotency keys its messages carry). */
  serviceJobs: string[];
}

const add = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

/** `office1` → `office`; `county-link:…` → `county-link`. */
export function roleOf(user: string | undefined): string {
  if (!user) return '';
  if (user.startsWith('county-link:')) return 'county-link';
  return user.replace(/\d+$/, '');
}

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Shapes and per-case facts of every case in the database. */
export async function collectCases(connection: Connection): Promise<Map<string, CaseFacts>> {
  const db = connection.db!;
  const cases = await db
    .collection('cases')
    .find({}, { projection: { status: 1, grade: 1, gradeHistory: 1, publications: 1, deadlines: 1 } })
    .toArray();
  const instances = await db
    .collection('instances')
    .find(
      { businessKey: { $exists: true } },
      { projection: { businessKey: 1, definitionKey: 1, status: 1, outcome: 1, pendingOutbox: 1 } },
    )
    .toArray();
  const instanceCase = new Map<string, { caseId: string; key: string }>();
  for (const i of instances)
    instanceCase.set(String(i._id), { caseId: String(i.businessKey), key: i.definitionKey });
  const tasks = await db
    .collection('tasks')
    .find(
      { businessKey: { $exists: true } },
      { projection: { instanceId: 1, activityId: 1, status: 1, completedBy: 1 } },
    )
    .toArray();
  const jobs = await db
    .collection('jobs')
    .find(
      { kind: { $ne: 'process-start' } },
      { projection: { instanceId: 1, activityId: 1, kind: 1, status: 1 } },
    )
    .toArray();
  const deliveries = await db
    .collection('deliveries')
    .find({ caseId: { $exists: true } }, { projection: { caseId: 1, template: 1, channel: 1, target: 1 } })
    .toArray();
  const events = (await db
    .collection('history')
    .find({}, { projection: { instanceId: 1, seq: 1, type: 1, activityId: 1, executionId: 1 } })
    .toArray()) as unknown as EventRow[];

  const facts = new Map<string, CaseFacts>();
  for (const c of cases) {
    const deadlines = (c.deadlines ?? {}) as Record<string, unknown>;
    facts.set(String(c._id), {
      caseId: String(c._id),
      shape: {
        case: {
          status: c.status,
          grade: c.grade,
          regrades: (c.gradeHistory?.length ?? 1) - 1,
          publications: ((c.publications ?? []) as Array<{ kind: string; via: string }>)
            .map((p) => `${p.kind}:${p.via}`)
            .sort(),
          reported: Boolean(deadlines.reportedAt),
          replied: Boolean(deadlines.repliedAt),
          breached: Boolean(deadlines.replyBreachedAt),
        },
        instances: [],
        tasks: {},
        history: {},
        jobs: {},
        deliveries: {},
      },
      tasksCompletedTwice: [],
      endedTwice: [],
      timersFiredTwice: [],
      unfinished: [],
      serviceJobs: [],
    });
  }
  const factsOf = (instanceId: string) => {
    const owner = instanceCase.get(instanceId);
    return owner ? { f: facts.get(owner.caseId), key: owner.key } : { f: undefined, key: '' };
  };
  for (const i of instances) {
    const f = facts.get(String(i.businessKey));
    if (!f) continue;
    f.shape.instances.push(`${i.definitionKey}:${i.status}:${i.outcome ?? ''}`);
    if (i.pendingOutbox) f.unfinished.push(`${i._id} owes outbox writes`);
    if (i.status === 'running' && f.shape.case.status !== 'open') f.unfinished.push(`${i._id} still running`);
  }
  for (const t of tasks) {
    const { f, key } = factsOf(t.instanceId);
    if (f) add(f.shape.tasks, `${key}/${t.activityId}:${t.status}:${roleOf(t.completedBy)}`);
  }
  for (const j of jobs) {
    const { f, key } = factsOf(j.instanceId);
    if (!f) continue;
    add(f.shape.jobs, `${key}/${j.activityId}:${j.kind}:${j.status}`);
    if (j.kind === 'service') f.serviceJobs.push(String(j._id));
  }
  for (const d of deliveries) {
    const f = facts.get(String(d.caseId));
    if (f) add(f.shape.deliveries, `${d.template}:${d.channel}:${d.target}`);
  }

  // History, one instance at a time: element of each execution, events by kind, repeats.
  const byInstance = new Map<string, EventRow[]>();
  for (const event of events) {
    if (!instanceCase.has(event.instanceId)) continue;
    const list = byInstance.get(event.instanceId) ?? [];
    list.push(event);
    byInstance.set(event.instanceId, list);
  }
  for (const [instanceId, list] of byInstance) {
    const { f, key } = factsOf(instanceId);
    if (!f) continue;
    const activityOf = new Map<string, string>();
    for (const e of list) if (e.executionId && e.activityId) activityOf.set(e.executionId, e.activityId);
    const element = (e: EventRow) =>
      e.activityId ??
      (e.executionId
        ? (activityOf.get(e.executionId) ?? activityOf.get(e.executionId.replace(/_\d+$/, '')))
        : '') ??
      '';
    const ended = new Map<string, number>();
    const completed = new Map<string, number>();
    const fired = new Map<string, number>();
    for (const e of list) {
      if (!TIMING_KINDS.has(e.type)) add(f.shape.history, `${key}/${e.type}:${element(e)}`);
      const count = (map: Map<string, number>) => map.set(e.executionId!, (map.get(e.executionId!) ?? 0) + 1);
      if (e.type === 'activity.end' && e.executionId) count(ended);
      if (e.type === 'task.completed' && e.executionId) count(completed);
      if (e.type === 'timer.fired' && e.executionId) count(fired);
    }
    const twice = (map: Map<string, number>) =>
      [...map].filter(([, n]) => n > 1).map(([execution]) => `${instanceId}:${execution}`);
    f.endedTwice.push(...twice(ended));
    f.tasksCompletedTwice.push(...twice(completed));
    f.timersFiredTwice.push(...twice(fired));
  }
  for (const f of facts.values()) {
    f.shape.instances.sort();
    f.shape.tasks = sorted(f.shape.tasks);
    f.shape.history = sorted(f.shape.history);
    f.shape.jobs = sorted(f.shape.jobs);
    f.shape.deliveries = sorted(f.shape.deliveries);
  }
  return facts;
}

/** Where two shapes differ: each differing path with both values (at most `limit`). */
export function shapeDiff(actual: CaseShape, expected: CaseShape, limit = 8): string[] {
  const out: string[] = [];
  const walk = (a: unknown, e: unknown, at: string): void => {
    if (out.length >= limit) return;
    if (JSON.stringify(a) === JSON.stringify(e)) return;
    if (a && e && typeof a === 'object' && typeof e === 'object' && !Array.isArray(a) && !Array.isArray(e)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(e)])].sort();
      for (const k of keys)
        walk((a as Record<string, unknown>)[k], (e as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
      return;
    }
    out.push(`${at}: ${JSON.stringify(a)} (fault-free: ${JSON.stringify(e)})`);
  };
  walk(actual, expected, '');
  return out;
}
