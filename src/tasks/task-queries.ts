import type { TaskRecord, TaskStore } from '../store/task-store.js';
import type { CaseRecord, CaseStore } from '../store/case-store.js';
import type { FormRegistry } from '../forms/form-registry.js';
import type { Actor } from '../auth/actor.js';
import { PreplanError } from '../errors.js';

export interface TaskQueryDeps {
  tasks: TaskStore;
  cases: CaseStore;
  forms: FormRegistry;
}

/** Roles that oversee every case: they read all tasks (auditors never act on them). */
const OVERSEERS = ['auditor', 'admin'];

export function mayAct(task: TaskRecord, actor: Actor): boolean {
  return task.assignee === actor.id || task.candidateGroups.some((group) => actor.roles.includes(group));
}

export function mayRead(task: TaskRecord, actor: Actor): boolean {
  return mayAct(task, actor) || task.claimedBy === actor.id || actor.roles.some((r) => OVERSEERS.includes(r));
}

/**
 * Most urgent first: a task's own deadline, or its case's reply deadline while the reply is
 * still owed, whichever is earlier; tasks with neither last, oldest first.
 */
function byUrgency(a: TaskSummary, b: TaskSummary): number {
  const due = (task: TaskSummary) =>
    Math.min(
      task.dueAt ? task.dueAt.getTime() : Number.POSITIVE_INFINITY,
      task.case && !task.case.repliedAt ? task.case.replyDueAt.getTime() : Number.POSITIVE_INFINITY,
    );
  return due(a) - due(b) || a.createdAt.getTime() - b.createdAt.getTime();
}

export interface TaskSummary {
  id: string;
  name?: string;
  activityId: string;
  formKey?: string;
  candidateGroups: string[];
  assignee?: string;
  claimedBy?: string;
  status: TaskRecord['status'];
  createdAt: Date;
  dueAt?: Date;
  completedAt?: Date;
  completedBy?: string;
  instanceId: string;
  definitionKey: string;
  case?: {
    id: string;
    title: string;
    grade: number;
    drill: boolean;
    replyDueAt: Date;
    /** When the public reply went out; absent while it is still owed. */
    repliedAt?: Date;
  };
}

function summary(task: TaskRecord, record: CaseRecord | undefined): TaskSummary {
  return {
    id: task._id,
    name: task.name,
    activityId: task.activityId,
    formKey: task.formKey,
    candidateGroups: task.candidateGroups,
    assignee: task.assignee,
    claimedBy: task.claimedBy,
    status: task.status,
    createdAt: task.createdAt,
    dueAt: task.dueAt,
    completedAt: task.completedAt,
    completedBy: task.completedBy,
    instanceId: task.instanceId,
    definitionKey: task.definitionKey,
    ...(record
      ? {
          case: {
            id: record._id,
            title: record.title,
            grade: record.grade,
            drill: record.drill,
            replyDueAt: record.deadlines.replyDueAt,
            ...(record.deadlines.repliedAt ? { repliedAt: record.deadlines.repliedAt } : {}),
          },
        }
      : {}),
  };
}

async function withCases(deps: TaskQueryDeps, tasks: TaskRecord[]): Promise<TaskSummary[]> {
  const ids = [...new Set(tasks.map((task) => task.businessKey).filter((id): id is string => Boolean(id)))];
  const cases = new Map<string, CaseRecord>();
  for (const record of ids.length ? await deps.cases.byIds(ids) : []) cases.set(record._id, record);
  return tasks.map((task) => summary(task, task.businessKey ? cases.get(task.businessKey) : undefined));
}

/** A person's open tasks: theirs and their roles' claimable ones, most urgent first. */
export async function listTasks(
  deps: TaskQueryDeps,
  actor: Actor,
  filter: { caseId?: string; activityId?: string; mine?: boolean },
): Promise<TaskSummary[]> {
  const tasks = await deps.tasks.openFor(
    { userId: actor.id, roles: actor.roles, all: actor.roles.some((r) => OVERSEERS.includes(r)) },
    {
      ...(filter.caseId ? { businessKey: filter.caseId } : {}),
      ...(filter.activityId ? { activityId: filter.activityId } : {}),
      ...(filter.mine ? { claimedBy: actor.id } : {}),
    },
  );
  return (await withCases(deps, tasks)).sort(byUrgency);
}

/**
 * One task with what its form needs: the schema (the browser validates with the same one),
 * the UI hints, what was submitted (once done), and the last submission of the same step when
 * the process came back to it (a release redrafted after a rejection starts from the last draft).
 */
export async function getTask(deps: TaskQueryDeps, actor: Actor, taskId: string) {
  const task = await deps.tasks.byId(taskId);
  if (!task || !mayRead(task, actor)) throw new PreplanError('not-found', `任务 ${taskId} 不存在`);
  const [withCase] = await withCases(deps, [task]);
  let prefill: Record<string, unknown> = {};
  if (task.status === 'open') {
    const earlier = (await deps.tasks.forInstance(task.instanceId)).filter(
      (t) => t.activityId === task.activityId && t.status === 'completed' && t.data,
    );
    prefill = earlier.at(-1)?.data ?? {};
  }
  return {
    ...withCase,
    form: task.formKey
      ? {
          key: task.formKey,
          schema: deps.forms.schema(task.formKey),
          uiSchema: deps.forms.uiSchema(task.formKey),
        }
      : undefined,
    data: task.data,
    prefill,
    mayAct: task.status === 'open' && mayAct(task, actor) && (!task.claimedBy || task.claimedBy === actor.id),
  };
}
