import type { CaseFilter, CaseRecord, CaseStore } from '../store/case-store.js';
import type { TaskStore } from '../store/task-store.js';
import type { InstanceStore } from '../store/instance-store.js';
import type { DeliveryStore } from '../store/delivery-store.js';
import type { DefinitionStore } from '../store/definition-store.js';
import { elementNamesOf } from '../engine/definitions/element-names.js';
import type { Actor } from '../auth/actor.js';
import { PreplanError } from '../errors.js';

export interface CaseQueryDeps {
  cases: CaseStore;
  tasks: TaskStore;
  instances: InstanceStore;
  deliveries: DeliveryStore;
  definitions: DefinitionStore;
  clock: { now(): Date };
}

/**
 * The leading group's leaders, its office and the monitors run every case; auditors and admins
 * oversee them. Members, writers and the county liaison see the cases they have work in.
 */
const SEE_ALL = ['leader', 'deputy', 'office', 'monitor', 'auditor', 'admin'];

export function seesAllCases(actor: Actor): boolean {
  return actor.roles.some((role) => SEE_ALL.includes(role));
}

/** The case, if this caller may read it (others get the same not-found as for a missing case). */
export async function readableCase(deps: CaseQueryDeps, actor: Actor, id: string): Promise<CaseRecord> {
  const record = await deps.cases.byId(id);
  if (!record || !(await visible(deps, actor, record)))
    throw new PreplanError('not-found', `案件 ${id} 不存在`);
  return record;
}

async function visible(deps: CaseQueryDeps, actor: Actor, record: CaseRecord): Promise<boolean> {
  if (seesAllCases(actor) || record.reportedBy === actor.id) return true;
  const tasks = await deps.tasks.forCase(record._id);
  return tasks.some(
    (task) =>
      task.candidateGroups.some((group) => actor.roles.includes(group)) ||
      task.assignee === actor.id ||
      task.completedBy === actor.id,
  );
}

type DeadlineState = 'pending' | 'met' | 'missed' | 'late';

function deadlineState(
  due: Date | null | undefined,
  done: Date | undefined,
  now: Date,
): DeadlineState | null {
  if (!due) return null;
  if (done) return done.getTime() <= due.getTime() ? 'met' : 'late';
  return now.getTime() > due.getTime() ? 'missed' : 'pending';
}

function summary(record: CaseRecord, now: Date) {
  return {
    id: record._id,
    title: record.title,
    category: record.category,
    platform: record.platform,
    grade: record.grade,
    status: record.status,
    drill: record.drill,
    firstSeenAt: record.firstSeenAt,
    occurredAt: record.occurredAt,
    replyDueAt: record.deadlines.replyDueAt,
    reply: deadlineState(record.deadlines.replyDueAt, record.deadlines.repliedAt, now),
    createdAt: record.createdAt,
    closedAt: record.closedAt,
  };
}

export async function listCases(
  deps: CaseQueryDeps,
  actor: Actor,
  filter: CaseFilter,
  page: { skip: number; limit: number },
) {
  const now = deps.clock.now();
  if (seesAllCases(actor)) return (await deps.cases.list(filter, page)).map((r) => summary(r, now));
  const ids = await deps.tasks.caseIdsFor({ userId: actor.id, roles: actor.roles });
  const within = { ids, reportedBy: actor.id };
  return (await deps.cases.list({ ...filter, within }, page)).map((r) => summary(r, now));
}

/** Everything about one case: facts, grades, deadlines and their state, tasks, publications, processes. */
export async function caseDetail(deps: CaseQueryDeps, actor: Actor, id: string) {
  const record = await deps.cases.byId(id);
  if (!record || !(await visible(deps, actor, record)))
    throw new PreplanError('not-found', `案件 ${id} 不存在`);
  const now = deps.clock.now();
  const [tasks, instances, deliveries] = await Promise.all([
    deps.tasks.forCase(id),
    deps.instances.list({ businessKey: id }),
    deps.deliveries.forCase(id),
  ]);
  const { sourceKeys: _keys, ...facts } = record;
  return {
    ...facts,
    id: record._id,
    deadlines: {
      report: {
        dueAt: record.deadlines.reportDueAt ?? null,
        doneAt: record.deadlines.reportedAt ?? null,
        state: deadlineState(record.deadlines.reportDueAt, record.deadlines.reportedAt, now),
      },
      reply: {
        dueAt: record.deadlines.replyDueAt,
        doneAt: record.deadlines.repliedAt ?? null,
        breachedAt: record.deadlines.replyBreachedAt ?? null,
        state: deadlineState(record.deadlines.replyDueAt, record.deadlines.repliedAt, now),
      },
    },
    tasks: tasks.map((task) => ({
      id: task._id,
      name: task.name,
      activityId: task.activityId,
      instanceId: task.instanceId,
      candidateGroups: task.candidateGroups,
      status: task.status,
      claimedBy: task.claimedBy,
      createdAt: task.createdAt,
      dueAt: task.dueAt,
      completedAt: task.completedAt,
      completedBy: task.completedBy,
    })),
    instances: (
      await Promise.all(
        instances.map(async (instance) => {
          // The process element is named too: its id is the definition key.
          const names = await elementNamesOf(deps.definitions, instance.definitionId);
          const waitingAt = [...new Set(Object.values(instance.waits).map((wait) => wait.activityId))];
          return {
            id: instance._id,
            definitionKey: instance.definitionKey,
            definitionVersion: instance.definitionVersion,
            name: names[instance.definitionKey] ?? instance.definitionKey,
            status: instance.status,
            createdAt: instance.createdAt,
            endedAt: instance.endedAt,
            waitingAt,
            waiting: waitingAt.map((activityId) => ({ activityId, name: names[activityId] ?? activityId })),
          };
        }),
      )
    ).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()),
    messages: deliveries.map((d) => ({
      template: d.template,
      channel: d.channel,
      target: d.target,
      subject: d.subject,
      sentAt: d.sentAt,
      drill: d.drill,
    })),
  };
}
