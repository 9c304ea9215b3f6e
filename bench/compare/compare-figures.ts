/**
 * preplan side by side with bpmn-server (the other Node BPMN server on MongoDB, from npm) on the
 * same diagram and the same store: each engine in its own child process against a fresh
 * embedded store of its own (in memory), measured the same way (bench/compare/side.ts):
 * instances/s of start → service task → user task → end, and what each waiting instance costs
 * the engine's process (heap, RSS) and the store (BSON bytes, the store's RSS).
 */
import { spawnSync, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { trackChild } from '../support/child-guard.js';
import { startServer, stopServer } from '../support/embedded-server.js';
import { fixed } from '../support/format.js';
import { ROOT } from '../support/paths.js';
import { processCpuUs, processRssMb } from '../support/proc-stats.js';
import { emptySection, recordFailure, type Row, type SectionReport } from '../support/report.js';
import type { SideInput, SideOutput } from './side.js';

export interface CompareSettings {
  durationMs: number;
  warmupMs: number;
  concurrency: number;
  waiting: number;
  startConcurrency: number;
}

export const COMPARE_DEFAULTS: CompareSettings = {
  durationMs: 3000,
  warmupMs: 1000,
  concurrency: 8,
  waiting: 1000,
  startConcurrency: 8,
};

export const COMPARE_QUICK: CompareSettings = {
  ...COMPARE_DEFAULTS,
  durationMs: 1500,
  warmupMs: 500,
  waiting: 300,
};

const PACKAGE_DIR = path.join(ROOT, 'bench', 'bpmn-server');

/** bpmn-server comes from bench/bpmn-server/package-lock.json, installed on the first run. */
export function ensureBpmnServer(log: (message: string) => void): void {
  if (existsSync(path.join(PACKAGE_DIR, 'node_modules', 'bpmn-server', 'package.json'))) return;
  log('installing bpmn-server into bench/bpmn-server/node_modules (npm ci, once)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const installed = spawnSync(
    npm,
    ['ci', '--prefix', PACKAGE_DIR, '--ignore-scripts', '--no-audit', '--no-fund'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (installed.status !== 0)
    throw new Error(`npm ci --prefix bench/bpmn-server failed (${installed.status}):\n${installed.stderr}`);
}

/** What the parent read at each phase the side announced. */
interface PhaseReading {
  storeRssMb?: number;
  storeCpuUs?: number;
  sideCpuUs?: number;
  dataBytes?: number;
  collections?: Record<string, { count: number; size: number }>;
}

interface SideRun {
  output: SideOutput;
  phases: Record<string, PhaseReading>;
}

async function storeStats(uri: string, database: string) {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    const db = client.db(database);
    const collections: Record<string, { count: number; size: number }> = {};
    for (const { name } of await db.listCollections().toArray()) {
      const stats = await db.command({ collStats: name });
      collections[name] = { count: Number(stats.count), size: Number(stats.size) };
    }
    return { dataBytes: Object.values(collections).reduce((n, c) => n + c.size, 0), collections };
  } finally {
    await client.close();
  }
}

/** One side in a child process against a fresh store of its own. */
async function runSideProcess(module: string, settings: CompareSettings, label: string): Promise<SideRun> {
  const store = await startServer(undefined, undefined);
  const database = `compare_${label.replace(/\W/g, '_')}`;
  const child = fork(path.join(ROOT, 'bench', 'compare', 'side-child.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  trackChild(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const phases: Record<string, PhaseReading> = {};
  try {
    const result = await new Promise<SideOutput>((resolve, reject) => {
      child.on('message', (message: { phase?: string; result?: SideOutput; error?: string }) => {
        if (message.phase) {
          const phase = message.phase;
          const reading: PhaseReading = {
            storeRssMb: processRssMb(store.child.pid),
            storeCpuUs: processCpuUs(store.child.pid),
            sideCpuUs: processCpuUs(child.pid),
          };
          phases[phase] = reading;
          const stats = phase.startsWith('waiting')
            ? storeStats(store.uri, database)
            : Promise.resolve(undefined);
          stats.then((found) => {
            if (found) Object.assign(reading, found);
            child.send('go');
          }, reject);
        } else if (message.result) resolve(message.result);
        else if (message.error) reject(new Error(`${label} side failed: ${message.error}\n${output}`));
      });
      child.once('exit', (code) =>
        reject(new Error(`${label} side exited (${code}) without a result:\n${output}`)),
      );
      child.send({
        module,
        input: { uri: store.uri, database, ...settings } satisfies SideInput,
      });
    });
    return { output: result, phases };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await stopServer(store.child);
  }
}

interface SideFigures {
  name: string;
  version: string;
  sequential: number;
  concurrent: number;
  storeCpuMsPerInstance?: number;
  sideCpuMsPerInstance: number;
  heapBytes: number;
  rssBytes: number;
  storeBytes?: number;
  storeRssBytes?: number;
  byCollection: Record<string, { count: number; bytes: number }>;
  run: SideRun;
}

function figuresOf(run: SideRun): SideFigures {
  const { output, phases } = run;
  const n = output.waiting.count;
  const delta = (a?: number, b?: number): number | undefined =>
    a === undefined || b === undefined ? undefined : a - b;
  const storeCpu = delta(phases['sequential:end']?.storeCpuUs, phases['sequential:start']?.storeCpuUs);
  const before = phases['waiting:start'];
  const after = phases['waiting:end'];
  const byCollection: Record<string, { count: number; bytes: number }> = {};
  for (const [name, stats] of Object.entries(after?.collections ?? {})) {
    const was = before?.collections?.[name] ?? { count: 0, size: 0 };
    byCollection[name] = { count: stats.count - was.count, bytes: stats.size - was.size };
  }
  const storeBytes = delta(after?.dataBytes, before?.dataBytes);
  const storeRss = delta(after?.storeRssMb, before?.storeRssMb);
  return {
    name: output.engine,
    version: output.version,
    sequential: output.sequential.perSecond,
    concurrent: output.concurrent.perSecond,
    storeCpuMsPerInstance: storeCpu === undefined ? undefined : storeCpu / 1000 / output.sequential.instances,
    sideCpuMsPerInstance: output.sequential.cpuMsPerInstance,
    heapBytes: output.waiting.heapBytesPerInstance,
    rssBytes: output.waiting.rssBytesPerInstance,
    storeBytes: storeBytes === undefined ? undefined : storeBytes / n,
    storeRssBytes: storeRss === undefined ? undefined : (storeRss * 2 ** 20) / n,
    byCollection,
    run,
  };
}

const kb = (bytes: number | undefined, digits = 1): string =>
  bytes === undefined || Number.isNaN(bytes) ? '—' : `${fixed(bytes / 1024, digits)} KB`;

function sideRows(f: SideFigures, concurrency: number, waiting: number): Row[] {
  const collections = Object.entries(f.byCollection)
    .filter(([, c]) => c.count !== 0 || c.bytes !== 0)
    .map(([name, c]) => `${name} ${c.count} docs ${kb(c.bytes / waiting, 2)}/inst`)
    .join(', ');
  const logs = f.run.output.waiting.heapBytesPerInstanceWithLogs;
  return [
    {
      section: 'B',
      figure: `${f.name}: instances/s, sequential`,
      value: `${fixed(f.sequential, 1)}/s`,
      detail:
        `p50 ${fixed(f.run.output.sequential.p50Ms, 1)} / p99 ${fixed(f.run.output.sequential.p99Ms, 1)} ms; CPU ms/inst: ` +
        `engine process ${fixed(f.sideCpuMsPerInstance, 1)}, store ${fixed(f.storeCpuMsPerInstance, 1)}`,
    },
    {
      section: 'B',
      figure: `${f.name}: instances/s, ${concurrency} in flight`,
      value: `${fixed(f.concurrent, 1)}/s`,
      detail: `p50 ${fixed(f.run.output.concurrent.p50Ms, 1)} / p99 ${fixed(f.run.output.concurrent.p99Ms, 1)} ms`,
    },
    {
      section: 'B',
      figure: `${f.name}: memory per waiting instance`,
      value: `${fixed(f.heapBytes, 0)} B heap`,
      detail:
        `${waiting} waiting at the user task: engine process heap ${fixed(f.heapBytes, 0)} B, RSS ${kb(f.rssBytes)}` +
        (logs === undefined ? '' : ` (heap ${fixed(logs, 0)} B before its server log was cleared)`) +
        `; store ${kb(f.storeBytes, 2)} BSON (${collections}), store RSS ${kb(f.storeRssBytes)}`,
    },
  ];
}

export interface CompareReport extends SectionReport {
  preplan?: SideFigures;
  bpmnServer?: SideFigures;
}

export async function runCompareFigures(
  settings: CompareSettings,
  log: (message: string) => void,
): Promise<CompareReport> {
  const report: CompareReport = emptySection();
  try {
    ensureBpmnServer(log);
  } catch (error) {
    recordFailure(report, 'B', 'installing bpmn-server', error, log);
    return report;
  }
  const sides = [
    { key: 'preplan' as const, module: path.join(ROOT, 'bench', 'compare', 'preplan-side.ts') },
    { key: 'bpmnServer' as const, module: path.join(PACKAGE_DIR, 'bpmn-server-side.ts') },
  ];
  for (const side of sides) {
    log(
      `${side.key}: ${settings.durationMs} ms per throughput figure, then ${settings.waiting} waiting instances`,
    );
    try {
      const figures = figuresOf(await runSideProcess(side.module, settings, side.key));
      report[side.key] = figures;
      report.rows.push(...sideRows(figures, settings.concurrency, settings.waiting));
      log(
        `  ${figures.name} ${figures.version}: ${fixed(figures.sequential, 1)}/s sequential, ${fixed(figures.concurrent, 1)}/s ` +
          `×${settings.concurrency}; ${fixed(figures.heapBytes, 0)} B heap and ${kb(figures.storeBytes, 2)} in the store per waiting instance`,
      );
    } catch (error) {
      recordFailure(report, 'B', `${side.key} side`, error, log);
    }
  }
  const { preplan: p, bpmnServer: b } = report;
  if (p && b) {
    const ratio = (x: number | undefined, y: number | undefined): string =>
      x === undefined || y === undefined ? '—' : fixed(x / y, 2);
    report.rows.push(
      {
        section: 'B',
        figure: 'preplan ÷ bpmn-server, instances/s',
        value: ratio(p.sequential, b.sequential),
        detail: `sequential; ${ratio(p.concurrent, b.concurrent)} with ${settings.concurrency} in flight (above 1: preplan is faster)`,
      },
      {
        section: 'B',
        figure: 'preplan ÷ bpmn-server, memory per waiting instance',
        value: ratio(p.storeBytes, b.storeBytes),
        detail:
          `store BSON bytes (below 1: preplan needs less); store RSS ${ratio(p.storeRssBytes, b.storeRssBytes)}; ` +
          `engine heap ${fixed(p.heapBytes, 0)} B vs ${fixed(b.heapBytes, 0)} B (neither keeps an engine in memory: ` +
          'within GC noise, so no ratio)',
      },
    );
  }
  report.details.compare = { settings, preplan: p, bpmnServer: b };
  report.method.push(
    `B: each engine in a child process of its own against a fresh embedded store (in memory) of its own, on the engine ` +
      `bench's diagram (start → service task camunda:type="external" → user task → end). preplan: the persisted runtime ` +
      `(service as a durable job, run by runDue). bpmn-server ${b?.version ?? ''}: BPMNServer with ModelsDatastoreDB, ` +
      'DataStore and NoCacheManager on its mongodb 3.x driver, cron off, console logging off; its ServiceTask calls the ' +
      "app delegate's serviceCalled inline; the user task is completed with engine.invoke. Instances/s: " +
      `${settings.durationMs} ms after ${settings.warmupMs} ms warm-up, 1 at a time and ${settings.concurrency} in flight. ` +
      `Memory: ${settings.waiting} instances started (${settings.startConcurrency} at a time) and left at the user task; heap ` +
      "after GC and RSS of the engine's process, the store's BSON bytes (collStats) and RSS, before and after, per instance.",
  );
  return report;
}
