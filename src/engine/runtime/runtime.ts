import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { PreplanError, type FaultHook } from '../../errors.js';
import {
  asStored,
  type InstanceChanges,
  type InstanceRecord,
  type InstanceStore,
  type ParentLink,
} from '../../store/instance-store.js';
import type { HistoryStore } from '../../store/history-store.js';
import type { TaskStore } from '../../store/task-store.js';
import type { JobStore } from '../../store/job-store.js';
import type { ChildOutcome, OutboxEntry } from '../../store/outbox.js';
import type { DefinitionCache } from './definition-cache.js';
import { EngineStep, type Delivery } from './engine-step.js';
import { chainEvents, GENESIS_HASH, type HistoryDraft } from './history-chain.js';
import { carry, closeWaits, finishOutbox, prepare, type Applied } from './commit-plan.js';
import { HotEngines, type HotEngine, type HotEngineOptions } from './hot-engines.js';

export { jobId } from './commit-plan.js';

export interface RuntimeDeps {
  instances: InstanceStore;
  history: HistoryStore;
  tasks: TaskStore;
  jobs: JobStore;
  definitions: DefinitionCache;
  clock: Clock;
  /**
   * Variables every new instance starts with, under what the caller gives (the plan's
   * parameters as `plan`): an instance keeps the parameters it started with.
   */
  globals?: Record<string, unknown>;
  /** Engine-side time zone of cron timer cycles. */
  timeZone?: string;
  /** Tests inject simulated crashes here; production leaves it unset. */
  faults?: FaultHook;
  /** Engines kept running between commands (PREPLAN_HOT_ENGINES); the default keeps 64. */
  hotEngines?: HotEngineOptions;
}

export interface StartOptions {
  variables?: Record<string, unknown>;
  businessKey?: string;
  actor: string;
  /** A fixed id makes the start idempotent (call activities use parent + execution). */
  instanceId?: string;
  parent?: ParentLink;
  /** A timer start event's schedule is due: fire that start event's timer at once. */
  fireStartTimer?: string;
  /** The API request behind the start, kept in its history event. */
  requestId?: string;
}

/** Where a command came from, for the history. */
export interface CommandContext {
  requestId?: string;
}

const MAX_ATTEMPTS = 8;

/**
 * Whether a node's job runner will take the instance's next step in a moment: it waits on a
 * service job, not on a person, a timer or a child process (whose engine would sit for hours).
 */
function continuesAtOnce(record: InstanceRecord): boolean {
  return record.status === 'running' && Object.values(record.waits).some((wait) => wait.kind === 'service');
}

/** Whether a timer the instance waits on is due by now (or its due time is not known). */
function hasOverdueTimer(record: InstanceRecord, now: Date): boolean {
  return Object.values(record.waits).some(
    (wait) => wait.kind === 'timer' && !(wait.dueAt && new Date(wait.dueAt).getTime() > now.getTime()),
  );
}

/**
 * The durable runtime. Every command loads the instance, runs an EngineStep, and commits the
 * outcome as one conditional write of the instance document carrying an outbox; the outbox
 * is then written to history, tasks and jobs idempotently. Losing a race re-runs the command
 * from a fresh load; a crash after the commit is repaired by the next touch or at start-up.
 * An engine whose next step is a service job may stay running on this node for that job (see
 * HotEngines); it stands in for the load and the rebuild, never for the conditional write.
 */
export class Runtime {
  private readonly hot: HotEngines;
  private readonly jobDueListeners = new Set<() => void>();

  constructor(private readonly deps: RuntimeDeps) {
    this.hot = new HotEngines(deps.hotEngines);
  }

  /** Stops the engines kept between commands (a node shutting down). */
  close(): void {
    this.hot.clear();
  }

  /**
   * Calls `listener` whenever a command on this node has written a job that is due at once (a
   * service call, a child's start or return), so the node's scheduler can run it now rather
   * than at its next poll. Returns the unsubscribe.
   */
  onJobDue(listener: () => void): () => void {
    this.jobDueListeners.add(listener);
    return () => this.jobDueListeners.delete(listener);
  }

  /**
   * Starts an instance: its first step runs before anything is written, and the instance is
   * inserted with that step's outcome in one write (a crash before it leaves nothing behind).
   */
  async start(key: string, options: StartOptions): Promise<InstanceRecord> {
    const definition = await this.deps.definitions.latest(key);
    const now = this.deps.clock.now();
    const id = options.instanceId ?? randomUUID();
    // As a read would give it back (null, not undefined, for what is unset), so the first step
    // and its history see the record every later step sees.
    const fresh = asStored<InstanceRecord>({
      _id: id,
      definitionId: definition.id,
      definitionKey: definition.key,
      definitionVersion: definition.version,
      businessKey: options.businessKey,
      status: 'running',
      revision: 0,
      engineState: null,
      variables: { ...(this.deps.globals ?? {}), ...(options.variables ?? {}) },
      waits: {},
      parent: options.parent,
      outbox: [],
      historySeq: 0,
      historyHead: GENESIS_HASH,
      createdAt: now,
      updatedAt: now,
    });
    const ran = await this.runStep(fresh, this.beginning(options), undefined, undefined);
    const { changes } = ran;
    const inserted = await this.deps.instances.create({
      ...fresh,
      ...changes,
      revision: 1,
      ...(changes.outbox.length > 0 ? { pendingOutbox: true } : {}),
    });
    if (inserted) return this.settle(fresh, ran);
    ran.step.discard();
    // The id was taken: an idempotent repeat. An instance stored unbegun (by an earlier version,
    // or a test) begins now; one that ran is returned as it is.
    const record = await this.load(id);
    return record.engineState === null ? this.begin(id, options) : record;
  }

  /** What the first step of an instance does: fire a due start timer, record the start. */
  private beginning(options: Pick<StartOptions, 'actor' | 'fireStartTimer' | 'requestId'>) {
    return (step: EngineStep, record: InstanceRecord): Applied => {
      if (options.fireStartTimer) step.fireTimersOf(options.fireStartTimer);
      return {
        applied: true,
        drafts: [
          {
            at: this.deps.clock.now(),
            type: 'instance.started',
            actor: options.actor,
            requestId: options.requestId,
            data: {
              definitionKey: record.definitionKey,
              definitionVersion: record.definitionVersion,
              businessKey: record.businessKey,
              variables: record.variables,
              parent: record.parent,
            },
          },
        ],
      };
    };
  }

  /** Runs the first step of an instance stored without one; a no-op once it has run. */
  private begin(
    id: string,
    options: Pick<StartOptions, 'actor' | 'fireStartTimer' | 'requestId'>,
  ): Promise<InstanceRecord> {
    return this.command(id, this.beginning(options), { begin: true });
  }

  async completeTask(
    taskId: string,
    actor: string,
    data: Record<string, unknown>,
    context: CommandContext = {},
  ): Promise<InstanceRecord> {
    const task = await this.deps.tasks.byId(taskId);
    if (!task) throw new PreplanError('not-found', `task ${taskId} does not exist`);
    if (task.status !== 'open')
      throw new PreplanError('conflict', `task ${taskId} is already ${task.status}`);
    return this.command(
      task.instanceId,
      (step) => {
        const applied = step.completeTask(task.executionId, data, actor);
        return {
          applied,
          drafts: applied
            ? [
                {
                  at: this.deps.clock.now(),
                  type: 'task.completed',
                  actor,
                  requestId: context.requestId,
                  activityId: task.activityId,
                  executionId: task.executionId,
                  data,
                },
              ]
            : [],
          closing: new Map([[task.executionId, { actor, data }]]),
        };
      },
      { refusal: `task ${taskId} is no longer open` },
    );
  }

  fireTimer(instanceId: string, executionId: string, actor = 'scheduler'): Promise<InstanceRecord> {
    return this.command(instanceId, (step, record) => {
      // An overdue timer already fired while the engine resumed: that is this job done.
      if (!record.waits[executionId]) return { applied: true, drafts: [] };
      // Recorded even when the engine fired the overdue timer itself while resuming: this
      // command is when it fired, and a replay needs the moment.
      const fired = step.fireTimer(executionId);
      return {
        applied: true,
        drafts: [
          { at: this.deps.clock.now(), type: 'timer.fired', actor, executionId, data: { onResume: !fired } },
        ],
      };
    });
  }

  deliverServiceResult(instanceId: string, executionId: string, delivery: Delivery, actor = 'job-worker') {
    return this.command(
      instanceId,
      (step, record) => {
        if (!record.waits[executionId]) return { applied: true, drafts: [] };
        return {
          applied: !step.isParked(executionId),
          drafts: [
            {
              at: this.deps.clock.now(),
              type: delivery.error ? 'job.failed' : 'job.succeeded',
              actor,
              executionId,
              data: delivery.error ? { error: delivery.error } : { result: delivery.result ?? {} },
            },
          ],
        };
      },
      { deliveries: new Map([[executionId, delivery]]) },
    );
  }

  /** A child process ended: its parent's call activity continues (or fails with its error). */
  async completeCall(parentId: string, executionId: string, outcome: ChildOutcome): Promise<InstanceRecord> {
    try {
      return await this.returnCall(parentId, executionId, outcome);
    } catch (error) {
      // The repeat of a return already applied, whose node died before marking its job done: the
      // parent may have ended since (the return was often its last step). Done, not refused.
      if (error instanceof PreplanError && error.kind === 'conflict') {
        const history = await this.deps.history.forInstance(parentId);
        if (history.some((event) => event.type === 'call.returned' && event.executionId === executionId))
          return this.load(parentId);
      }
      throw error;
    }
  }

  private returnCall(parentId: string, executionId: string, outcome: ChildOutcome): Promise<InstanceRecord> {
    return this.command(parentId, (step, record) => {
      if (!record.waits[executionId]) return { applied: true, drafts: [] };
      const error =
        outcome.status === 'completed'
          ? undefined
          : (outcome.error ?? {
              message: `child ${outcome.childId} was ${outcome.status}`,
              code: outcome.status,
            });
      const applied = step.completeCall(executionId, outcome.output, error);
      return {
        applied,
        drafts: [{ at: this.deps.clock.now(), type: 'call.returned', executionId, data: { ...outcome } }],
      };
    });
  }

  /** Delivers a message to the element of this instance that waits for it. */
  deliverMessage(instanceId: string, message: string, payload: Record<string, unknown>, actor: string) {
    return this.command(
      instanceId,
      (step) => {
        const applied = step.deliverMessage(message, payload);
        return {
          applied,
          drafts: applied
            ? [{ at: this.deps.clock.now(), type: 'message.delivered', actor, data: { message, payload } }]
            : [],
        };
      },
      { refusal: `nothing in instance ${instanceId} waits for message "${message}"` },
    );
  }

  /** Delivers a signal to the elements of one instance that wait for it. */
  deliverSignal(instanceId: string, signal: string, payload: Record<string, unknown>, actor: string) {
    return this.command(
      instanceId,
      (step) => {
        const received = step.deliverSignal(signal, payload);
        return {
          applied: received > 0,
          drafts: received
            ? [
                {
                  at: this.deps.clock.now(),
                  type: 'signal.delivered',
                  actor,
                  data: { signal, payload, received },
                },
              ]
            : [],
        };
      },
      { refusal: `nothing in instance ${instanceId} waits for signal "${signal}"` },
    );
  }

  /**
   * Throws a signal to every running instance waiting for it (a signal is a broadcast); returns
   * the instances that received it. One that moved on meanwhile is skipped.
   */
  async broadcastSignal(signal: string, payload: Record<string, unknown>, actor: string): Promise<string[]> {
    const received: string[] = [];
    for (const id of await this.deps.instances.awaitingEvent(`signal:${signal}`)) {
      try {
        await this.deliverSignal(id, signal, payload, actor);
        received.push(id);
      } catch (error) {
        if (!(error instanceof PreplanError && error.kind === 'conflict')) throw error;
      }
    }
    return received;
  }

  /** Appends events to an instance's history without running its engine (incidents, notes). */
  async appendHistory(instanceId: string, drafts: HistoryDraft[]): Promise<void> {
    this.hot.drop(instanceId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const record = await this.load(instanceId);
      const chained = chainEvents(instanceId, drafts, { seq: record.historySeq, hash: record.historyHead });
      const outbox: OutboxEntry[] = chained.events.map((event) => ({ kind: 'history', event }));
      const {
        _id,
        createdAt: _c,
        revision,
        definitionId: _d,
        definitionKey: _k,
        definitionVersion: _v,
        ...rest
      } = record;
      const ok = await this.deps.instances.commit(_id, revision, {
        ...rest,
        outbox,
        historySeq: chained.seq,
        historyHead: chained.hash,
        updatedAt: this.deps.clock.now(),
      });
      if (ok) {
        await this.materialise({ ...record, outbox, revision: revision + 1 });
        return;
      }
    }
    throw new PreplanError('conflict', `instance ${instanceId} is too busy to record history`);
  }

  async cancel(
    instanceId: string,
    actor: string,
    reason: string,
    context: CommandContext = {},
  ): Promise<InstanceRecord> {
    this.hot.drop(instanceId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const record = await this.load(instanceId);
      if (record.status !== 'running')
        throw new PreplanError('conflict', `instance ${instanceId} is ${record.status}`);
      const now = this.deps.clock.now();
      const drafts: HistoryDraft[] = [
        { at: now, type: 'instance.cancelled', actor, requestId: context.requestId, data: { reason } },
      ];
      const closed = Object.entries(record.waits).map(([executionId, wait]) => ({ executionId, ...wait }));
      const outbox = closeWaits(record, closed, new Map(), [], now);
      const next = finishOutbox(record, drafts, outbox, 'cancelled', {}, undefined, now);
      const changes: InstanceChanges = {
        ...carry(record),
        status: 'cancelled',
        waits: {},
        outbox: next.outbox,
        historySeq: next.seq,
        historyHead: next.hash,
        updatedAt: now,
        endedAt: now,
        outcome: 'cancelled',
      };
      const ok = await this.deps.instances.commit(record._id, record.revision, changes);
      if (ok) return this.afterCommit(record, changes);
    }
    throw new PreplanError('conflict', `instance ${instanceId} is too busy to cancel`);
  }

  /**
   * Writes out every outbox a crash left behind and runs instances created but never begun.
   * With `olderThan`, only what was left before that moment: a running node repairs what a dead
   * one left, not what a live one is writing right now (though a repeat would be harmless).
   */
  async repair(options: { olderThan?: Date } = {}): Promise<number> {
    let repaired = 0;
    for (;;) {
      const pending = await this.deps.instances.withPendingOutbox(100, options.olderThan);
      if (pending.length === 0) break;
      for (const record of pending) await this.materialise(record);
      repaired += pending.length;
    }
    for (const record of await this.deps.instances.neverBegun(1000, options.olderThan)) {
      await this.begin(record._id, { actor: 'repair' });
      repaired++;
    }
    return repaired;
  }

  private async load(id: string): Promise<InstanceRecord> {
    const record = await this.deps.instances.load(id);
    if (!record) throw new PreplanError('not-found', `instance ${id} does not exist`);
    return record;
  }

  private async command(
    id: string,
    apply: (step: EngineStep, record: InstanceRecord) => Applied,
    options: { deliveries?: Map<string, Delivery>; refusal?: string; begin?: boolean } = {},
  ): Promise<InstanceRecord> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // Only the first attempt trusts what this node holds; a lost race reads the store.
      const hot = attempt === 0 ? this.hot.take(id) : undefined;
      const record = hot?.record ?? (await this.load(id));
      if (record.outbox.length > 0) await this.materialise(record);
      if (options.begin && record.engineState !== null) {
        hot?.step.discard();
        return record;
      }
      if (record.status !== 'running') {
        hot?.step.discard();
        throw new PreplanError('conflict', `instance ${id} has ${record.status}`);
      }
      const ran = await this.runStep(record, apply, options.deliveries, hot);
      if (!(await this.deps.instances.commit(id, record.revision, ran.changes))) {
        ran.step.discard();
        continue;
      }
      return this.settle(record, ran, options.refusal);
    }
    throw new PreplanError('conflict', `instance ${id} is changing too fast; try again`);
  }

  /**
   * Runs a command's engine step on `record` (going on with the engine this node kept, when it
   * is current) and plans the next revision. The engine is left kept for `settle` to keep or stop.
   */
  private async runStep(
    record: InstanceRecord,
    apply: (step: EngineStep, record: InstanceRecord) => Applied,
    deliveries: Map<string, Delivery> | undefined,
    hot: HotEngine | undefined,
  ): Promise<{ step: EngineStep; applied: Applied; changes: InstanceChanges }> {
    let step: EngineStep;
    if (hot && !hasOverdueTimer(record, this.deps.clock.now()))
      step = hot.step.resume({ knownWaits: record.waits, deliveries });
    else {
      // A rebuilt engine fires overdue timers as it resumes, which a kept one would not.
      hot?.step.discard();
      step = await EngineStep.open({
        instanceId: record._id,
        definition: await this.deps.definitions.get(record.definitionId),
        engineState: record.engineState,
        startVariables: record.engineState ? undefined : record.variables,
        knownWaits: record.waits,
        deliveries,
        clock: this.deps.clock,
        timeZone: this.deps.timeZone,
      });
    }
    let applied: Applied;
    try {
      applied = apply(step, record);
    } catch (error) {
      step.discard();
      throw error;
    }
    const outcome = await step.finish({ keep: true });
    return { step, applied, changes: prepare(record, outcome, applied, this.deps.clock.now()).changes };
  }

  /** After the commit: writes the outbox, keeps the engine if a service job continues it, answers. */
  private async settle(
    record: InstanceRecord,
    ran: { step: EngineStep; applied: Applied; changes: InstanceChanges },
    refusal?: string,
  ): Promise<InstanceRecord> {
    let committed: InstanceRecord;
    try {
      committed = await this.afterCommit(record, ran.changes);
    } catch (error) {
      ran.step.discard();
      throw error;
    }
    if (continuesAtOnce(committed)) this.hot.keep(record._id, { record: committed, step: ran.step });
    else ran.step.discard();
    if (!ran.applied.applied) throw new PreplanError('conflict', refusal ?? 'the command no longer applies');
    return committed;
  }

  private async afterCommit(record: InstanceRecord, changes: InstanceChanges): Promise<InstanceRecord> {
    this.deps.faults?.('command.after-commit');
    const committed: InstanceRecord = { ...record, ...changes, revision: record.revision + 1 };
    await this.materialise(committed);
    return { ...committed, outbox: [] };
  }

  /** Writes an outbox out; every write is idempotent, so a repeat after a crash is harmless. */
  async materialise(record: InstanceRecord): Promise<void> {
    const history = record.outbox.flatMap((entry) => (entry.kind === 'history' ? [entry.event] : []));
    await this.deps.history.append(history);
    this.deps.faults?.('materialise.after-history');
    // Together, so writes to one collection share a round trip (in outbox order).
    await Promise.all(
      record.outbox.map((entry) => (entry.kind === 'history' ? undefined : this.write(entry))),
    );
    await this.deps.instances.clearOutbox(record._id, record.revision);
    const now = this.deps.clock.now().getTime();
    if (record.outbox.some((entry) => entry.kind === 'job-schedule' && entry.job.dueAt.getTime() <= now))
      for (const listener of this.jobDueListeners) listener();
  }

  private write(entry: Exclude<OutboxEntry, { kind: 'history' }>): Promise<void> {
    switch (entry.kind) {
      case 'task-open':
        return this.deps.tasks.open(entry.task);
      case 'task-close':
        return this.deps.tasks.close(entry.taskId, {
          status: entry.status,
          completedAt: entry.at,
          completedBy: entry.completedBy,
          data: entry.data,
        });
      case 'job-schedule':
        return this.deps.jobs.schedule(entry.job);
      case 'job-finish':
        return this.deps.jobs.finish(entry.jobId, entry.status, this.deps.clock.now());
    }
  }
}
