import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { connectStore } from '../store/connection.js';
import { openStores, type Stores } from '../store/index.js';
import { DefinitionCache } from '../engine/runtime/definition-cache.js';
import { Runtime } from '../engine/runtime/runtime.js';
import { HOT_ENGINE_DEFAULTS } from '../engine/runtime/hot-engines.js';
import { DEFAULT_JOB_WORKERS, JobRunner } from '../engine/jobs/job-runner.js';
import { RepairSweep } from './repair-sweep.js';
import { deployDirectory } from '../engine/definitions/deploy-directory.js';
import { syncStartSchedules } from '../engine/jobs/start-schedules.js';
import { buildCatalog } from '../engine/definitions/deployment-catalog.js';
import { stopReportRenderer } from '../reports/render-case-report.js';
import { systemClock, type Clock } from '../engine/clock.js';
import type { ServiceRegistry } from '../services/service-types.js';
import { createServices } from '../services/index.js';
import { createCaseRecord } from '../services/case-record.js';
import { createOpenCases } from '../services/open-cases.js';
import { loadChannelsConfig, type ChannelsConfig } from '../services/channels/channel-config.js';
import { FormRegistry } from '../forms/form-registry.js';
import { loadPlanConfig, type PlanConfig } from '../plan/plan-config.js';
import { openCase, startMissingIntakes, type OpenCaseOptions } from '../cases/open-case.js';
import { CountyLinks } from '../cases/county-links.js';
import { UserDirectory } from '../cases/user-directory.js';
import { completeTask, type Actor } from '../tasks/complete-task.js';
import { roleNames } from '../roles.js';
import { deployDefinition, type DeployResult } from '../engine/definitions/deploy-definition.js';
import {
  limitDiagramChecker,
  stopDiagramValidator,
  validateDiagram,
} from '../engine/definitions/validate-diagram.js';
import type { ValidatedDiagram } from '../engine/definitions/validate-bpmn.js';
import type { DeploymentCatalog } from '../engine/definitions/lint-rules/rule-types.js';
import { loadDigestKeys, type DigestKeyring } from '../audit/digest-keys.js';
import { DIGEST_TOPIC, digestSystemJob, ensureDigestJob } from '../audit/digest-job.js';

export interface PreplanNodeOptions {
  mongodbUri: string;
  database: string;
  processesDir: string;
  formsDir: string;
  /** The plan's parameters (config/plan.json). */
  planFile: string;
  /** Outside channels (SMTP, robots, county, publication); unset: nothing outside is configured. */
  channelsFile?: string;
  /** Replace or add services (tests, or a site's own integrations). */
  services?: ServiceRegistry;
  scheduler: boolean;
  schedulerPollMs: number;
  /** How long a claimed job stays this node's (default 60 s); see JobRunner. */
  jobLeaseMs?: number;
  /** Engines kept running between a command and its service job (default 64; 0: none). */
  hotEngines?: number;
  /** Jobs the scheduler runs at a time (default 4). */
  jobWorkers?: number;
  /** Limits of the thread that checks uploaded diagrams (default 15 s, 256 MB); process-wide. */
  diagramCheckMs?: number;
  diagramCheckMb?: number;
  /** This node's name in job leases (default `node`); each start adds a random suffix. */
  nodeName?: string;
  /** The daily digest's key (PREPLAN_DIGEST_KEY) or key file; neither: digests are off. */
  digestKey?: string;
  digestKeyFile?: string;
  log: Logger;
  clock?: Clock;
}

/** What a person or system does with preplan; the API and CLI call these. */
export interface PlanDomain {
  openCase(report: unknown, options: OpenCaseOptions): ReturnType<typeof openCase>;
  completeTask(
    taskId: string,
    actor: Actor,
    data: unknown,
    context?: { requestId?: string },
  ): ReturnType<typeof completeTask>;
  countyLinks: CountyLinks;
  /** Deploys a diagram with the same checks as start-up, and schedules its timer start events. */
  deploy(xml: string, deployedBy: string): Promise<DeployResult>;
  /** The deploy checks without deploying (the designer's live lint). */
  lint(xml: string): Promise<ValidatedDiagram>;
  /** What deploy checks a diagram against: services, forms, roles and deployed process keys. */
  catalog(): Promise<DeploymentCatalog>;
}

export interface PreplanNode {
  connection: Connection;
  clock: Clock;
  /** Whether this node runs the scheduler (off for API-only nodes). */
  schedulerEnabled: boolean;
  stores: Stores;
  runtime: Runtime;
  runner: JobRunner;
  forms: FormRegistry;
  plan: PlanConfig;
  channels: ChannelsConfig;
  /** The keys that sign and check the daily digest; null when digests are off. */
  digestKeys: DigestKeyring | null;
  domain: PlanDomain;
  deployed: Array<{ key: string; version: number; created: boolean }>;
  stop(): Promise<void>;
}

/**
 * One preplan node: reads the plan and channel settings, connects to the store, deploys
 * processes/, writes out whatever a crash left half-done, and (unless told not to) starts the
 * scheduler. Several nodes may share one database.
 */
export async function startPreplanNode(options: PreplanNodeOptions): Promise<PreplanNode> {
  const clock = options.clock ?? systemClock;
  // Settings first: a wrong file stops start-up before anything is touched.
  const plan = loadPlanConfig(options.planFile, roleNames);
  const channels = loadChannelsConfig(options.channelsFile);
  const forms = new FormRegistry(options.formsDir);
  const digestKeys = loadDigestKeys(options);
  limitDiagramChecker({ timeMs: options.diagramCheckMs, memoryMb: options.diagramCheckMb });
  const connection = await connectStore(options.mongodbUri, options.database);
  try {
    return await prepare(connection, options, { clock, plan, channels, forms, digestKeys });
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
  settings: {
    clock: Clock;
    plan: PlanConfig;
    channels: ChannelsConfig;
    forms: FormRegistry;
    digestKeys: DigestKeyring | null;
  },
): Promise<PreplanNode> {
  const { clock, plan, channels, forms, digestKeys } = settings;
  const log = options.log;
  const stores = await openStores(connection);
  const globals = { plan };
  const runtime = new Runtime({
    ...stores,
    definitions: new DefinitionCache(stores.definitions),
    clock,
    globals,
    timeZone: plan.timeZone,
    hotEngines: { ...HOT_ENGINE_DEFAULTS, max: options.hotEngines ?? HOT_ENGINE_DEFAULTS.max },
  });
  const countyLinks = new CountyLinks({
    links: stores.links,
    tasks: stores.tasks,
    runtime,
    forms,
    clock,
    secret: await stores.secrets.get('county-link'),
    baseUrl: channels.publicBaseUrl,
    validHours: plan.countyLinkHours,
  });
  const caseDeps = { cases: stores.cases, runtime, forms, plan, clock };
  let serviceNames: string[] = [];
  const catalog = async (): Promise<DeploymentCatalog> =>
    buildCatalog({
      services: serviceNames,
      formsDir: options.formsDir,
      roles: roleNames,
      processKeys: await stores.definitions.keys(),
    });
  const domain: PlanDomain = {
    openCase: (report, openOptions) => openCase(caseDeps, report, openOptions),
    completeTask: (taskId, actor, data, context) =>
      completeTask({ tasks: stores.tasks, runtime, forms }, taskId, actor, data, context),
    countyLinks,
    catalog,
    async deploy(xml, deployedBy) {
      const result = await deployDefinition(stores.definitions, xml, {
        catalog: await catalog(),
        deployedBy,
      });
      await syncStartSchedules(stores.definitions, stores.jobs, [result.definition.key], clock, {
        globals,
        timeZone: plan.timeZone,
      });
      return result;
    },
    async lint(xml) {
      return validateDiagram(xml, await catalog());
    },
  };
  const services: ServiceRegistry = {
    ...createServices({
      channels,
      directory: new UserDirectory(stores.users),
      cases: stores.cases,
      links: countyLinks,
      deliveries: stores.deliveries,
      clock,
      log: (message) => log.warn(message),
    }),
    'case-record': createCaseRecord({ cases: stores.cases, plan, clock }),
    'open-cases': createOpenCases((report, openOptions) => domain.openCase(report, openOptions)),
    ...options.services,
  };

  serviceNames = Object.keys(services);
  const results = await deployDirectory(stores.definitions, options.processesDir, await catalog());
  const deployed = results.map((r) => ({
    key: r.definition.key,
    version: r.definition.version,
    created: r.created,
  }));
  for (const d of deployed) log.info(d, d.created ? 'deployed a new version' : 'definition unchanged');
  await syncStartSchedules(stores.definitions, stores.jobs, await stores.definitions.keys(), clock, {
    globals,
    timeZone: plan.timeZone,
  });
  const repaired = await runtime.repair();
  if (repaired) log.warn({ repaired }, 'wrote out instance changes an earlier crash left pending');
  const intakes = await startMissingIntakes(caseDeps);
  if (intakes) log.warn({ intakes }, 'started the intake of cases an earlier crash left without one');
  const leaseMs = options.jobLeaseMs ?? 60_000;
  const runner = new JobRunner({
    jobs: stores.jobs,
    instances: stores.instances,
    runtime,
    services,
    clock,
    leaseMs,
    // A new name on every start: a restarted node must not pass for the one that held a lease.
    owner: `${options.nodeName ?? 'node'}/${randomUUID().slice(0, 8)}`,
    log: (message) => log.warn(message),
    workers: options.jobWorkers ?? DEFAULT_JOB_WORKERS,
    systemJobs: digestKeys
      ? {
          [DIGEST_TOPIC]: digestSystemJob(stores, digestKeys, (sealed) =>
            log.info({ sealed }, 'sealed the daily digest'),
          ),
        }
      : {},
  });
  // The digest job is one for all nodes; a node without the key leaves it to those with one.
  if (digestKeys) await ensureDigestJob(stores.jobs, clock);
  log.info(
    digestKeys ? { digestKeyId: digestKeys.signing.id } : {},
    digestKeys ? 'daily digests on' : 'daily digests off (PREPLAN_DIGEST_KEY is not set)',
  );
  // Leftovers of a node that died and never came back, once they are older than a lease.
  const sweep = new RepairSweep({
    clock,
    graceMs: leaseMs,
    repairInstances: (olderThan) => runtime.repair({ olderThan }),
    startMissingIntakes: (olderThan) => startMissingIntakes(caseDeps, olderThan),
    log: (fields, message) => log.warn(fields, message),
  });
  if (options.scheduler) {
    runner.start(options.schedulerPollMs);
    runtime.onJobDue(() => runner.wake());
    sweep.start(Math.max(leaseMs, 1000));
  }
  return {
    connection,
    clock,
    schedulerEnabled: options.scheduler,
    stores,
    runtime,
    runner,
    forms,
    plan,
    channels,
    digestKeys,
    domain,
    deployed,
    async stop() {
      await sweep.stop();
      await runner.stop();
      runtime.close();
      await stopDiagramValidator();
      await stopReportRenderer();
      await connection.close();
    },
  };
}
