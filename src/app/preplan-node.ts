import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { connectStore } from '../store/connection.js';
import { openStores, type Stores } from '../store/index.js';
import { DefinitionCache } from '../engine/runtime/definition-cache.js';
import { Runtime } from '../engine/runtime/runtime.js';
import { JobRunner } from '../engine/jobs/job-runner.js';
import { deployDirectory } from '../engine/definitions/deploy-directory.js';
import { syncStartSchedules } from '../engine/jobs/start-schedules.js';
import { buildCatalog } from '../engine/definitions/deployment-catalog.js';
import { stopDiagramValidator } from '../engine/definitions/validate-diagram.js';
import { systemClock, type Clock } from '../engine/clock.js';
import type { ServiceRegistry } from '../services/service-types.js';
import { roleNames } from '../roles.js';

export interface PreplanNodeOptions {
  mongodbUri: string;
  database: string;
  processesDir: string;
  formsDir: string;
  services: ServiceRegistry;
  scheduler: boolean;
  schedulerPollMs: number;
  log: Logger;
  clock?: Clock;
}

export interface PreplanNode {
  connection: Connection;
  stores: Stores;
  runtime: Runtime;
  runner: JobRunner;
  deployed: Array<{ key: string; version: number; created: boolean }>;
  stop(): Promise<void>;
}

/**
 * One preplan node: connects to the store, deploys processes/, writes out whatever a crash
 * left half-done, and (unless told not to) starts the scheduler. Several nodes may share one
 * database.
 */
export async function startPreplanNode(options: PreplanNodeOptions): Promise<PreplanNode> {
  const clock = options.clock ?? systemClock;
  const connection = await connectStore(options.mongodbUri, options.database);
  try {
    return await prepare(connection, options, clock);
  } catch (error) {
    // A node that cannot start must not leave its connection (and the process) hanging.
    await stopDiagramValidator();
    await connection.close();
    throw error;
  }
}

async function prepare(
  connection: Connection,
  options: PreplanNodeOptions,
  clock: Clock,
): Promise<PreplanNode> {
  const stores = await openStores(connection);
  const catalog = await buildCatalog({
    services: Object.keys(options.services),
    formsDir: options.formsDir,
    roles: roleNames,
    processKeys: [],
  });
  const results = await deployDirectory(stores.definitions, options.processesDir, catalog);
  const deployed = results.map((r) => ({
    key: r.definition.key,
    version: r.definition.version,
    created: r.created,
  }));
  for (const d of deployed)
    options.log.info(d, d.created ? 'deployed a new version' : 'definition unchanged');
  await syncStartSchedules(stores.definitions, stores.jobs, await stores.definitions.keys(), clock);
  const runtime = new Runtime({ ...stores, definitions: new DefinitionCache(stores.definitions), clock });
  const repaired = await runtime.repair();
  if (repaired) options.log.warn({ repaired }, 'wrote out instance changes an earlier crash left pending');
  const runner = new JobRunner({
    jobs: stores.jobs,
    instances: stores.instances,
    runtime,
    services: options.services,
    clock,
    log: (message) => options.log.warn(message),
  });
  if (options.scheduler) runner.start(options.schedulerPollMs);
  return {
    connection,
    stores,
    runtime,
    runner,
    deployed,
    async stop() {
      await runner.stop();
      await stopDiagramValidator();
      await connection.close();
    },
  };
}
