/** Throughput of an operation, with the CPU it cost this process and the store, and the noise meanwhile. */
import { cpuMark, cpuSince, type CpuSpent } from '../support/cpu-meter.js';
import { fixed } from '../support/format.js';
import { percentile } from '../support/percentile.js';
import { runFor } from '../support/run-for.js';

export interface Throughput {
  instances: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpu: CpuSpent;
}

export interface MeasureContext {
  /** The store process, whose CPU is read from /proc. */
  serverPid?: number;
  durationMs: number;
  warmupMs: number;
  log: (message: string) => void;
  /** Figures during which other processes used more than a quarter of a CPU. */
  disturbed: string[];
}

export function checkNoise(context: MeasureContext, label: string, cpu: CpuSpent): void {
  if ((cpu.otherPercent ?? 0) > 25)
    context.disturbed.push(`${label} (${cpu.otherPercent!.toFixed(0)}% of a CPU)`);
}

/** `once` back to back in `workers` loops: warm-up, then measured for the context's duration. */
export async function throughput(
  once: () => Promise<void>,
  workers: number,
  context: MeasureContext,
  label: string,
): Promise<Throughput> {
  if (context.warmupMs > 0) await runFor(once, workers, context.warmupMs, null);
  const latencies: number[] = [];
  const mark = cpuMark(context.serverPid);
  const count = await runFor(once, workers, context.durationMs, latencies);
  const cpu = cpuSince(mark);
  checkNoise(context, label, cpu);
  latencies.sort((a, b) => a - b);
  const result = {
    instances: count,
    seconds: cpu.wallMs / 1000,
    perSecond: count / (cpu.wallMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpu,
  };
  const ms = (us: number | undefined): string => (us === undefined ? '—' : (us / count / 1000).toFixed(2));
  context.log(
    `${label}: ${result.perSecond.toFixed(1)} instances/s (${count} in ${result.seconds.toFixed(1)} s), ` +
      `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms; CPU per instance: ` +
      `bench main thread ${ms(cpu.clientMainUs)} ms, bench all threads ${ms(cpu.clientAllUs)} ms, ` +
      `server ${ms(cpu.serverUs)} ms; wall ${(cpu.wallMs / count).toFixed(2)} ms`,
  );
  return result;
}

/** The detail cell of a throughput row: latency and CPU per instance. */
export function cpuDetail(result: Throughput): string {
  const per = (us: number | undefined): string =>
    fixed(us === undefined ? undefined : us / result.instances / 1000, 1);
  return (
    `p50 ${fixed(result.p50Ms, 1)} / p99 ${fixed(result.p99Ms, 1)} ms; CPU ms/inst: bench JS ` +
    `${per(result.cpu.clientMainUs)} (all threads ${per(result.cpu.clientAllUs)}), server ${per(result.cpu.serverUs)}`
  );
}
