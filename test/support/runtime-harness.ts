import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { ManualClock } from '../../src/engine/clock.js';
import { openStores, type Stores } from '../../src/store/index.js';
import { DefinitionCache } from '../../src/engine/runtime/definition-cache.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import { JobRunner } from '../../src/engine/jobs/job-runner.js';
import { deployDefinition } from '../../src/engine/definitions/deploy-definition.js';
import type { DeploymentCatalog } from '../../src/engine/definitions/lint-rules/rule-types.js';
import type { ServiceCall, ServiceRegistry } from '../../src/services/service-types.js';

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
}

/** The durable runtime wired to the test database, on a manual clock, with recording services. */
export async function createHarness(
  connection: Connection,
  overrides: ServiceRegistry = {},
  options: { globals?: Record<string, unknown> } = {},
): Promise<Harness> {
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const stores = await openStores(connection);
  const definitions = new DefinitionCache(stores.definitions);
  const runtime = new Runtime({ ...stores, definitions, clock, globals: options.globals });
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
  };
}
