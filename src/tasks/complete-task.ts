import type { Runtime } from '../engine/runtime/runtime.js';
import type { InstanceRecord } from '../store/instance-store.js';
import type { TaskStore } from '../store/task-store.js';
import type { FormRegistry } from '../forms/form-registry.js';
import { PreplanError } from '../errors.js';

export interface Actor {
  id: string;
  roles: string[];
}

export interface RequestContext {
  requestId?: string;
}

export interface CompleteTaskDeps {
  tasks: TaskStore;
  runtime: Runtime;
  forms: FormRegistry;
}

/**
 * A person completes a task through its form: they must hold one of its candidate groups (or
 * be its assignee), the task must be open and not claimed by someone else, and the data must
 * pass the task's form — every error at once, nothing changed when any fails.
 */
export async function completeTask(
  deps: CompleteTaskDeps,
  taskId: string,
  actor: Actor,
  data: unknown,
  context: RequestContext = {},
): Promise<InstanceRecord> {
  const task = await deps.tasks.byId(taskId);
  if (!task) throw new PreplanError('not-found', `任务 ${taskId} 不存在`);
  const allowed =
    task.assignee === actor.id || task.candidateGroups.some((group) => actor.roles.includes(group));
  if (!allowed) throw new PreplanError('forbidden', `任务 ${taskId} 不属于你的角色`);
  if (task.status !== 'open')
    throw new PreplanError('conflict', `任务 ${taskId} 已${task.status === 'completed' ? '完成' : '取消'}`);
  if (task.claimedBy && task.claimedBy !== actor.id)
    throw new PreplanError('conflict', `任务 ${taskId} 已由 ${task.claimedBy} 认领`);
  const checked = task.formKey ? deps.forms.validate(task.formKey, data) : null;
  if (checked && !checked.ok) throw new PreplanError('invalid', '表单填写有误', { errors: checked.errors });
  const submitted = (checked?.ok ? checked.data : (data ?? {})) as Record<string, unknown>;
  return deps.runtime.completeTask(taskId, actor.id, submitted, context);
}
