import { hostname } from 'node:os';

import { MIN_KEY_LENGTH } from './audit/digest-keys.js';
import { HOT_ENGINE_DEFAULTS } from './engine/runtime/hot-engines.js';
import { DEFAULT_JOB_WORKERS } from './engine/jobs/job-runner.js';
import { DIAGRAM_CHECKER_DEFAULTS } from './engine/definitions/validate-diagram.js';

/**
 * Every setting preplan reads, with its environment variable, default and meaning. Read once
 * at start-up; a bad value stops the process with a message naming the variable.
 */
export interface Config {
  /** A real MongoDB (replica set in production). Unset: preplan starts its embedded server. */
  mongodbUri: string | undefined;
  /** Where the embedded server keeps its journal. */
  dataDir: string;
  /** Port of the embedded MongoDB-compatible server (loopback only). */
  embeddedMongoPort: number;
  /** Database name inside MongoDB. */
  database: string;
  /** Diagrams deployed at start-up. */
  processesDir: string;
  /** One JSON Schema per form key. */
  formsDir: string;
  /** The plan's parameters: deadlines, reminders, sweep schedule, who leads each grade. */
  planFile: string;
  /** Outside channels (SMTP, WeCom/DingTalk robots, county, publication); unset: none. */
  channelsFile: string | undefined;
  /** Whether this node fires timers and runs service jobs (off for API-only nodes). */
  scheduler: boolean;
  /** How often the scheduler looks for due jobs, in ms. */
  schedulerPollMs: number;
  /**
   * How long a job claimed by this node stays its own, in ms: a node that dies holding a job
   * leaves it to the others this long after its last claim or renewal.
   */
  jobLeaseMs: number;
  /** Engines this node keeps running between a command and the job that continues it (0: none). */
  hotEngines: number;
  /** Jobs this node's scheduler runs at a time. */
  jobWorkers: number;
  /** Longest a diagram's check (parse and lint) may take before it is refused, in ms. */
  diagramCheckMs: number;
  /** Heap the diagram checker thread may use, in MB. */
  diagramCheckMb: number;
  /** This node's name in job leases and logs (several nodes share one database). */
  nodeName: string;
  logLevel: string;
  /** Where the API and UI listen. */
  httpPort: number;
  httpHost: string;
  /** Session cookies only over HTTPS (on behind a TLS proxy). */
  secureCookies: boolean;
  /** Trust X-Forwarded-* from a proxy in front (client address for rate limits, https). */
  trustProxy: boolean;
  /** Failed sign-ins allowed per user and address per 15 minutes. */
  loginAttempts: number;
  /** The secret that signs the daily digest of chain heads; unset (and no file): digests are off. */
  digestKey: string | undefined;
  /** A file holding the digest key (first line), and earlier keys on later lines. */
  digestKeyFile: string | undefined;
}

interface Setting<K extends keyof Config> {
  key: K;
  env: string;
  doc: string;
  parse: (raw: string | undefined) => Config[K];
}

function port(env: string, fallback: number) {
  return (raw: string | undefined): number => {
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65535)
      throw new Error(`${env} must be a port number 0..65535, not "${raw}"`);
    return value;
  };
}

export const settings = [
  {
    key: 'mongodbUri',
    env: 'MONGODB_URI',
    doc: 'MongoDB connection string; unset starts the embedded server',
    parse: (raw: string | undefined) => {
      if (raw === undefined || raw === '') return undefined;
      if (!/^mongodb(\+srv)?:\/\//.test(raw))
        throw new Error(`MONGODB_URI must start with mongodb://, not "${raw}"`);
      return raw;
    },
  } satisfies Setting<'mongodbUri'>,
  {
    key: 'dataDir',
    env: 'PREPLAN_DATA_DIR',
    doc: 'directory of the embedded server journal (default ./data)',
    parse: (raw: string | undefined) => (raw === undefined || raw === '' ? './data' : raw),
  } satisfies Setting<'dataDir'>,
  {
    key: 'embeddedMongoPort',
    env: 'PREPLAN_MONGO_PORT',
    doc: 'port of the embedded MongoDB-compatible server (default 27017)',
    parse: port('PREPLAN_MONGO_PORT', 27017),
  } satisfies Setting<'embeddedMongoPort'>,
] as const;

function text(fallback: string) {
  return (raw: string | undefined): string => (raw === undefined || raw === '' ? fallback : raw);
}

function flag(env: string, fallback: boolean) {
  return (raw: string | undefined): boolean => {
    if (raw === undefined || raw === '') return fallback;
    if (/^(1|true|on|yes)$/i.test(raw)) return true;
    if (/^(0|false|off|no)$/i.test(raw)) return false;
    throw new Error(`${env} must be on or off, not "${raw}"`);
  };
}

function wholeNumber(env: string, fallback: number) {
  return (raw: string | undefined): number => {
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`${env} must be a whole number (0 or more), not "${raw}"`);
    return value;
  };
}

function positiveInt(env: string, fallback: number) {
  return (raw: string | undefined): number => {
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`${env} must be a positive whole number, not "${raw}"`);
    return value;
  };
}

export const moreSettings = [
  {
    key: 'database',
    env: 'PREPLAN_DB',
    doc: 'database name (default preplan)',
    parse: text('preplan'),
  } satisfies Setting<'database'>,
  {
    key: 'processesDir',
    env: 'PREPLAN_PROCESSES_DIR',
    doc: 'diagrams deployed at start-up (default ./processes)',
    parse: text('./processes'),
  } satisfies Setting<'processesDir'>,
  {
    key: 'formsDir',
    env: 'PREPLAN_FORMS_DIR',
    doc: 'form schemas, one per form key (default ./forms)',
    parse: text('./forms'),
  } satisfies Setting<'formsDir'>,
  {
    key: 'planFile',
    env: 'PREPLAN_PLAN_FILE',
    doc: "the plan's parameters (default ./config/plan.json)",
    parse: text('./config/plan.json'),
  } satisfies Setting<'planFile'>,
  {
    key: 'channelsFile',
    env: 'PREPLAN_CHANNELS_FILE',
    doc: 'outside channels, see config/channels.example.json (default: none, nothing is sent outside)',
    parse: (raw: string | undefined) => (raw === undefined || raw === '' ? undefined : raw),
  } satisfies Setting<'channelsFile'>,
  {
    key: 'scheduler',
    env: 'PREPLAN_SCHEDULER',
    doc: 'on: this node fires timers and runs service jobs (default on)',
    parse: flag('PREPLAN_SCHEDULER', true),
  } satisfies Setting<'scheduler'>,
  {
    key: 'schedulerPollMs',
    env: 'PREPLAN_SCHEDULER_POLL_MS',
    doc: 'how often the scheduler looks for due jobs (default 1000 ms)',
    parse: positiveInt('PREPLAN_SCHEDULER_POLL_MS', 1000),
  } satisfies Setting<'schedulerPollMs'>,
  {
    key: 'jobLeaseMs',
    env: 'PREPLAN_JOB_LEASE_MS',
    doc: "how long a claimed job stays this node's before another node may take it over (default 60000 ms)",
    parse: positiveInt('PREPLAN_JOB_LEASE_MS', 60_000),
  } satisfies Setting<'jobLeaseMs'>,
  {
    key: 'hotEngines',
    env: 'PREPLAN_HOT_ENGINES',
    doc: 'engines kept running from a command to the service job that continues it, about 0.6 MB each (default 64; 0: none)',
    parse: wholeNumber('PREPLAN_HOT_ENGINES', HOT_ENGINE_DEFAULTS.max),
  } satisfies Setting<'hotEngines'>,
  {
    key: 'jobWorkers',
    env: 'PREPLAN_JOB_WORKERS',
    doc: "jobs this node's scheduler runs at a time: services wait on mail and HTTP peers (default 4)",
    parse: positiveInt('PREPLAN_JOB_WORKERS', DEFAULT_JOB_WORKERS),
  } satisfies Setting<'jobWorkers'>,
  {
    key: 'diagramCheckMs',
    env: 'PREPLAN_DIAGRAM_CHECK_MS',
    doc: 'longest the check of an uploaded diagram may take before it is refused (default 15000 ms)',
    parse: positiveInt('PREPLAN_DIAGRAM_CHECK_MS', DIAGRAM_CHECKER_DEFAULTS.timeMs),
  } satisfies Setting<'diagramCheckMs'>,
  {
    key: 'diagramCheckMb',
    env: 'PREPLAN_DIAGRAM_CHECK_MB',
    doc: 'heap the diagram checker thread may use; a diagram that needs more is refused (default 256 MB)',
    parse: positiveInt('PREPLAN_DIAGRAM_CHECK_MB', DIAGRAM_CHECKER_DEFAULTS.memoryMb),
  } satisfies Setting<'diagramCheckMb'>,
  {
    key: 'nodeName',
    env: 'PREPLAN_NODE_NAME',
    doc: "this node's name in job leases and logs (default the host name)",
    parse: text(hostname()),
  } satisfies Setting<'nodeName'>,
  {
    key: 'httpPort',
    env: 'PREPLAN_PORT',
    doc: 'port of the API and web UI (default 3000)',
    parse: port('PREPLAN_PORT', 3000),
  } satisfies Setting<'httpPort'>,
  {
    key: 'httpHost',
    env: 'PREPLAN_HOST',
    doc: 'address to listen on (default 127.0.0.1; 0.0.0.0 to serve the network, behind TLS)',
    parse: text('127.0.0.1'),
  } satisfies Setting<'httpHost'>,
  {
    key: 'secureCookies',
    env: 'PREPLAN_SECURE_COOKIES',
    doc: 'on: session cookies only over HTTPS (default off; turn on behind TLS)',
    parse: flag('PREPLAN_SECURE_COOKIES', false),
  } satisfies Setting<'secureCookies'>,
  {
    key: 'trustProxy',
    env: 'PREPLAN_TRUST_PROXY',
    doc: 'on: trust X-Forwarded-For/-Proto from the proxy in front (default off)',
    parse: flag('PREPLAN_TRUST_PROXY', false),
  } satisfies Setting<'trustProxy'>,
  {
    key: 'loginAttempts',
    env: 'PREPLAN_LOGIN_ATTEMPTS',
    doc: 'failed sign-ins allowed per user and address per 15 minutes (default 10)',
    parse: positiveInt('PREPLAN_LOGIN_ATTEMPTS', 10),
  } satisfies Setting<'loginAttempts'>,
  {
    key: 'digestKey',
    env: 'PREPLAN_DIGEST_KEY',
    doc: 'secret (32+ characters) that signs the daily digest of chain heads; unset: digests are off. Keep it off the database host',
    parse: (raw: string | undefined) => {
      if (raw === undefined || raw === '') return undefined;
      // The message must not repeat the key: start-up errors end up in logs.
      if (raw.length < MIN_KEY_LENGTH)
        throw new Error(`PREPLAN_DIGEST_KEY must be at least ${MIN_KEY_LENGTH} characters long`);
      return raw;
    },
  } satisfies Setting<'digestKey'>,
  {
    key: 'digestKeyFile',
    env: 'PREPLAN_DIGEST_KEY_FILE',
    doc: 'instead of PREPLAN_DIGEST_KEY: a file with the key on its first line and earlier keys (still verified) on later lines',
    parse: (raw: string | undefined) => (raw === undefined || raw === '' ? undefined : raw),
  } satisfies Setting<'digestKeyFile'>,
  {
    key: 'logLevel',
    env: 'LOG_LEVEL',
    doc: 'pino log level (default info)',
    parse: text('info'),
  } satisfies Setting<'logLevel'>,
] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Partial<Record<keyof Config, unknown>> = {};
  for (const setting of [...settings, ...moreSettings]) config[setting.key] = setting.parse(env[setting.env]);
  return config as Config;
}
