import type { TaskStore } from '../store/task-store.js';
import type { CaseStore } from '../store/case-store.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import type { Actor, RequestContext } from '../tasks/complete-task.js';
import { PreplanError } from '../errors.js';
import { isGrade } from '../plan/grade-parameters.js';

export interface RegradeDeps {
  cases: CaseStore;
  tasks: TaskStore;
  runtime: Runtime;
}

/**
 * Re-grades a running case upward (研判升级): the grade process's monitoring step takes the
 * update, so the re-grade happens exactly as when a monitor reports a worsening — the current
 * grade's process ends as re-graded and the higher grade's process takes over the case.
 */
export async function regradeCase(
  deps: RegradeDeps,
  actor: Actor,
  caseId: string,
  request: { newGrade: number; reason: string },
  context: RequestContext = {},
) {
  const record = await deps.cases.byId(caseId);
  if (!record) throw new PreplanError('not-found', `案件 ${caseId} 不存在`);
  if (record.status !== 'open') throw new PreplanError('conflict', `案件 ${caseId} 已结案`);
  if (!isGrade(request.newGrade) || request.newGrade >= record.grade)
    throw new PreplanError('invalid', `只能升级：当前为 ${record.grade} 级，新等级须更高（数字更小）`, {
      errors: [{ path: '/newGrade', message: '新等级须高于当前等级' }],
    });
  const monitor = (await deps.tasks.forCase(caseId)).find(
    (task) => task.activityId === 'Monitor' && task.status === 'open',
  );
  if (!monitor) throw new PreplanError('conflict', `案件 ${caseId} 当前不在可升级的处置阶段`);
  await deps.runtime.completeTask(
    monitor._id,
    actor.id,
    {
      trend: 'worsened',
      observations: request.reason,
      newGrade: request.newGrade,
      regradeReason: request.reason,
    },
    context,
  );
  return deps.cases.byId(caseId);
}
