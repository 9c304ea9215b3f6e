/**
 * Engine benchmark: what keeping every instance in MongoDB costs compared with running
 * bpmn-engine in memory, how 10,000 waiting instances weigh on a node, how fast a restarted
 * node is ready, how fast overdue timers fire, and where the persisted path spends its CPU.
 *
 *   npm run bench:engine                       # everything, prints a table, writes bench/results/engine-latest.json
 *   npm run bench:engine -- --waiting 2000 --duration 2000
 *   npm run bench:engine -- --help
 *
 * The embedded MongoDB-wire server runs in a child process, in memory, as a real mongod would.
 * It reports; it never fails because a target is missed.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Engine } from 'bpmn-engine';
import mongoose, { type Connection } from 'mongoose';
import { startEmbeddedMongoProcess, stopProcess } from '../test/support/embedded-mongo-process.mjs';
import { ManualClock } from '../src/engine/clock.js';
import { openStores, type Stores } from '../src/store/index.js';
import { DefinitionCache, type LoadedDefinition } from '../src/engine/runtime/definition-cache.js';
import { EngineStep, type Delivery, type StepOutcome } from '../src/engine/runtime/engine-step.js';
import { Runtime, type RuntimeDeps } from '../src/engine/runtime/runtime.js';
import { JobRunner } from '../src/engine/jobs/job-runner.js';
import { deployDefinition } from '../src/engine/definitions/deploy-definition.js';
import { stopDiagramValidator } from '../src/engine/definitions/validate-diagram.js';
import type { InstanceRecord } from '../src/store/instance-store.js';
import type { ServiceRegistry } from '../src/services/service-types.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const DB_NAME = 'engine_bench';
const HOUR = 3_600_000;

const USAGE = `usage: npm run bench:engine -- [options]

  --duration MS          measured time of each throughput figure (default 3000)
  --warmup MS            unmeasured time before each throughput figure (default 1000)
  --concurrency N        instances in flight for the concurrent figure (default 8)
  --waiting N            waiting instances to create (default 10000)
  --start-concurrency N  concurrent starts while creating them (default 8)
  --timers N             overdue timers fired in one runDue batch (default 1000)
  --profile-ms MS        CPU profile of the persisted loop, in process (default 3000; 0 skips it)
  --out FILE             JSON results (default bench/results/engine-latest.json)
`;

// ---------------------------------------------------------------------------------------------
// The diagrams

/** start → service task (external, topic notify) → user task → end: figures 1 and 2. */
const FLOW_KEY = 'bench-flow';
const FLOW_XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
             id="bench-flow-defs" targetNamespace="http://preplan.local/bench">
  <process id="${FLOW_KEY}" name="基准：通知后审核" isExecutable="true">
    <startEvent id="start" name="开始"><outgoing>toNotify</outgoing></startEvent>
    <sequenceFlow id="toNotify" sourceRef="start" targetRef="notify" />
    <serviceTask id="notify" name="通知" camunda:type="external" camunda:topic="notify">
      <incoming>toNotify</incoming><outgoing>toReview</outgoing>
    </serviceTask>
    <sequenceFlow id="toReview" sourceRef="notify" targetRef="review" />
    <userTask id="review" name="审核" camunda:formKey="review" camunda:candidateGroups="office">
      <incoming>toReview</incoming><outgoing>toEnd</outgoing>
    </userTask>
    <sequenceFlow id="toEnd" sourceRef="review" targetRef="end" />
    <endEvent id="end" name="完成"><incoming>toEnd</incoming></endEvent>
  </process>
</definitions>
`;

/** start → user task with an interrupting boundary timer (PT1H) → end: figures 3 and 4. */
const WAIT_KEY = 'bench-wait';
const WAIT_XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
             id="bench-wait-defs" targetNamespace="http://preplan.local/bench">
  <process id="${WAIT_KEY}" name="基准：限时审核" isExecutable="true">
    <startEvent id="start" name="开始"><outgoing>toReview</outgoing></startEvent>
    <sequenceFlow id="toReview" sourceRef="start" targetRef="review" />
    <userTask id="review" name="审核" camunda:formKey="review" camunda:candidateGroups="office">
      <incoming>toReview</incoming><outgoing>toDone</outgoing>
    </userTask>
    <sequenceFlow id="toDone" sourceRef="review" targetRef="done" />
    <endEvent id="done" name="完成"><incoming>toDone</incoming></endEvent>
    <boundaryEvent id="deadline" name="超时" attachedToRef="review">
      <outgoing>toLate</outgoing>
      <timerEventDefinition id="deadlineTimer"><timeDuration>PT1H</timeDuration></timerEventDefinition>
    </boundaryEvent>
    <sequenceFlow id="toLate" sourceRef="deadline" targetRef="late" />
    <endEvent id="late" name="超时结束"><incoming>toLate</incoming></endEvent>
  </process>
</definitions>
`;

const CATALOG = { services: ['notify'], formKeys: ['review'], roles: ['office'], processKeys: [] };

// ---------------------------------------------------------------------------------------------
// Options

interface Settings {
  durationMs: number;
  warmupMs: number;
  concurrency: number;
  waiting: number;
  startConcurrency: number;
  timers: number;
  profileMs: number;
  out: string;
}

function readSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '3000' },
      warmup: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '8' },
      waiting: { type: 'string', default: '10000' },
      'start-concurrency': { type: 'string', default: '8' },
      timers: { type: 'string', default: '1000' },
      'profile-ms': { type: 'string', default: '3000' },
      out: { type: 'string', default: path.join(RESULTS_DIR, 'engine-latest.json') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const integer = (name: string, value: string, min: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be an integer ≥ ${min}, not ${value}\n\n${USAGE}`);
    return n;
  };
  const waiting = integer('waiting', values.waiting, 1);
  return {
    durationMs: integer('duration', values.duration, 100),
    warmupMs: integer('warmup', values.warmup, 0),
    concurrency: integer('concurrency', values.concurrency, 1),
    waiting,
    startConcurrency: integer('start-concurrency', values['start-concurrency'], 1),
    // one waiting instance is completed by the restarted node before the timers fire
    timers: Math.min(integer('timers', values.timers, 1), Math.max(1, waiting - 1)),
    profileMs: integer('profile-ms', values['profile-ms'], 0),
    out: path.resolve(values.out),
  };
}

// ---------------------------------------------------------------------------------------------
// CPU and memory accounting (Linux /proc; the figures are simply absent elsewhere)

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    const ticks = execFileSync('getconf', ['CLK_TCK'], { stdio: ['ignore', 'pipe', 'ignore'] });
    return Number(ticks.toString()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU in µs of a /proc stat file (a process, or one thread of ours); 10 ms resolution. */
function statCpuUs(file: string): number | undefined {
  try {
    const stat = readFileSync(file, 'utf8');
    // after "pid (comm) ": utime and stime are fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in MB, from /proc/<pid>/status. */
function processRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time the whole machine spent not idle (steal included), in µs. */
function machineBusyUs(): number | undefined {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return ((user + nice + system + irq + softirq + (steal || 0)) * 1e6) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

interface CpuMark {
  wallMs: number;
  clientAll: NodeJS.CpuUsage;
  clientMainUs?: number;
  serverUs?: number;
  machineUs?: number;
}

interface CpuSpent {
  wallMs: number;
  /** This process, every thread (the main thread, V8's GC helpers, tsx's loader). */
  clientAllUs: number;
  /** This process's main thread: the JavaScript. */
  clientMainUs?: number;
  /** The embedded server process, every thread. */
  serverUs?: number;
  /** CPU other processes used meanwhile, in % of one CPU: noise. */
  otherPercent?: number;
}

let serverPid: number | undefined;

function cpuMark(): CpuMark {
  return {
    wallMs: performance.now(),
    clientAll: process.cpuUsage(),
    clientMainUs: statCpuUs(`/proc/self/task/${process.pid}/stat`),
    serverUs: serverPid === undefined ? undefined : statCpuUs(`/proc/${serverPid}/stat`),
    machineUs: machineBusyUs(),
  };
}

function cpuSince(mark: CpuMark): CpuSpent {
  const now = cpuMark();
  const all = process.cpuUsage(mark.clientAll);
  const diff = (a?: number, b?: number): number | undefined =>
    a === undefined || b === undefined ? undefined : a - b;
  const wallMs = now.wallMs - mark.wallMs;
  const serverUs = diff(now.serverUs, mark.serverUs);
  const machineUs = diff(now.machineUs, mark.machineUs);
  const clientAllUs = all.user + all.system;
  return {
    wallMs,
    clientAllUs,
    clientMainUs: diff(now.clientMainUs, mark.clientMainUs),
    serverUs,
    otherPercent:
      machineUs === undefined || serverUs === undefined
        ? undefined
        : (100 * Math.max(0, machineUs - serverUs - clientAllUs)) / (wallMs * 1000),
  };
}

/** Figures during which other processes used more than a quarter of a CPU. */
const disturbed: string[] = [];

function checkNoise(label: string, cpu: CpuSpent): void {
  if ((cpu.otherPercent ?? 0) > 25) disturbed.push(`${label} (${cpu.otherPercent!.toFixed(0)}% of a CPU)`);
}

v8.setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function settledMemory(): { heapUsedMb: number; rssMb: number } {
  for (let i = 0; i < 3; i++) collectGarbage();
  const usage = process.memoryUsage();
  return { heapUsedMb: usage.heapUsed / 2 ** 20, rssMb: usage.rss / 2 ** 20 };
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Throughput {
  instances: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpu: CpuSpent;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

/** `workers` loops, each awaiting `once` back to back until `ms` have passed. */
async function runFor(
  once: () => Promise<void>,
  workers: number,
  ms: number,
  latencies: number[] | null,
): Promise<number> {
  const deadline = performance.now() + ms;
  let count = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const started = performance.now();
      await once();
      latencies?.push(performance.now() - started);
      count++;
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
  return count;
}

async function throughput(
  once: () => Promise<void>,
  workers: number,
  settings: Settings,
  label: string,
): Promise<Throughput> {
  if (settings.warmupMs > 0) await runFor(once, workers, settings.warmupMs, null);
  const latencies: number[] = [];
  const mark = cpuMark();
  const count = await runFor(once, workers, settings.durationMs, latencies);
  const cpu = cpuSince(mark);
  checkNoise(label, cpu);
  latencies.sort((a, b) => a - b);
  const result = {
    instances: count,
    seconds: cpu.wallMs / 1000,
    perSecond: count / (cpu.wallMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpu,
  };
  log(
    `${label}: ${result.perSecond.toFixed(1)} instances/s (${count} in ${result.seconds.toFixed(1)} s), ` +
      `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms; CPU per instance: ` +
      cpuPerInstance(cpu, count),
  );
  return result;
}

function cpuPerInstance(cpu: CpuSpent, count: number): string {
  const ms = (us: number | undefined): string => (us === undefined ? '—' : (us / count / 1000).toFixed(2));
  return (
    `bench main thread ${ms(cpu.clientMainUs)} ms, bench all threads ${ms(cpu.clientAllUs)} ms, ` +
    `server ${ms(cpu.serverUs)} ms; wall ${(cpu.wallMs / count).toFixed(2)} ms`
  );
}

const log = (message: string): void => {
  process.stdout.write(`[engine-bench] ${message}\n`);
};

// ---------------------------------------------------------------------------------------------
// 1. The raw engine, in memory

interface ServiceActivity {
  type: string;
  behaviour: Record<string, unknown> & { Service?: unknown };
  environment: { assignVariables(vars: Record<string, unknown>): void };
}

interface ServiceExecuteMessage {
  content: { executionId?: string };
}

/**
 * The raw engine runs the same diagram (camunda:type="external", topic notify): like preplan's
 * EngineStep, an extension replaces the service task's behaviour, but this one calls back at once.
 */
function instantServiceExtension(
  activity: ServiceActivity,
): { activate(): void; deactivate(): void } | undefined {
  if (activity.type !== 'bpmn:ServiceTask') return undefined;
  activity.behaviour.Service = function InstantService(this: { execute: unknown }) {
    this.execute = (
      _message: ServiceExecuteMessage,
      callback: (error: unknown, output?: unknown) => void,
    ) => {
      const output = { notifySent: true };
      activity.environment.assignVariables(output);
      callback(null, output);
    };
  };
  return { activate() {}, deactivate() {} };
}

interface WaitApi {
  type: string;
  signal(message?: unknown): void;
}

let rawCount = 0;

/** One raw instance: execute, the service calls back, the user task is signalled from `wait`. */
function rawInstance(definition: LoadedDefinition, signal = true): Promise<Engine> {
  return new Promise((resolve, reject) => {
    const listener = new EventEmitter();
    const engine = new Engine({
      name: `raw-${++rawCount}`,
      sourceContext: definition.sourceContext as never,
      extensions: { bench: instantServiceExtension as never },
    });
    listener.on('wait', (api: WaitApi) => {
      if (api.type !== 'bpmn:UserTask') return;
      if (signal) api.signal({ approved: true });
      else resolve(engine);
    });
    engine.once('end', () => resolve(engine));
    engine.once('error', reject);
    engine.execute({ listener, variables: { grade: 1 } } as never).catch(reject);
  });
}

/** Heap that one raw engine waiting at its user task holds: what an in-memory design keeps. */
async function rawEngineFootprintKb(definition: LoadedDefinition, count = 200): Promise<number> {
  const before = settledMemory().heapUsedMb;
  const engines: Engine[] = [];
  for (let i = 0; i < count; i++) engines.push(await rawInstance(definition, false));
  const after = settledMemory().heapUsedMb;
  for (const engine of engines) await engine.stop();
  engines.length = 0;
  return ((after - before) * 1024) / count;
}

// ---------------------------------------------------------------------------------------------
// 1b. preplan's EngineStep without the store: three engine lives, the state carried between them

const benchClock = new ManualClock('2026-03-01T00:00:00.000Z');

async function stepOnly(definition: LoadedDefinition, instanceId: string): Promise<void> {
  const waitsOf = (outcome: StepOutcome): Record<string, unknown> =>
    Object.fromEntries(outcome.waits.map((wait) => [wait.executionId, { kind: wait.kind }]));
  const common = { instanceId, definition, clock: benchClock };
  const first = await EngineStep.open({
    ...common,
    engineState: null,
    startVariables: { grade: 1 },
    knownWaits: {},
  });
  const started = await first.finish();
  const service = started.waits.find((wait) => wait.kind === 'service');
  if (!service) throw new Error('EngineStep: the service task did not park');
  const deliveries = new Map<string, Delivery>([[service.executionId, { result: { notifySent: true } }]]);
  const second = await EngineStep.open({
    ...common,
    engineState: started.engineState,
    knownWaits: waitsOf(started),
    deliveries,
  });
  const delivered = await second.finish();
  const task = delivered.waits.find((wait) => wait.kind === 'task');
  if (!task) throw new Error('EngineStep: no user task after the service result');
  const third = await EngineStep.open({
    ...common,
    engineState: delivered.engineState,
    knownWaits: waitsOf(delivered),
  });
  if (!third.completeTask(task.executionId, { approved: true }))
    throw new Error('EngineStep: the user task was not waiting');
  const ended = await third.finish();
  if (ended.status !== 'completed') throw new Error(`EngineStep: instance ${ended.status}, not completed`);
}

// ---------------------------------------------------------------------------------------------
// 2–5. The persisted runtime

/**
 * The real Runtime, observed from outside: when a service result has been delivered (so a
 * concurrent worker knows its task is open) and when each timer fired (wall clock).
 */
class ObservedRuntime extends Runtime {
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

interface Node {
  connection: Connection;
  stores: Stores;
  definitions: DefinitionCache;
  runtime: ObservedRuntime;
  runner: JobRunner;
}

const services: ServiceRegistry = { notify: async () => ({ notifySent: true }) };

/** A preplan node as a process would build one: its own connection, stores, cache, runtime, runner. */
async function createNode(
  uri: string,
  clock: ManualClock,
  options: { monitorCommands?: boolean } = {},
): Promise<Node> {
  const connection = await mongoose
    .createConnection(uri, {
      dbName: DB_NAME,
      autoIndex: true,
      serverSelectionTimeoutMS: 10_000,
      monitorCommands: options.monitorCommands ?? false,
    })
    .asPromise();
  const stores = await openStores(connection);
  const definitions = new DefinitionCache(stores.definitions);
  const runtime = new ObservedRuntime({ ...stores, definitions, clock });
  const runner = new JobRunner({
    jobs: stores.jobs,
    instances: stores.instances,
    runtime,
    services,
    clock,
    backoffMs: 1000,
  });
  return { connection, stores, definitions, runtime, runner };
}

/** One persisted instance, sequentially: start → runDue (the service job) → open task → complete. */
async function persistedInstance(node: Node): Promise<void> {
  const instance = await node.runtime.start(FLOW_KEY, { actor: 'bench', variables: { grade: 1 } });
  const ran = await node.runner.runDue();
  if (ran !== 1) throw new Error(`runDue ran ${ran} jobs for ${instance._id}, not 1`);
  await completeOpenTask(node, instance._id);
}

/** The same with other instances in flight: this worker runs one due job (anyone's) and waits for its own. */
async function concurrentInstance(node: Node): Promise<void> {
  const instance = await node.runtime.start(FLOW_KEY, { actor: 'bench', variables: { grade: 1 } });
  const delivered = node.runtime.delivered(instance._id);
  await node.runner.runDue(1);
  await delivered;
  await completeOpenTask(node, instance._id);
}

async function completeOpenTask(node: Node, instanceId: string): Promise<void> {
  const open = (await node.stores.tasks.forInstance(instanceId)).filter((task) => task.status === 'open');
  if (open.length !== 1) throw new Error(`instance ${instanceId} has ${open.length} open tasks, not 1`);
  const done = await node.runtime.completeTask(open[0]._id, 'bench', { approved: true });
  if (done.status !== 'completed') throw new Error(`instance ${instanceId} is ${done.status} after its task`);
}

/** Database commands one persisted instance sends, counted on a monitored connection. */
async function commandsPerInstance(uri: string, clock: ManualClock, instances = 20) {
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

// ---------------------------------------------------------------------------------------------
// CPU profile (in process, inspector)

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  timeDeltas: number[];
}

interface ProfileSummary {
  busySamples: number;
  idleSamples: number;
  selfTop: Array<{ fn: string; percent: number }>;
  totalTop: Array<{ fn: string; percent: number }>;
  byComponent: Array<{ component: string; percent: number }>;
}

function relativeUrl(url: string): string {
  if (!url) return '';
  const file = url.startsWith('file:') ? fileURLToPath(url) : url;
  return path.isAbsolute(file) ? path.relative(ROOT, file) : file;
}

function componentOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(program)') return '(program: V8, native)';
  if (!url) return '(native: socket writes, builtins)';
  if (url.startsWith('node:')) return 'node internals';
  const file = relativeUrl(url);
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  if (pkg) return pkg[1];
  if (file.startsWith('src/')) return file.split('/').slice(0, 3).join('/');
  return file.split('/')[0] || file;
}

function summarizeProfile(profile: CpuProfile, top = 12): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const name = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = relativeUrl(url).replace(/^node_modules\//, '');
    return `${functionName || '(anonymous)'}${file ? `  ${file}:${lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const components = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const sample of profile.samples) {
    const node = byId.get(sample);
    if (!node) continue;
    if (node.callFrame.functionName === '(idle)') {
      idle++;
      continue;
    }
    busy++;
    const own = name(node);
    self.set(own, (self.get(own) ?? 0) + 1);
    const component = componentOf(node);
    components.set(component, (components.get(component) ?? 0) + 1);
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!;
      if (frame.callFrame.functionName === '(root)') continue;
      const key = name(frame);
      if (!seen.has(key)) total.set(key, (total.get(key) ?? 0) + 1);
      seen.add(key);
    }
  }
  const list = (counts: Map<string, number>, count: number) =>
    [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, samples]) => ({ key, percent: (100 * samples) / Math.max(1, busy) }));
  return {
    busySamples: busy,
    idleSamples: idle,
    selfTop: list(self, top).map(({ key, percent }) => ({ fn: key, percent })),
    totalTop: list(total, 2 * top).map(({ key, percent }) => ({ fn: key, percent })),
    byComponent: list(components, 16).map(({ key, percent }) => ({ component: key, percent })),
  };
}

async function profilePersisted(
  node: Node,
  ms: number,
): Promise<{ summary: ProfileSummary; file: string; count: number }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
    await session.post('Profiler.start');
    const count = await runFor(() => persistedInstance(node), 1, ms, null);
    const { profile } = await session.post('Profiler.stop');
    await mkdir(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, 'engine-persisted.cpuprofile');
    await writeFile(file, JSON.stringify(profile));
    return { summary: summarizeProfile(profile as unknown as CpuProfile), file, count };
  } finally {
    session.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// The report

interface Row {
  section: string;
  figure: string;
  value: string;
  detail?: string;
  target?: string;
  met?: boolean;
}

function formatTable(rows: Row[]): string {
  const columns: Array<[title: string, cell: (row: Row) => string, numeric: boolean]> = [
    ['#', (row) => row.section, false],
    ['figure', (row) => row.figure, false],
    ['value', (row) => row.value, true],
    ['detail', (row) => row.detail ?? '', false],
    ['target', (row) => row.target ?? '', false],
    ['met?', (row) => (row.met === undefined ? '' : row.met ? 'yes' : 'NO'), false],
  ];
  const cells = rows.map((row) => columns.map(([, cell]) => cell(row)));
  const width = (text: string): number => [...text].length;
  const widths = columns.map(([title], i) => Math.max(width(title), ...cells.map((line) => width(line[i]))));
  const pad = (text: string, n: number, right: boolean): string =>
    right ? ' '.repeat(n - width(text)) + text : text + ' '.repeat(n - width(text));
  const line = (values: string[]): string =>
    `| ${values.map((value, i) => pad(value, widths[i], columns[i][2])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(columns.map(([title]) => title)), rule, ...cells.map(line)].join('\n');
}

const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);

const signed = (value: number, digits: number): string =>
  Number.isNaN(value) ? '—' : `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;

function cpuDetail(result: Throughput): string {
  const per = (us: number | undefined): string =>
    fixed(us === undefined ? undefined : us / result.instances / 1000, 1);
  return (
    `p50 ${fixed(result.p50Ms, 1)} / p99 ${fixed(result.p99Ms, 1)} ms; CPU ms/inst: bench JS ` +
    `${per(result.cpu.clientMainUs)} (all threads ${per(result.cpu.clientAllUs)}), server ${per(result.cpu.serverUs)}`
  );
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  const version = (pkg: string): string | undefined => {
    try {
      return JSON.parse(readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
    } catch {
      return undefined;
    }
  };
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    commit = undefined;
  }
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    totalMemMB: Math.round(os.totalmem() / 2 ** 20),
    platform: os.platform(),
    release: os.release(),
    node: process.version,
    mongoose: mongoose.version,
    bpmnEngine: version('bpmn-engine'),
    bpmnElements: version('bpmn-elements'),
    loadavgAtStart: os.loadavg(),
    commit,
  };
}

/** The server's plan for claimDue's filter (the embedded server answers `explain` for find). */
async function explainClaim(connection: Connection, now: Date) {
  const db = connection.db!;
  const jobs = await db.collection('jobs').estimatedDocumentCount();
  try {
    // The same filter as JobStore.claimDue.
    const filter = { runAt: { $lte: now }, status: { $in: ['pending', 'running'] } };
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

// ---------------------------------------------------------------------------------------------
// Main

const children = new Set<ChildProcess>();

function killChildren(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2));
  const watchdogMs = 15 * 60_000;
  const watchdog = setTimeout(() => {
    process.stderr.write(`engine-bench: still running after ${watchdogMs / 60_000} min, giving up\n`);
    killChildren();
    process.exit(1);
  }, watchdogMs);
  watchdog.unref();
  process.once('exit', killChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      killChildren();
      process.exit(130);
    });

  const info = machine();
  const startedAt = new Date();
  const started = performance.now();
  const rows: Row[] = [];
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  const method: string[] = [];
  const failed = (section: string, what: string, error: unknown): void => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    notes.push(`${section} ${what} FAILED: ${message}`);
    rows.push({ section, figure: what, value: 'failed', detail: String((error as Error)?.message ?? error) });
    log(`${what} failed: ${message}`);
  };

  const server = await startEmbeddedMongoProcess();
  children.add(server.child);
  serverPid = server.child.pid;
  log(`embedded server pid ${serverPid} at ${server.uri} (in memory)`);
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const nodes: Node[] = [];
  try {
    const node = await createNode(server.uri, clock);
    nodes.push(node);
    await node.connection.dropDatabase();
    await Promise.all(Object.values(node.stores).map((store) => store.init()));
    for (const xml of [FLOW_XML, WAIT_XML])
      await deployDefinition(node.stores.definitions, xml, { catalog: CATALOG, deployedBy: 'bench' });
    await stopDiagramValidator();
    const flow = await node.definitions.latest(FLOW_KEY);

    // 1. Raw engine ------------------------------------------------------------------------
    log('1. raw bpmn-engine in memory (same diagram and parsed sourceContext; instant service extension)');
    let raw: Throughput | undefined;
    try {
      raw = await throughput(
        () => rawInstance(flow).then(() => undefined),
        1,
        settings,
        'raw engine, 1 at a time',
      );
      rows.push({
        section: '1',
        figure: 'raw bpmn-engine, sequential',
        value: `${fixed(raw.perSecond, 1)}/s`,
        detail: cpuDetail(raw),
      });
      method.push(
        '1: raw = `new Engine({ name, sourceContext, extensions })` with default options on the same diagram ' +
          '(camunda:type="external" topic notify) and the same parsed sourceContext (parsed once); an extension ' +
          "sets activity.behaviour.Service to call back at once; the user task is signalled in the 'wait' listener.",
      );
    } catch (error) {
      failed('1', 'raw bpmn-engine', error);
    }
    let step: Throughput | undefined;
    try {
      let n = 0;
      step = await throughput(() => stepOnly(flow, `step-${++n}`), 1, settings, 'EngineStep only, no store');
      rows.push({
        section: '1b',
        figure: 'preplan EngineStep ×3, no store',
        value: `${fixed(step.perSecond, 1)}/s`,
        detail: cpuDetail(step),
      });
      method.push(
        "1b: preplan's EngineStep (src/engine/runtime/engine-step.ts) without the store: the 3 engine lives a " +
          'persisted instance has (execute to the parked service; recover+resume+deliver; recover+resume+complete), ' +
          'each ending in getState and JSON copies, the state handed over in memory: the engine side of the persisted cost.',
      );
    } catch (error) {
      failed('1b', 'EngineStep only', error);
    }

    // 2. Persisted runtime -----------------------------------------------------------------
    log('2. persisted runtime: start → runDue (service job) → open task → completeTask');
    let persisted: Throughput | undefined;
    try {
      persisted = await throughput(() => persistedInstance(node), 1, settings, 'persisted, 1 at a time');
      rows.push({
        section: '2',
        figure: 'preplan persisted, sequential',
        value: `${fixed(persisted.perSecond, 1)}/s`,
        detail: cpuDetail(persisted),
      });
      if (raw) {
        const ratio = persisted.perSecond / raw.perSecond;
        rows.push({
          section: '2',
          figure: 'persisted ÷ raw (sequential)',
          value: fixed(ratio, 3),
          detail: `${fixed(1000 / persisted.perSecond, 1)} ms vs ${fixed(1000 / raw.perSecond, 1)} ms per instance`,
          target: '≥ 0.5',
          met: ratio >= 0.5,
        });
      }
      if (step)
        rows.push({
          section: '2',
          figure: 'EngineStep-only ÷ raw',
          value: fixed(step.perSecond / (raw?.perSecond ?? NaN), 3),
          detail: 'the ceiling of persisted ÷ raw if the store cost nothing',
        });
    } catch (error) {
      failed('2', 'persisted, sequential', error);
    }
    let concurrent: Throughput | undefined;
    try {
      node.runtime.trackDeliveries(true);
      concurrent = await throughput(
        () => concurrentInstance(node),
        settings.concurrency,
        settings,
        `persisted, ${settings.concurrency} in flight`,
      );
      rows.push({
        section: '2',
        figure: `preplan persisted, ${settings.concurrency} in flight`,
        value: `${fixed(concurrent.perSecond, 1)}/s`,
        detail: cpuDetail(concurrent),
      });
      method.push(
        `2: sequential = runtime.start → runner.runDue() (claims and runs the service job, then finds none) → ` +
          `tasks.forInstance → runtime.completeTask, checked to end completed; ${settings.concurrency} in flight = ` +
          `${settings.concurrency} such loops, each calling runDue(1) (runs one due job, anyone's) and waiting until ` +
          'its own service result is delivered.',
      );
      if (raw)
        rows.push({
          section: '2',
          figure: `persisted ×${settings.concurrency} ÷ raw`,
          value: fixed(concurrent.perSecond / raw.perSecond, 3),
          target: '≥ 0.5',
          met: concurrent.perSecond / raw.perSecond >= 0.5,
        });
    } catch (error) {
      failed('2', `persisted, ${settings.concurrency} in flight`, error);
    } finally {
      node.runtime.trackDeliveries(false);
    }
    try {
      const commands = await commandsPerInstance(server.uri, clock);
      details.commandsPerInstance = commands;
      rows.push({
        section: '2',
        figure: 'database commands per instance',
        value: fixed(commands.total, 1),
        detail: 'round trips, counted on a monitored connection over 20 instances (breakdown below)',
      });
      log(`database commands per persisted instance: ${fixed(commands.total, 1)}`);
    } catch (error) {
      failed('2', 'database commands per instance', error);
    }

    // 5. Profile (before the waiting instances: their timers would become due here) --------
    if (settings.profileMs > 0) {
      log(`5. CPU profile of the persisted loop for ${settings.profileMs} ms (inspector, in process)`);
      try {
        const profile = await profilePersisted(node, settings.profileMs);
        details.profile = {
          ...profile.summary,
          file: path.relative(ROOT, profile.file),
          instances: profile.count,
        };
      } catch (error) {
        failed('5', 'CPU profile', error);
      }
    }

    // 3. 10,000 waiting instances ----------------------------------------------------------
    log(`3. starting ${settings.waiting} instances of ${WAIT_KEY} (user task + PT1H boundary timer)`);
    let firstWaiting: string | undefined;
    try {
      const serverRssBefore = processRssMb(serverPid);
      const before = settledMemory();
      const mark = cpuMark();
      let next = 0;
      let done = 0;
      const latencies: number[] = [];
      const worker = async (): Promise<void> => {
        while (next < settings.waiting) {
          next++;
          const t = performance.now();
          const instance = await node.runtime.start(WAIT_KEY, { actor: 'bench', variables: { grade: 1 } });
          latencies.push(performance.now() - t);
          if (instance.status !== 'running')
            throw new Error(`waiting instance ${instance._id} is ${instance.status}`);
          firstWaiting ??= instance._id;
          if (++done % 2000 === 0) log(`  … ${done} started`);
        }
      };
      await Promise.all(Array.from({ length: settings.startConcurrency }, worker));
      const cpu = cpuSince(mark);
      checkNoise(`${settings.waiting} starts`, cpu);
      const after = settledMemory();
      const serverRssAfter = processRssMb(serverPid);
      latencies.sort((a, b) => a - b);
      const db = node.connection.db!;
      const counts = {
        instancesRunning: await db
          .collection('instances')
          .countDocuments({ definitionKey: WAIT_KEY, status: 'running' }),
        instancesAll: await db.collection('instances').countDocuments({}),
        tasksOpen: await db.collection('tasks').countDocuments({ status: 'open' }),
        jobsPendingTimers: await db.collection('jobs').countDocuments({ status: 'pending', kind: 'timer' }),
        jobsAll: await db.collection('jobs').countDocuments({}),
        historyEvents: await db.collection('history').countDocuments({}),
      };
      const waitingIds = await db
        .collection('instances')
        .find({ definitionKey: WAIT_KEY }, { projection: { _id: 1 } })
        .limit(1)
        .toArray();
      const sample = await node.stores.instances.load(String(waitingIds[0]?._id));
      const jsonBytes = (value: unknown): number | undefined =>
        value === undefined ? undefined : Buffer.byteLength(JSON.stringify(value));
      const instanceBytes = jsonBytes(sample ?? undefined);
      const engineStateBytes = jsonBytes(sample?.engineState ?? undefined);
      const engineKb = await rawEngineFootprintKb(flow);
      const perInstanceBytes = ((after.heapUsedMb - before.heapUsedMb) * 2 ** 20) / settings.waiting;
      details.waiting = {
        before,
        after,
        heapBytesPerWaitingInstance: perInstanceBytes,
        serverRssBefore,
        serverRssAfter,
        cpu,
        counts,
        instanceJsonBytes: instanceBytes,
        engineStateJsonBytes: engineStateBytes,
        rawWaitingEngineKb: engineKb,
      };
      const seconds = cpu.wallMs / 1000;
      const perStart = (us: number | undefined): string =>
        fixed(us === undefined ? undefined : us / settings.waiting / 1000, 2);
      rows.push(
        {
          section: '3',
          figure: `${settings.waiting} starts, ${settings.startConcurrency} concurrent`,
          value: `${fixed(seconds, 1)} s`,
          detail:
            `${fixed(settings.waiting / seconds, 0)} starts/s; p50 ${fixed(percentile(latencies, 50), 1)} / ` +
            `p99 ${fixed(percentile(latencies, 99), 1)} ms; CPU ms/start: bench JS ${perStart(cpu.clientMainUs)}, ` +
            `server ${perStart(cpu.serverUs)}`,
        },
        {
          section: '3',
          figure: 'bench heap used, after GC',
          value: `${signed(after.heapUsedMb - before.heapUsedMb, 1)} MB`,
          detail: `${fixed(before.heapUsedMb, 1)} → ${fixed(after.heapUsedMb, 1)} MB: ${fixed(perInstanceBytes, 0)} bytes per waiting instance`,
          target: '< 1 KB/instance: no engines kept',
          // below a few thousand instances, GC noise (~1 MB) dominates the per-instance figure
          met: settings.waiting >= 2000 ? perInstanceBytes < 1024 : undefined,
        },
        {
          section: '3',
          figure: 'bench RSS',
          value: `${signed(after.rssMb - before.rssMb, 1)} MB`,
          detail: `${fixed(before.rssMb, 1)} → ${fixed(after.rssMb, 1)} MB`,
        },
        {
          section: '3',
          figure: 'for scale: one raw engine waiting',
          value: `${fixed(engineKb, 0)} KB`,
          detail: `heap of an in-memory bpmn-engine parked at its user task (200 held): ×${settings.waiting} = ${fixed((engineKb * settings.waiting) / 1024, 0)} MB`,
        },
        {
          section: '3',
          figure: 'server RSS (in-memory store)',
          value: `${signed((serverRssAfter ?? NaN) - (serverRssBefore ?? NaN), 0)} MB`,
          detail: `${fixed(serverRssBefore, 0)} → ${fixed(serverRssAfter, 0)} MB`,
        },
        {
          section: '3',
          figure: `MongoDB: running ${WAIT_KEY} instances`,
          value: String(counts.instancesRunning),
          detail:
            `instances ${counts.instancesAll} in all; open tasks ${counts.tasksOpen}; pending timer jobs ` +
            `${counts.jobsPendingTimers}, jobs ${counts.jobsAll} in all; history events ${counts.historyEvents}`,
        },
        {
          section: '3',
          figure: 'one waiting instance document',
          value: `${fixed((instanceBytes ?? NaN) / 1024, 1)} KB`,
          detail: `as JSON, of which engineState ${fixed((engineStateBytes ?? NaN) / 1024, 1)} KB`,
        },
      );
      const expected = settings.waiting;
      if (counts.instancesRunning !== expected || counts.jobsPendingTimers < expected)
        notes.push(
          `3: expected ${expected} running ${WAIT_KEY} instances with a pending timer each; ` +
            `found ${counts.instancesRunning} instances and ${counts.jobsPendingTimers} pending timer jobs`,
        );
      log(
        `  ${settings.waiting} starts in ${fixed(seconds, 1)} s; heap ${fixed(before.heapUsedMb, 1)} → ${fixed(after.heapUsedMb, 1)} MB, ` +
          `rss ${fixed(before.rssMb, 1)} → ${fixed(after.rssMb, 1)} MB; a raw waiting engine holds ${fixed(engineKb, 0)} KB`,
      );
    } catch (error) {
      failed('3', 'waiting instances', error);
    }

    // 4. Restart to ready, then overdue timers ---------------------------------------------
    log('4. a restarted node: new connection, stores, DefinitionCache, Runtime, JobRunner');
    try {
      const t0 = performance.now();
      const restarted = await createNode(server.uri, clock);
      nodes.push(restarted);
      const t1 = performance.now();
      const repaired = await restarted.runtime.repair();
      const t2 = performance.now();
      if (!firstWaiting) throw new Error('no waiting instance to complete');
      await completeOpenTask(restarted, firstWaiting);
      const t3 = performance.now();
      details.restart = {
        connectAndInitMs: t1 - t0,
        repairMs: t2 - t1,
        repaired,
        firstCommandMs: t3 - t2,
        totalMs: t3 - t0,
      };
      rows.push({
        section: '4',
        figure: 'restart → first command served',
        value: `${fixed(t3 - t0, 0)} ms`,
        detail:
          `connect + store init ${fixed(t1 - t0, 0)}, repair() ${fixed(t2 - t1, 0)} (${repaired} repaired), ` +
          `find task + completeTask ${fixed(t3 - t2, 0)} ms`,
      });
      method.push(
        '4: the restarted node is built in this process (new connection, stores with init(), DefinitionCache, ' +
          'Runtime, JobRunner), so modules are loaded and JIT-compiled already; its DefinitionCache is cold.',
      );

      // What one claim costs the server with every waiting instance's timer in the jobs collection.
      const claims = 20;
      const claimStarted = performance.now();
      for (let i = 0; i < claims; i++)
        if (await restarted.stores.jobs.claimDue('probe', clock.now(), 60_000))
          throw new Error('claimDue found a job due before the clock was advanced');
      const claimMs = (performance.now() - claimStarted) / claims;
      const plan = await explainClaim(restarted.connection, clock.now());
      details.claimDueNothingDue = { ms: claimMs, plan };
      rows.push({
        section: '4',
        figure: 'one claimDue, nothing due',
        value: `${fixed(claimMs, 2)} ms`,
        detail: `server plan ${plan.stage ?? '—'}, ${plan.examined ?? '—'} documents examined (${plan.jobs} jobs stored)`,
      });
      log(
        `  ready in ${fixed(t3 - t0, 0)} ms (repair ${fixed(t2 - t1, 0)} ms, first command ${fixed(t3 - t2, 0)} ms)`,
      );

      clock.advance(HOUR + 1000);
      log(`  clock advanced past 1 h: ${settings.waiting - 1} timers overdue; runDue(${settings.timers})`);
      restarted.runtime.timerFiredAt = [];
      const mark = cpuMark();
      const due = performance.now();
      const fired = await restarted.runner.runDue(settings.timers);
      const cpu = cpuSince(mark);
      checkNoise('overdue timers', cpu);
      const firedAt = restarted.runtime.timerFiredAt;
      restarted.runtime.timerFiredAt = null;
      const lateness = firedAt.map((at) => at - due).sort((a, b) => a - b);
      const gaps = firedAt.map((at, i) => at - (i === 0 ? due : firedAt[i - 1])).sort((a, b) => a - b);
      const db = restarted.connection.db!;
      const timedOut = await db
        .collection('instances')
        .countDocuments({ definitionKey: WAIT_KEY, status: 'completed' });
      const cancelledTasks = await db.collection('tasks').countDocuments({ status: 'cancelled' });
      details.timers = {
        fired,
        seconds: cpu.wallMs / 1000,
        cpu,
        latenessMs: { p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: lateness.at(-1) },
        perTimerMs: { p50: percentile(gaps, 50), p99: percentile(gaps, 99), max: gaps.at(-1) },
        completedAfter: timedOut,
        cancelledTasksAfter: cancelledTasks,
      };
      rows.push(
        {
          section: '4',
          figure: `runDue fires ${fired} overdue timers`,
          value: `${fixed(cpu.wallMs / 1000, 2)} s`,
          detail:
            `${fixed(fired / (cpu.wallMs / 1000), 0)} timers/s; each p50 ${fixed(percentile(gaps, 50), 1)} / ` +
            `p99 ${fixed(percentile(gaps, 99), 1)} ms; CPU ms/timer: bench JS ${fixed((cpu.clientMainUs ?? NaN) / fired / 1000, 2)}, ` +
            `server ${fixed((cpu.serverUs ?? NaN) / fired / 1000, 2)}`,
        },
        {
          section: '4',
          figure: 'timer lateness (fired − due, wall)',
          value: `p50 ${fixed(percentile(lateness, 50) / 1000, 2)} s`,
          detail: `p99 ${fixed(percentile(lateness, 99) / 1000, 2)} s, max ${fixed((lateness.at(-1) ?? NaN) / 1000, 2)} s`,
        },
      );
      method.push(
        `4: timers: the ManualClock is advanced 1 h 1 s, so all ${settings.waiting - 1} deadline timers fall due at ` +
          `one wall-clock instant; runDue(${settings.timers}) on the restarted node fires them one after another, so a ` +
          "timer's lateness (wall time from that instant to the end of its fireTimer) is its position × the time per timer.",
      );
      if (fired !== settings.timers) notes.push(`4: runDue(${settings.timers}) ran ${fired} jobs`);
      if (firedAt.length !== fired)
        notes.push(`4: runDue ran ${fired} jobs but ${firedAt.length} were timers`);
      if (timedOut !== fired + 1)
        notes.push(
          `4: after ${fired} deadline timers and one completed task, ${timedOut} ${WAIT_KEY} instances are completed (expected ${fired + 1})`,
        );
      log(
        `  fired ${fired} timers in ${fixed(cpu.wallMs / 1000, 2)} s (${fixed(fired / (cpu.wallMs / 1000), 0)}/s)`,
      );
    } catch (error) {
      failed('4', 'restart and timers', error);
    }
  } finally {
    for (const node of nodes) await node.connection.close().catch(() => undefined);
    await stopDiagramValidator();
    await stopProcess(server.child);
    children.delete(server.child);
  }

  const elapsed = (performance.now() - started) / 1000;
  process.stdout.write(
    `\nengine bench — ${info.cpus} × ${info.cpuModel}, node ${info.node}, bpmn-engine ${info.bpmnEngine}, ` +
      `mongoose ${info.mongoose}; embedded server in memory in a child process; ` +
      `${settings.durationMs} ms per throughput figure after ${settings.warmupMs} ms warm-up; ${fixed(elapsed, 0)} s in all\n\n`,
  );
  process.stdout.write(`${formatTable(rows)}\n`);
  if (method.length) process.stdout.write(`\nHow:\n${method.map((line) => `  ${line}`).join('\n')}\n`);
  const commands = details.commandsPerInstance as Awaited<ReturnType<typeof commandsPerInstance>> | undefined;
  if (commands)
    process.stdout.write(
      `\nDatabase commands per persisted instance (${fixed(commands.total, 1)}):\n` +
        commands.perInstance.map((c) => `  ${fixed(c.perInstance, 1).padStart(5)}  ${c.command}`).join('\n') +
        '\n',
    );
  const profile = details.profile as (ProfileSummary & { file: string; instances: number }) | undefined;
  if (profile) {
    process.stdout.write(
      `\n5. CPU profile of the persisted loop (bench process only; ${profile.instances} instances; ` +
        `busy ${profile.busySamples} samples, idle ${profile.idleSamples} = waiting for the server; ` +
        `percent of busy samples; kept as ${profile.file}):\n\nself time:\n` +
        profile.selfTop.map((f) => `  ${fixed(f.percent, 1).padStart(5)}%  ${f.fn}`).join('\n') +
        '\n\nby component (self time):\n' +
        profile.byComponent.map((c) => `  ${fixed(c.percent, 1).padStart(5)}%  ${c.component}`).join('\n') +
        '\n\ntotal time (inclusive):\n' +
        profile.totalTop.map((f) => `  ${fixed(f.percent, 1).padStart(5)}%  ${f.fn}`).join('\n') +
        '\n',
    );
  }
  if (disturbed.length)
    notes.push(
      `warning: other processes were busy (> 25% of a CPU) during ${disturbed.join(', ')}; those figures are disturbed`,
    );
  for (const note of notes) process.stdout.write(`\n${note}\n`);
  const missed = rows.filter((row) => row.met === false);
  process.stdout.write(
    missed.length === 0
      ? '\nall targets met\n'
      : `\ntargets missed: ${missed.map((row) => row.figure).join(', ')}\n`,
  );

  await mkdir(path.dirname(settings.out), { recursive: true });
  const json = {
    bench: 'engine',
    startedAt: startedAt.toISOString(),
    elapsedSeconds: elapsed,
    settings,
    machine: info,
    rows,
    details,
    allTargetsMet: missed.length === 0,
    notes,
  };
  await writeFile(settings.out, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`results written to ${path.relative(process.cwd(), settings.out)}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    killChildren();
    process.stderr.write(`engine-bench failed: ${error.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
