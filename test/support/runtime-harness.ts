import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { ManualClock } from '../../src/engine/clock.js';
import { openStores, type Stores } from '../../src/store/index.js';
import { DefinitionCache } from '../../src/engine/runtime/definition-cache.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import type { HotEngineOptions } from '../../src/engine/runtime/hot-engines.js';
import { JobRunner } from '../../src/engine/jobs/job-runner.js';
import { deployDefinition } from '../../src/engine/definitions/deploy-definition.js';
import type { DeploymentCatalog } from '../../src/engine/definitions/lint-rules/rule-types.js';
import type { ServiceCall, ServiceRegistry } from '../../src/services/service-types.js';
import { replayInstance, type ReplayResult } from '../../src/audit/replay.js';

export const RESOURCES = path.join(import.meta.dirname, '../resources');

export const testCatalog: DeploymentCatalog = {
  services: ['notify', 'publish', 'flaky'],
  formKeys: ['review', 'draft', 'approve'],
  roles: ['office', 'leader', 'monitor'],
  processKeys: [],
};

export interface Harness {
  clock: ManualClock;
  stores: Stores;
  runtime: Runtime;
  runner: JobRunner;
  /** Every service call made, in order. */
  calls: ServiceCall[];
  services: ServiceRegistry;
  deploy(file: string, catalog?: Partial<DeploymentCatalog>): Promise<void>;
  /** Runs due jobs until none are left due at the current (virtual) time. */
  drain(): Promise<number>;
  openTasks(instanceId: string): Promise<Array<{ _id: string; activityId: string }>>;
  /**
   * Leaves a finished instance out of the replay check (`useReplayCheck`), with the reason:
   * only for instances that cannot replay by design (a history corrupted on purpose).
   */
  excludeFromReplay(instanceId: string, reason: string): void;
}

/** The harnesses this test file made (a shared one lives across tests), and what each leaves out. */
const harnesses: Array<{ stores: Stores; excluded: Map<string, string> }> = [];

/** Instances that have run to their end (normally or at a terminate end): each can be replayed. */
const FINISHED = ['completed'] as const;

/**
 * Replays every finished instance of a harness's store through its own diagram version
 * (src/audit/replay.ts) and returns those whose replay does something else than the record.
 */
export async function replayFinished(
  stores: Stores,
  excluded: ReadonlyMap<string, string> = new Map(),
  replayed = new Set<string>(),
): Promise<ReplayResult[]> {
  const definitions = new DefinitionCache(stores.definitions);
  const diverged: ReplayResult[] = [];
  for (const status of FINISHED)
    for (const { _id } of await stores.instances.list({ status }, 100_000)) {
      if (excluded.has(_id) || replayed.has(_id)) continue;
      replayed.add(_id);
      const record = (await stores.instances.load(_id))!;
      const result = await replayInstance(
        _id,
        await definitions.get(record.definitionId),
        await stores.history.forInstance(_id),
        record.variables,
      );
      if (!result.ok) diverged.push(result);
    }
  return diverged;
}

/**
 * After each test, replays every instance the test's harnesses finished and fails the test if
 * any replay diverges from its record. Call at the top of a test file, like useTestDatabase.
 */
export function useReplayCheck(): void {
  afterEach(async () => {
    // Harnesses on one database (a second node in a test) share their instances: once is enough.
    const replayed = new Set<string>();
    const excludedHere = new Map(harnesses.flatMap(({ excluded }) => [...excluded]));
    const diverged: ReplayResult[] = [];
    for (const { stores } of harnesses)
      diverged.push(...(await replayFinished(stores, excludedHere, replayed)));
    if (diverged.length)
      throw new Error(
        `replaying finished instances diverged from their record:\n${JSON.stringify(diverged, null, 2)}`,
      );
  });
}

/** The durable runtime wired to the test database, on a manual clock, with recording services. */
export async function createHarness(
  connection: Connection,
  overrides: ServiceRegistry = {},
  options: { globals?: Record<string, unknown>; hotEngines?: HotEngineOptions } = {},
): Promise<Harness> {
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const stores = await openStores(connection);
  const definitions = new DefinitionCache(stores.definitions);
  const runtime = new Runtime({
    ...stores,
    definitions,
    clock,
    globals: options.globals,
    hotEngines: options.hotEngines,
  });
  const calls: ServiceCall[] = [];
  const record = async (call: ServiceCall) => {
    calls.push(call);
    return { [`${call.activityId}Sent`]: true };
  };
  const services: ServiceRegistry = { notify: record, publish: record, ...overrides };
  const runner = new JobRunner({
    jobs: stores.jobs,
    instances: stores.instances,
    runtime,
    services,
    clock,
    backoffMs: 1000,
  });
  const deployed: string[] = [];
  const excluded = new Map<string, string>();
  harnesses.push({ stores, excluded });
  return {
    clock,
    stores,
    runtime,
    runner,
    calls,
    services,
    async deploy(file, catalog = {}) {
      const xml = readFileSync(path.join(RESOURCES, file), 'utf8');
      const result = await deployDefinition(stores.definitions, xml, {
        catalog: { ...testCatalog, processKeys: deployed, ...catalog },
        deployedBy: 'test',
      });
      deployed.push(result.definition.key);
    },
    async drain() {
      let total = 0;
      for (let round = 0; round < 50; round++) {
        const ran = await runner.runDue();
        total += ran;
        if (ran === 0) break;
      }
      return total;
    },
    async openTasks(instanceId) {
      return (await stores.tasks.forInstance(instanceId)).filter((task) => task.status === 'open');
    },
    excludeFromReplay(instanceId, reason) {
      if (!reason.trim()) throw new Error('say why an instance is left out of the replay check');
      excluded.set(instanceId, reason);
    },
  };
}
