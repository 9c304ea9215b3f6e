import type { Runtime } from '../engine/runtime/runtime.js';
import type { TaskRecord, TaskStore } from '../store/task-store.js';
import type { Actor, RequestContext } from './complete-task.js';
import { PreplanError } from '../errors.js';
import { mayAct } from './task-queries.js';

export interface ClaimDeps {
  tasks: TaskStore;
  runtime: Runtime;
  clock: { now(): Date };
}

async function actionable(deps: ClaimDeps, taskId: string, actor: Actor): Promise<TaskRecord> {
  const task = await deps.tasks.byId(taskId);
  if (!task) throw new PreplanError('not-found', `任务 ${taskId} 不存在`);
  if (!mayAct(task, { ...actor, kind: 'user' }))
    throw new PreplanError('forbidden', `任务 ${taskId} 不属于你的角色`);
  if (task.status !== 'open') throw new PreplanError('conflict', `任务 ${taskId} 已结束`);
  return task;
}

/** Takes a task so others of the role see it is being handled; recorded in the history. */
export async function claimTask(deps: ClaimDeps, taskId: string, actor: Actor, context: RequestContext = {}) {
  const task = await actionable(deps, taskId, actor);
  if (!(await deps.tasks.claim(taskId, actor.id))) {
    const now = await deps.tasks.byId(taskId);
    throw new PreplanError('conflict', now?.claimedBy ? `任务已由 ${now.claimedBy} 认领` : '任务已结束');
  }
  await deps.runtime.appendHistory(task.instanceId, [
    {
      at: deps.clock.now(),
      type: 'task.claimed',
      actor: actor.id,
      requestId: context.requestId,
      activityId: task.activityId,
      executionId: task.executionId,
    },
  ]);
  return (await deps.tasks.byId(taskId))!;
}

export async function unclaimTask(
  deps: ClaimDeps,
  taskId: string,
  actor: Actor,
  context: RequestContext = {},
) {
  const task = await actionable(deps, taskId, actor);
  if (!(await deps.tasks.unclaim(taskId, actor.id)))
    throw new PreplanError(
      'conflict',
      task.claimedBy ? `任务由 ${task.claimedBy} 认领，只能由其退回` : '任务未被认领',
    );
  await deps.runtime.appendHistory(task.instanceId, [
    {
      at: deps.clock.now(),
      type: 'task.unclaimed',
      actor: actor.id,
      requestId: context.requestId,
      activityId: task.activityId,
      executionId: task.executionId,
    },
  ]);
  return (await deps.tasks.byId(taskId))!;
}
