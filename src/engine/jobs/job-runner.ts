import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { JobRecord, JobStore } from '../../store/job-store.js';
import type { InstanceRecord, InstanceStore } from '../../store/instance-store.js';
import type { ChildOutcome } from '../../store/outbox.js';
import type { ServiceRegistry } from '../../services/service-types.js';
import type { Runtime } from '../runtime/runtime.js';
import { nextStart, type StartTimerPayload } from './start-schedules.js';
import { FatalError, PreplanError, type FaultHook } from '../../errors.js';

/**
 * A node's own recurring task (a `system` job, named by its topic): does its work at `now` and
 * says when it is next due, or null when it is done for good.
 */
export type SystemJob = (now: Date) => Promise<Date | null>;

/**
 * Whether the command that ran a timer or service job closed the job's wait: that commit's
 * outbox (written before the command returned) finished the job already.
 */
function waitClosed(record: InstanceRecord, job: JobRecord): boolean {
  return record.waits[job.executionId] === undefined;
}

/** Jobs a node's scheduler runs at a time unless told otherwise (PREPLAN_JOB_WORKERS). */
export const DEFAULT_JOB_WORKERS = 4;

/** How long a system job this node does not run waits before any node takes it again. */
const FOREIGN_SYSTEM_JOB_DELAY_MS = 3_600_000;

export interface JobRunnerOptions {
  jobs: JobStore;
  instances: InstanceStore;
  runtime: Runtime;
  services: ServiceRegistry;
  clock: Clock;
  /** How long a claimed job is ours before another node may take it over. */
  leaseMs?: number;
  maxAttempts?: number;
  /** First retry delay; each further retry doubles it. */
  backoffMs?: number;
  /** A unique name for this node (leases are held in its name). */
  owner?: string;
  log?: (message: string) => void;
  /** Tests inject simulated crashes here; production leaves it unset. */
  faults?: FaultHook;
  /** The system jobs this node runs, by topic (the daily digest, when a key is set). */
  systemJobs?: Record<string, SystemJob>;
  /** Jobs the scheduler runs at a time (services wait on mail and HTTP peers); default 1. A node
   * runs DEFAULT_JOB_WORKERS. */
  workers?: number;
}

/**
 * A service that wants the diagram to take its error path (a boundary error event) throws
 * this; any other error is retried and, when retries run out, becomes an incident.
 */
export class ServiceBpmnError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceBpmnError';
  }
}

/**
 * Claims due jobs with a lease and runs them: fires timers, calls services, starts child
 * processes and reports their outcome back. Several nodes may run one each against the same
 * database; the lease makes each job run on one node at a time.
 */
export class JobRunner {
  readonly owner: string;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = true;
  /** One round of the scheduler (set by `start`). */
  private tick: (() => Promise<void>) | null = null;
  /** Due work was written while a round ran. */
  private woken = false;

  constructor(private readonly options: JobRunnerOptions) {
    this.owner = options.owner ?? `node-${randomUUID().slice(0, 8)}`;
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 60_000;
  }

  /**
   * Runs the jobs that are due now, up to `limit`, with `workers` of them at a time (one after
   * another by default); returns how many ran. Jobs of one instance may run side by side: their
   * commits are conditional, so the later one runs again on the new state.
   */
  async runDue(limit = 10_000, workers = 1): Promise<number> {
    // A worker takes a place before it claims, so the workers together never pass `limit`.
    let claimed = 0;
    let failure: { error: unknown } | undefined;
    const work = async (): Promise<void> => {
      while (claimed < limit && !failure) {
        claimed++;
        const job = await this.options.jobs.claimDue(this.owner, this.options.clock.now(), this.leaseMs);
        if (!job) {
          claimed--;
          return;
        }
        try {
          await this.run(job);
        } catch (error) {
          // A crash (FatalError) stops the other workers from claiming more.
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, workers) }, work));
    if (failure) throw failure.error;
    return claimed;
  }

  private async run(job: JobRecord): Promise<void> {
    const { jobs, runtime, clock } = this.options;
    this.options.faults?.('job.after-claim');
    try {
      switch (job.kind) {
        case 'timer':
          if (waitClosed(await runtime.fireTimer(job.instanceId, job.executionId), job)) return;
          break;
        case 'service': {
          const delivered = await this.runService(job);
          // Another node took the job over while the service ran: it finishes the job.
          if (delivered === 'lease-lost' || waitClosed(delivered, job)) return;
          break;
        }
        case 'call-start': {
          const payload = job.payload as {
            definitionKey: string;
            variables?: Record<string, unknown>;
            businessKey?: string;
          };
          await runtime.start(payload.definitionKey, {
            instanceId: `${job.instanceId}~${job.executionId}`,
            variables: payload.variables,
            // A child works on the same case as its parent.
            businessKey: payload.businessKey ?? undefined,
            actor: 'call-activity',
            parent: { instanceId: job.instanceId, activityId: job.activityId, executionId: job.executionId },
          });
          break;
        }
        case 'call-complete':
          await runtime.completeCall(job.instanceId, job.executionId, job.payload as unknown as ChildOutcome);
          break;
        case 'process-start':
          if (await this.startOnSchedule(job)) return;
          break;
        case 'system':
          if (await this.runSystemJob(job)) return;
          break;
      }
      await jobs.finish(job._id, 'done', clock.now());
    } catch (error) {
      if (error instanceof FatalError) throw error;
      // A system job belongs to no instance: whatever it throws is retried, never dropped.
      const instanceGone =
        job.kind !== 'system' &&
        error instanceof PreplanError &&
        (error.kind === 'conflict' || error.kind === 'not-found');
      if (instanceGone) {
        // The instance moved on or ended (a cancelled case, a timer already fired): nothing to do.
        await jobs.finish(job._id, 'cancelled', clock.now());
        return;
      }
      await this.failed(job, error);
    }
  }

  /**
   * A timer start event is due: start the process (one instance per occurrence, so a retry
   * after a crash does not start a second) and re-arm for the next occurrence.
   */
  private async startOnSchedule(job: JobRecord): Promise<boolean> {
    const { jobs, runtime, clock } = this.options;
    const payload = job.payload as unknown as StartTimerPayload;
    await runtime.start(payload.definitionKey, {
      instanceId: `${payload.definitionKey}@${job.dueAt.toISOString()}`,
      actor: 'schedule',
      fireStartTimer: payload.activityId,
    });
    // A stored payload gives null where no count was written (the driver stores undefined as
    // null): no count, not none left.
    const { remaining: left, ...rest } = payload;
    const remaining = left === undefined || left === null ? undefined : left - 1;
    const next = nextStart({ ...rest, remaining }, clock.now(), false);
    if (!next) return false;
    await jobs.rearm(
      job._id,
      this.owner,
      next,
      (remaining === undefined ? rest : { ...rest, remaining }) as Record<string, unknown>,
      clock.now(),
    );
    return true;
  }

  /**
   * Runs a system job and re-arms it for when it says; false when it is done for good. A node
   * that does not run this job (no digest key) puts it back for an hour, for a node that does.
   */
  private async runSystemJob(job: JobRecord): Promise<boolean> {
    const { jobs, clock } = this.options;
    const handler = this.options.systemJobs?.[job.topic ?? ''];
    const payload = job.payload ?? {};
    if (!handler) {
      this.options.log?.(
        `job ${job._id}: this node does not run system job "${job.topic}"; put back for an hour`,
      );
      await jobs.rearm(
        job._id,
        this.owner,
        new Date(clock.now().getTime() + FOREIGN_SYSTEM_JOB_DELAY_MS),
        payload,
        clock.now(),
      );
      return true;
    }
    const next = await handler(clock.now());
    if (!next) return false;
    await jobs.rearm(job._id, this.owner, next, payload, clock.now());
    return true;
  }

  /** Calls the job's service (once per result) and delivers the result, unless the lease was lost. */
  private async runService(job: JobRecord): Promise<InstanceRecord | 'lease-lost'> {
    const { jobs, runtime, clock, services, instances } = this.options;
    let result = job.result;
    if (!result) {
      const implementation = services[job.topic ?? ''];
      if (!implementation) throw new Error(`service "${job.topic}" is not registered on this node`);
      const instance = await instances.variablesOf(job.instanceId);
      if (!instance || instance.status !== 'running')
        throw new PreplanError('conflict', `instance ${job.instanceId} is not running`);
      // A slow service keeps its lease, so no other node starts the same call meanwhile.
      const heartbeat = setInterval(
        () =>
          void jobs
            .extendLease(job._id, this.owner, new Date(clock.now().getTime() + this.leaseMs))
            .catch(() => undefined),
        Math.max(250, Math.floor(this.leaseMs / 3)),
      );
      try {
        result =
          (await implementation({
            topic: job.topic!,
            instanceId: job.instanceId,
            activityId: job.activityId,
            idempotencyKey: job._id,
            attempt: job.attempts,
            variables: instance.variables,
            input: (job.payload as { input?: Record<string, unknown> } | undefined)?.input ?? {},
          })) ?? {};
      } catch (error) {
        if (error instanceof ServiceBpmnError)
          return runtime.deliverServiceResult(job.instanceId, job.executionId, {
            error: { message: error.message, code: error.code },
          });
        throw error;
      } finally {
        clearInterval(heartbeat);
      }
      this.options.faults?.('job.after-service');
      // Kept with the job: a crash from here on delivers this result instead of calling again.
      if (!(await jobs.recordResult(job._id, this.owner, result, clock.now()))) {
        this.options.log?.(`job ${job._id}: lease lost while its service ran; the new holder finishes it`);
        return 'lease-lost';
      }
      this.options.faults?.('job.after-result');
    }
    return runtime.deliverServiceResult(job.instanceId, job.executionId, { result });
  }

  private async failed(job: JobRecord, error: unknown): Promise<void> {
    const { jobs, runtime, clock } = this.options;
    const message = error instanceof Error ? error.message : String(error);
    const maxAttempts = this.options.maxAttempts ?? 5;
    const now = clock.now();
    if (job.attempts < maxAttempts) {
      const delay = (this.options.backoffMs ?? 1000) * 2 ** (job.attempts - 1);
      await jobs.fail(job._id, this.owner, message, new Date(now.getTime() + delay), now);
      return;
    }
    await jobs.fail(job._id, this.owner, message, null, now);
    this.options.log?.(`job ${job._id} failed ${job.attempts} times: ${message}`);
    await runtime
      .appendHistory(job.instanceId, [
        {
          at: now,
          type: 'incident.raised',
          activityId: job.activityId,
          executionId: job.executionId,
          data: { jobId: job._id, error: message, attempts: job.attempts },
        },
      ])
      .catch(() => undefined);
  }

  /** Whether a round of the scheduler is running right now. */
  get busy(): boolean {
    return this.running;
  }

  /** Whether this node's scheduler is polling (readiness). */
  get polling(): boolean {
    return !this.stopped;
  }

  /** Polls for due jobs until stopped (a node's scheduler), running up to `batch` per round. */
  start(intervalMs = 1000, batch = 100): void {
    this.stopped = false;
    this.tick = async (): Promise<void> => {
      if (this.stopped || this.running) return;
      this.running = true;
      this.woken = false;
      let ran = 0;
      try {
        ran = await this.runDue(batch, this.options.workers ?? 1);
      } catch (error) {
        this.options.log?.(`scheduler: ${(error as Error).message}`);
      } finally {
        this.running = false;
        // A full batch means more may be due already: go on at once instead of sleeping a poll
        // interval per batch (a thousand timers due together waited nine extra polls). So does
        // work this node wrote while the round ran.
        const again = ran >= batch || this.woken;
        if (!this.stopped) this.timer = setTimeout(() => void this.tick?.(), again ? 0 : intervalMs);
      }
    };
    this.timer = setTimeout(() => void this.tick?.(), 0);
  }

  /**
   * This node just wrote a job that is due now: run a round at once rather than at the next
   * poll (as Camunda's job executor takes a hint from the command that created a job).
   */
  wake(): void {
    if (this.stopped || !this.tick) return;
    if (this.running) {
      this.woken = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick?.(), 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
