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
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { startEmbeddedMongoProcess, stopProcess } from '../test/support/embedded-mongo-process.mjs';
import { ManualClock } from '../src/engine/clock.js';
import { deployDefinition } from '../src/engine/definitions/deploy-definition.js';
import { stopDiagramValidator } from '../src/engine/definitions/validate-diagram.js';
import { CATALOG, FLOW_KEY, FLOW_XML, WAIT_KEY, WAIT_XML } from './engine/diagrams.js';
import { rawEngineFootprintKb, rawInstance, stepOnly } from './engine/in-memory-engine.js';
import {
  commandsPerInstance,
  completeOpenTask,
  concurrentInstance,
  createNode,
  explainClaim,
  persistedInstance,
  type Node,
} from './engine/persisted-node.js';
import { profilePersisted, type ProfileSummary } from './engine/persisted-profile.js';
import { guardChildren, runMain, trackChild } from './support/child-guard.js';
import { exitWithUsageIf, integerFlag } from './support/cli-flags.js';
import { cpuMark, cpuSince, type CpuSpent } from './support/cpu-meter.js';
import { fixed, signed } from './support/format.js';
import { settledMemory } from './support/heap.js';
import { machineInfo, packageVersion } from './support/machine-info.js';
import { ROOT, RESULTS_DIR } from './support/paths.js';
import { percentile } from './support/percentile.js';
import { processRssMb } from './support/proc-stats.js';
import { printTargets, writeResults } from './support/results-file.js';
import { runFor } from './support/run-for.js';
import { formatTable as renderTable, metCell, type Column } from './support/table.js';

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
  exitWithUsageIf(values.help, USAGE);
  const integer = (name: string, value: string, min: number): number => integerFlag(name, value, min, USAGE);
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
// The server's CPU and the noise (other processes' CPU) during each figure

let serverPid: number | undefined;

/** Figures during which other processes used more than a quarter of a CPU. */
const disturbed: string[] = [];

function checkNoise(label: string, cpu: CpuSpent): void {
  if ((cpu.otherPercent ?? 0) > 25) disturbed.push(`${label} (${cpu.otherPercent!.toFixed(0)}% of a CPU)`);
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

async function throughput(
  once: () => Promise<void>,
  workers: number,
  settings: Settings,
  label: string,
): Promise<Throughput> {
  if (settings.warmupMs > 0) await runFor(once, workers, settings.warmupMs, null);
  const latencies: number[] = [];
  const mark = cpuMark(serverPid);
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
// The report

interface Row {
  section: string;
  figure: string;
  value: string;
  detail?: string;
  target?: string;
  met?: boolean;
}

const COLUMNS: Array<Column<Row>> = [
  ['#', (row) => row.section, false],
  ['figure', (row) => row.figure, false],
  ['value', (row) => row.value, true],
  ['detail', (row) => row.detail ?? '', false],
  ['target', (row) => row.target ?? '', false],
  ['met?', (row) => metCell(row.met), false],
];

const formatTable = (rows: Row[]): string => renderTable(COLUMNS, rows);

function cpuDetail(result: Throughput): string {
  const per = (us: number | undefined): string =>
    fixed(us === undefined ? undefined : us / result.instances / 1000, 1);
  return (
    `p50 ${fixed(result.p50Ms, 1)} / p99 ${fixed(result.p99Ms, 1)} ms; CPU ms/inst: bench JS ` +
    `${per(result.cpu.clientMainUs)} (all threads ${per(result.cpu.clientAllUs)}), server ${per(result.cpu.serverUs)}`
  );
}
// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2));
  const watchdogMs = 15 * 60_000;
  guardChildren(watchdogMs, `engine-bench: still running after ${watchdogMs / 60_000} min, giving up`);

  const info = machineInfo({
    mongoose: mongoose.version,
    bpmnEngine: packageVersion('bpmn-engine'),
    bpmnElements: packageVersion('bpmn-elements'),
  });
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
  trackChild(server.child);
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
      const mark = cpuMark(serverPid);
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
      const mark = cpuMark(serverPid);
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
  printTargets(missed.map((row) => row.figure));

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
  await writeResults(settings.out, json);
}

runMain('engine-bench', main);
