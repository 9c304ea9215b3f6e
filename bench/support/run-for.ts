import { performance } from 'node:perf_hooks';

/**
 * `workers` loops, each awaiting `op` back to back until `ms` have passed; returns how many ops
 * completed. Each op's latency in ms is pushed to `latencies` unless it is null.
 */
export async function runFor(
  op: (worker: number) => Promise<unknown>,
  workers: number,
  ms: number,
  latencies: number[] | null,
): Promise<number> {
  const deadline = performance.now() + ms;
  let ops = 0;
  const loop = async (worker: number): Promise<void> => {
    for (;;) {
      const started = performance.now();
      if (started >= deadline) return;
      await op(worker);
      latencies?.push(performance.now() - started);
      ops++;
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, worker) => loop(worker)));
  return ops;
}
