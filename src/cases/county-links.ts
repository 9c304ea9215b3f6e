import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../engine/clock.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import type { LinkRecord, LinkStore } from '../store/link-store.js';
import type { TaskRecord, TaskStore } from '../store/task-store.js';
import type { FormRegistry } from '../forms/form-registry.js';
import type { CountyLinkIssuer } from '../services/service-types.js';
import { PreplanError } from '../errors.js';

export interface CountyLinkDeps {
  links: LinkStore;
  tasks: TaskStore;
  runtime: Runtime;
  forms: FormRegistry;
  clock: Clock;
  /** HMAC key shared by every node (kept in the database's secrets). */
  secret: string;
  /** Where the county opens the link (the UI's base URL). */
  baseUrl: string;
  validHours: number;
}

export interface OpenedLink {
  link: LinkRecord;
  task: TaskRecord;
  schema: Record<string, unknown> | undefined;
}

/**
 * Signed, single-use, expiring links: the county gives its guidance or signs off a release
 * without an account. The link names a case's user task by activity; it opens the task once
 * the process has reached it, and completes it once.
 */
export class CountyLinks implements CountyLinkIssuer {
  constructor(private readonly deps: CountyLinkDeps) {}

  private sign(id: string): string {
    return createHmac('sha256', this.deps.secret).update(`county-link:${id}`).digest('base64url');
  }

  async issue(request: Parameters<CountyLinkIssuer['issue']>[0]): Promise<{ url: string; expiresAt: Date }> {
    const now = this.deps.clock.now();
    const id = randomBytes(16).toString('base64url');
    const link = await this.deps.links.issue({
      _id: id,
      ...request,
      issuedAt: now,
      expiresAt: new Date(now.getTime() + this.deps.validHours * 3_600_000),
    });
    const base = this.deps.baseUrl.replace(/\/+$/, '');
    return { url: `${base}/county/${id}.${this.sign(id)}`, expiresAt: link.expiresAt };
  }

  /** What the link opens now: refused when forged, expired, used, or not reached yet. */
  async open(token: string): Promise<OpenedLink> {
    const [id, signature] = token.split('.');
    const expected = id ? this.sign(id) : '';
    const valid =
      id &&
      signature &&
      signature.length === expected.length &&
      timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    const link = valid ? await this.deps.links.byId(id) : null;
    if (!link) throw new PreplanError('not-found', '链接无效');
    if (link.usedAt && !(await this.submissionDied(link)))
      throw new PreplanError('conflict', '该链接已使用过，不能再次提交');
    if (link.expiresAt.getTime() <= this.deps.clock.now().getTime())
      throw new PreplanError('forbidden', '该链接已过期，请联系街道办公室');
    const task = (await this.deps.tasks.openTasks({ instanceId: link.instanceId })).find(
      (candidate) => candidate.activityId === link.activityId,
    );
    if (!task) throw new PreplanError('conflict', '该事项当前无需县级办理（尚未到达或已由他人办理）');
    return { link, task, schema: task.formKey ? this.deps.forms.schema(task.formKey) : undefined };
  }

  /**
   * A link taken for a task that is still open: the submission that took it never completed the
   * task (the node handling it died in between), so the county may submit again. Two submissions
   * at once are still safe: the task completes once, the other is refused.
   */
  private async submissionDied(link: LinkRecord): Promise<boolean> {
    const task = link.usedTaskId ? await this.deps.tasks.byId(link.usedTaskId) : null;
    return task?.status === 'open';
  }

  /** Submits the form behind a link, once. */
  async submit(token: string, data: unknown): Promise<{ taskId: string }> {
    const { link, task } = await this.open(token);
    const checked = task.formKey ? this.deps.forms.validate(task.formKey, data) : null;
    if (checked && !checked.ok) throw new PreplanError('invalid', '表单填写有误', { errors: checked.errors });
    const now = this.deps.clock.now();
    const taken =
      (await this.deps.links.take(link._id, task._id, now)) ||
      (link.usedTaskId === task._id && (await this.submissionDied(link)));
    if (!taken) throw new PreplanError('conflict', '该链接已使用过，不能再次提交');
    try {
      await this.deps.runtime.completeTask(
        task._id,
        `county-link:${link._id}`,
        (checked?.ok ? checked.data : data) as Record<string, unknown>,
      );
    } catch (error) {
      // Not completed by this submission: unless another one completed the task meanwhile, the
      // county may try again with the same link.
      if ((await this.deps.tasks.byId(task._id))?.status === 'open')
        await this.deps.links.giveBack(link._id, task._id);
      throw error;
    }
    return { taskId: task._id };
  }
}
