/**
 * One engine's side of the side-by-side comparison, measured the same way whichever engine it
 * is: instances per second of start → service task → user task → end (one at a time, then
 * several in flight), then the memory that `waiting` instances parked at their user task cost
 * this process. Each side runs in its own child process (bench/compare/side-child.ts).
 */
import { performance } from 'node:perf_hooks';
import { percentile } from '../support/percentile.js';
import { runFor } from '../support/run-for.js';
import { settledMemory } from '../support/heap.js';

export interface SideEngine {
  name: string;
  version: string;
  /** Connects to the store at `uri` (a database of its own) and deploys the diagram. */
  setup(uri: string, database: string): Promise<void>;
  /** One instance from start to end, its service called and its user task completed. */
  instance(): Promise<void>;
  /** Starts one instance and leaves it waiting at its user task (its service called). */
  startWaiting(): Promise<void>;
  /** Drops memory that is not the instances' (an unbounded debug log); returns what it dropped, if it knows. */
  releaseOwnLogs?(): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface SideInput {
  uri: string;
  database: string;
  durationMs: number;
  warmupMs: number;
  concurrency: number;
  waiting: number;
  startConcurrency: number;
}

export interface SideThroughput {
  instances: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU this process used per instance (the store's is measured by the caller). */
  cpuMsPerInstance: number;
}

export interface SideOutput {
  engine: string;
  version: string;
  sequential: SideThroughput;
  concurrent: SideThroughput;
  waiting: {
    count: number;
    seconds: number;
    heapMbBefore: number;
    heapMbAfter: number;
    rssMbBefore: number;
    rssMbAfter: number;
    heapBytesPerInstance: number;
    rssBytesPerInstance: number;
    /** The heap per instance before the engine's own logs were dropped (when it keeps any). */
    heapBytesPerInstanceWithLogs?: number;
    released?: string;
  };
}

/** Announces a phase to the parent (which reads the store's CPU and memory) and waits for it. */
export type Mark = (phase: string) => Promise<void>;

async function measure(
  engine: SideEngine,
  workers: number,
  input: SideInput,
  mark: Mark,
  label: string,
): Promise<SideThroughput> {
  const once = (): Promise<void> => engine.instance();
  if (input.warmupMs > 0) await runFor(once, workers, input.warmupMs, null);
  await mark(`${label}:start`);
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  const instances = await runFor(once, workers, input.durationMs, latencies);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await mark(`${label}:end`);
  latencies.sort((a, b) => a - b);
  return {
    instances,
    seconds,
    perSecond: instances / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuMsPerInstance: (used.user + used.system) / 1000 / instances,
  };
}

/**
 * Runs the throughput figures, then the waiting instances, marking `sequential:start|end`,
 * `concurrent:start|end` and `waiting:start|end` (after the engine's own logs were dropped).
 */
export async function runSide(engine: SideEngine, input: SideInput, mark: Mark): Promise<SideOutput> {
  await engine.setup(input.uri, input.database);
  const sequential = await measure(engine, 1, input, mark, 'sequential');
  const concurrent = await measure(engine, input.concurrency, input, mark, 'concurrent');
  // What the throughput figures left in the engine's own logs is not the waiting instances'.
  await engine.releaseOwnLogs?.();
  const before = settledMemory();
  await mark('waiting:start');
  const started = performance.now();
  let next = 0;
  const starter = async (): Promise<void> => {
    while (next < input.waiting) {
      next++;
      await engine.startWaiting();
    }
  };
  await Promise.all(Array.from({ length: input.startConcurrency }, starter));
  const seconds = (performance.now() - started) / 1000;
  let after = settledMemory();
  let withLogs: number | undefined;
  let released: string | undefined;
  if (engine.releaseOwnLogs) {
    withLogs = ((after.heapUsedMb - before.heapUsedMb) * 2 ** 20) / input.waiting;
    released = await engine.releaseOwnLogs();
    after = settledMemory();
  }
  await mark('waiting:end');
  await engine.close();
  return {
    engine: engine.name,
    version: engine.version,
    sequential,
    concurrent,
    waiting: {
      count: input.waiting,
      seconds,
      heapMbBefore: before.heapUsedMb,
      heapMbAfter: after.heapUsedMb,
      rssMbBefore: before.rssMb,
      rssMbAfter: after.rssMb,
      heapBytesPerInstance: ((after.heapUsedMb - before.heapUsedMb) * 2 ** 20) / input.waiting,
      rssBytesPerInstance: ((after.rssMb - before.rssMb) * 2 ** 20) / input.waiting,
      heapBytesPerInstanceWithLogs: withLogs,
      released,
    },
  };
}
