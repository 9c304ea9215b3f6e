/** Figure 2 onwards of the engine bench: preplan nodes on the embedded server, and what they do per instance. */
import { performance } from 'node:perf_hooks';
import mongoose, { type Connection } from 'mongoose';
import type { ManualClock } from '../../src/engine/clock.js';
import { openStores, type Stores } from '../../src/store/index.js';
import { DefinitionCache } from '../../src/engine/runtime/definition-cache.js';
import type { Delivery } from '../../src/engine/runtime/engine-step.js';
import { Runtime, type RuntimeDeps } from '../../src/engine/runtime/runtime.js';
import { JobRunner } from '../../src/engine/jobs/job-runner.js';
import type { HotEngineOptions } from '../../src/engine/runtime/hot-engines.js';
import type { InstanceRecord } from '../../src/store/instance-store.js';
import type { ServiceRegistry } from '../../src/services/service-types.js';
import { FLOW_KEY } from './diagrams.js';

/** The database the engine bench's nodes use unless told otherwise. */
export const DB_NAME = 'engine_bench';

/**
 * The real Runtime, observed from outside: when a service result has been delivered (so a
 * concurrent worker knows its task is open) and when each timer fired (wall clock).
 */
export class ObservedRuntime extends Runtime {
  /** performance.now() at the end of each fireTimer, while recording. */
  timerFiredAt: number[] | null = null;
  private tracking = false;
  private readonly deliveredIds = new Set<string>();
  private readonly waiters = new Map<string, () => void>();

  constructor(deps: RuntimeDeps) {
    super(deps);
  }

  trackDeliveries(on: boolean): void {
    this.tracking = on;
    this.deliveredIds.clear();
  }

  /** Resolves once the service result of this instance has been delivered (by any worker). */
  delivered(instanceId: string, timeoutMs = 30_000): Promise<void> {
    if (this.deliveredIds.delete(instanceId)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(instanceId);
        reject(new Error(`no service result was delivered to ${instanceId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(instanceId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  override async deliverServiceResult(
    instanceId: string,
    executionId: string,
    delivery: Delivery,
    actor?: string,
  ): Promise<InstanceRecord> {
    const record = await super.deliverServiceResult(instanceId, executionId, delivery, actor);
    if (this.tracking) {
      const waiter = this.waiters.get(instanceId);
      this.waiters.delete(instanceId);
      if (waiter) waiter();
      else this.deliveredIds.add(instanceId);
    }
    return record;
  }

  override async fireTimer(instanceId: string, executionId: string, actor?: string): Promise<InstanceRecord> {
    const record = await super.fireTimer(instanceId, executionId, actor);
    this.timerFiredAt?.push(performance.now());
    return record;
  }
}

export interface Node {
  connection: Connection;
  stores: Stores;
  definitions: DefinitionCache;
  runtime: ObservedRuntime;
  runner: JobRunner;
}

const services: ServiceRegistry = { notify: async () => ({ notifySent: true }) };

/** A preplan node as a process would build one: its own connection, stores, cache, runtime, runner. */
export async function createNode(
  uri: string,
  clock: ManualClock,
  options: {
    monitorCommands?: boolean;
    dbName?: string;
    hotEngines?: HotEngineOptions;
    /** The scheduler's workers (JobRunner.start); runDue takes its own count. */
    workers?: number;
  } = {},
): Promise<Node> {
  const connection = await mongoose
    .createConnection(uri, {
      dbName: options.dbName ?? DB_NAME,
      autoIndex: true,
      serverSelectionTimeoutMS: 10_000,
      monitorCommands: options.monitorCommands ?? false,
    })
    .asPromise();
  const stores = await openStores(connection);
  const definitions = new DefinitionCache(stores.definitions);
  const runtime = new ObservedRuntime({ ...stores, definitions, clock, hotEngines: options.hotEngines });
  const runner = new JobRunner({
    jobs: stores.jobs,
    instances: stores.instances,
    runtime,
    services,
    clock,
    backoffMs: 1000,
    workers: options.workers,
  });
  return { connection, stores, definitions, runtime, runner };
}

/** One persisted instance, sequentially: start → runDue (the service job) → open task → complete. */
export async function persistedInstance(node: Node): Promise<void> {
  const instance = await node.runtime.start(FLOW_KEY, { actor: 'bench', variables: { grade: 1 } });
  const ran = await node.runner.runDue();
  if (ran !== 1) throw new Error(`runDue ran ${ran} jobs for ${instance._id}, not 1`);
  await completeOpenTask(node, instance._id);
}

/** The same with other instances in flight: this worker runs one due job (anyone's) and waits for its own. */
export async function concurrentInstance(node: Node): Promise<void> {
  const instance = await node.runtime.start(FLOW_KEY, { actor: 'bench', variables: { grade: 1 } });
  const delivered = node.runtime.delivered(instance._id);
  await node.runner.runDue(1);
  await delivered;
  await completeOpenTask(node, instance._id);
}

export async function completeOpenTask(node: Node, instanceId: string): Promise<void> {
  const open = (await node.stores.tasks.forInstance(instanceId)).filter((task) => task.status === 'open');
  if (open.length !== 1) throw new Error(`instance ${instanceId} has ${open.length} open tasks, not 1`);
  const done = await node.runtime.completeTask(open[0]._id, 'bench', { approved: true });
  if (done.status !== 'completed') throw new Error(`instance ${instanceId} is ${done.status} after its task`);
}

/** Database commands one persisted instance sends, counted on a monitored connection. */
export async function commandsPerInstance(uri: string, clock: ManualClock, instances = 20) {
  const node = await createNode(uri, clock, { monitorCommands: true });
  try {
    await persistedInstance(node); // caches the definition
    const counts = new Map<string, number>();
    node.connection
      .getClient()
      .on('commandStarted', (event: { commandName: string; command: Record<string, unknown> }) => {
        const collection = event.command[event.commandName];
        const key = `${event.commandName}${typeof collection === 'string' ? ` ${collection}` : ''}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      });
    for (let i = 0; i < instances; i++) await persistedInstance(node);
    const perInstance = [...counts.entries()]
      .map(([command, count]) => ({ command, perInstance: count / instances }))
      .sort((a, b) => b.perInstance - a.perInstance);
    const total = perInstance.reduce((sum, entry) => sum + entry.perInstance, 0);
    return { total, perInstance };
  } finally {
    await node.connection.close();
  }
}

/** The server's plan for claimDue's filter (the embedded server answers `explain` for find). */
export async function explainClaim(connection: Connection, now: Date) {
  const db = connection.db!;
  const jobs = await db.collection('jobs').estimatedDocumentCount();
  try {
    // The same filter as JobStore.claimDue.
    const filter = { runAt: { $lte: now } };
    const explained = await db.command({ explain: { find: 'jobs', filter, sort: { runAt: 1 }, limit: 1 } });
    const stage = (explained.queryPlanner as { winningPlan?: { stage?: string } } | undefined)?.winningPlan
      ?.stage;
    const examined = (explained.executionStats as { totalDocsExamined?: number } | undefined)
      ?.totalDocsExamined;
    return { jobs, stage, examined };
  } catch {
    return { jobs, stage: undefined, examined: undefined };
  }
}
