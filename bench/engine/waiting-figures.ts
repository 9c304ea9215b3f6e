/** Figure 3 of the engine bench: many instances waiting at a user task with a boundary timer. */
import { performance } from 'node:perf_hooks';
import { cpuMark, cpuSince } from '../support/cpu-meter.js';
import { fixed, signed } from '../support/format.js';
import { settledMemory } from '../support/heap.js';
import { percentile } from '../support/percentile.js';
import { processRssMb } from '../support/proc-stats.js';
import type { SectionReport } from '../support/report.js';
import type { LoadedDefinition } from '../../src/engine/runtime/definition-cache.js';
import { WAIT_KEY } from './diagrams.js';
import { rawEngineFootprintKb } from './in-memory-engine.js';
import { checkNoise, type MeasureContext } from './measure.js';
import type { Node } from './persisted-node.js';

/** Starts `count` waiting instances, `concurrency` at a time; the first one's id. */
export async function startWaiting(
  node: Node,
  count: number,
  concurrency: number,
  log: (message: string) => void,
  latencies: number[] = [],
): Promise<string> {
  let next = 0;
  let done = 0;
  let first: string | undefined;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      const t = performance.now();
      const instance = await node.runtime.start(WAIT_KEY, { actor: 'bench', variables: { grade: 1 } });
      latencies.push(performance.now() - t);
      if (instance.status !== 'running')
        throw new Error(`waiting instance ${instance._id} is ${instance.status}`);
      first ??= instance._id;
      if (++done % 2000 === 0) log(`  … ${done} started`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return first!;
}

/** Starts the waiting instances and reports what they cost: time, heap, RSS, documents. */
export async function waitingFigures(
  node: Node,
  flow: LoadedDefinition,
  settings: { waiting: number; startConcurrency: number },
  context: MeasureContext,
  report: SectionReport,
): Promise<string> {
  const { waiting, startConcurrency } = settings;
  const serverRssBefore = processRssMb(context.serverPid);
  const before = settledMemory();
  const mark = cpuMark(context.serverPid);
  const latencies: number[] = [];
  const firstWaiting = await startWaiting(node, waiting, startConcurrency, context.log, latencies);
  const cpu = cpuSince(mark);
  checkNoise(context, `${waiting} starts`, cpu);
  const after = settledMemory();
  const serverRssAfter = processRssMb(context.serverPid);
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
  const sample = await node.stores.instances.load(firstWaiting);
  const jsonBytes = (value: unknown): number | undefined =>
    value === undefined ? undefined : Buffer.byteLength(JSON.stringify(value));
  const instanceBytes = jsonBytes(sample ?? undefined);
  const engineStateBytes = jsonBytes(sample?.engineState ?? undefined);
  const engineKb = await rawEngineFootprintKb(flow);
  const perInstanceBytes = ((after.heapUsedMb - before.heapUsedMb) * 2 ** 20) / waiting;
  report.details.waiting = {
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
    fixed(us === undefined ? undefined : us / waiting / 1000, 2);
  report.rows.push(
    {
      section: '3',
      figure: `${waiting} starts, ${startConcurrency} concurrent`,
      value: `${fixed(seconds, 1)} s`,
      detail:
        `${fixed(waiting / seconds, 0)} starts/s; p50 ${fixed(percentile(latencies, 50), 1)} / ` +
        `p99 ${fixed(percentile(latencies, 99), 1)} ms; CPU ms/start: bench JS ${perStart(cpu.clientMainUs)}, ` +
        `server ${perStart(cpu.serverUs)}`,
    },
    {
      section: '3',
      figure: 'bench heap used, after GC',
      value: `${signed(after.heapUsedMb - before.heapUsedMb, 1)} MB`,
      detail: `${fixed(before.heapUsedMb, 1)} → ${fixed(after.heapUsedMb, 1)} MB: ${fixed(perInstanceBytes, 0)} bytes per waiting instance`,
      target: '< 1 KB/instance: no engine kept for a waiting instance',
      // below a few thousand instances, GC noise (~1 MB) dominates the per-instance figure
      met: waiting >= 2000 ? perInstanceBytes < 1024 : undefined,
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
      detail: `heap of an in-memory bpmn-engine parked at its user task (200 held): ×${waiting} = ${fixed((engineKb * waiting) / 1024, 0)} MB`,
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
  if (counts.instancesRunning !== waiting || counts.jobsPendingTimers < waiting)
    report.notes.push(
      `3: expected ${waiting} running ${WAIT_KEY} instances with a pending timer each; ` +
        `found ${counts.instancesRunning} instances and ${counts.jobsPendingTimers} pending timer jobs`,
    );
  context.log(
    `  ${waiting} starts in ${fixed(seconds, 1)} s; heap ${fixed(before.heapUsedMb, 1)} → ${fixed(after.heapUsedMb, 1)} MB, ` +
      `rss ${fixed(before.rssMb, 1)} → ${fixed(after.rssMb, 1)} MB; a raw waiting engine holds ${fixed(engineKb, 0)} KB`,
  );
  return firstWaiting;
}
