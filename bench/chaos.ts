/**
 * Chaos and load runs of a preplan cluster (see bench/README.md):
 *
 *   npm run chaos                       # 500 cases, nodes killed -9 and restarted at random (≥ 30 kills)
 *   npm run load                        # the same cases without kills: throughput and API latency
 *   npm run chaos -- --cases 40 --min-kills 6 --kill-gap 1000-4000
 *   npm run chaos -- --help
 *
 * Three `preplan serve` processes on loopback share one embedded store (its own process, in
 * memory); simulated staff work the cases through the API, spread over the nodes. Afterwards
 * every case is compared with its scenario's fault-free case and every message counted at the
 * loopback peers. Prints a summary; exits 1 when anything is wrong (chaos and load alike).
 */
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { guardChildren, runMain, trackChild } from './support/child-guard.js';
import { exitWithUsageIf, integerFlag } from './support/cli-flags.js';
import { machineInfo, packageVersion } from './support/machine-info.js';
import { RESULTS_DIR } from './support/paths.js';
import { writeResults } from './support/results-file.js';
import { CHAOS_DEFAULTS, runChaos } from './chaos/run-chaos.js';
import { summary } from './chaos/summary.js';

const USAGE = `usage: npm run chaos -- [options]    (npm run load: the same with --load)

  --load                 no kills: measure throughput (cases/s) and API latency (p50/p99)
  --cases N              cases in the measured batch (default ${CHAOS_DEFAULTS.cases})
  --min-kills N          fewer kills is a violation (default ${CHAOS_DEFAULTS.minKills}; chaos only)
  --kill-gap MIN-MAX     ms between kills (default ${CHAOS_DEFAULTS.gapMs.join('-')})
  --down MIN-MAX         ms a killed node stays down before it is started again (default ${CHAOS_DEFAULTS.downMs.join('-')})
  --nodes N              preplan nodes (default ${CHAOS_DEFAULTS.nodes})
  --concurrency N        cases in flight at once (default ${CHAOS_DEFAULTS.concurrency})
  --lease-ms MS          the nodes' PREPLAN_JOB_LEASE_MS (default ${CHAOS_DEFAULTS.leaseMs})
  --seed N               the kill loop's seed (default random; printed)
  --runner tsx|dist      run the nodes from the sources (default) or from dist/ (npm run build first)
  --out FILE             JSON results (default bench/results/chaos-latest.json, load: load-latest.json)
`;

function range(name: string, value: string): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(value);
  if (!match || Number(match[1]) > Number(match[2]))
    throw new Error(`--${name} must be MIN-MAX in ms, not ${value}\n\n${USAGE}`);
  return [Number(match[1]), Number(match[2])];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      load: { type: 'boolean', default: false },
      cases: { type: 'string' },
      'min-kills': { type: 'string' },
      'kill-gap': { type: 'string' },
      down: { type: 'string' },
      nodes: { type: 'string' },
      concurrency: { type: 'string' },
      'lease-ms': { type: 'string' },
      seed: { type: 'string' },
      runner: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  exitWithUsageIf(values.help, USAGE);
  const load = values.load === true;
  if (values.runner && values.runner !== 'tsx' && values.runner !== 'dist')
    throw new Error(`--runner must be tsx or dist\n\n${USAGE}`);
  const seed = values.seed ? integerFlag('seed', values.seed, 0, USAGE) : randomInt(2 ** 31);
  const cases = values.cases ? integerFlag('cases', values.cases, 1, USAGE) : CHAOS_DEFAULTS.cases;
  // A generous limit: what it catches is a run that stopped moving.
  guardChildren(
    15 * 60_000 + cases * 6000,
    'chaos: still running long after it should have ended, giving up',
  );
  process.stdout.write(
    `${load ? 'load' : 'chaos'} run, seed ${seed} (replay the kill choices: npm run chaos -- --seed ${seed})\n`,
  );
  const report = await runChaos({
    cases,
    kills: !load,
    minKills: values['min-kills']
      ? integerFlag('min-kills', values['min-kills'], 0, USAGE)
      : CHAOS_DEFAULTS.minKills,
    gapMs: values['kill-gap'] ? range('kill-gap', values['kill-gap']) : CHAOS_DEFAULTS.gapMs,
    downMs: values.down ? range('down', values.down) : CHAOS_DEFAULTS.downMs,
    nodes: values.nodes ? integerFlag('nodes', values.nodes, 2, USAGE) : CHAOS_DEFAULTS.nodes,
    concurrency: values.concurrency
      ? integerFlag('concurrency', values.concurrency, 1, USAGE)
      : CHAOS_DEFAULTS.concurrency,
    leaseMs: values['lease-ms']
      ? integerFlag('lease-ms', values['lease-ms'], 500, USAGE)
      : CHAOS_DEFAULTS.leaseMs,
    seed,
    runner: values.runner as 'tsx' | 'dist' | undefined,
    onCluster: (cluster) => trackChild(cluster.storeProcess),
    log: (line) => process.stdout.write(`  ${line}\n`),
  });
  process.stdout.write(`\n${summary(report)}\n`);
  await writeResults(values.out ?? path.join(RESULTS_DIR, load ? 'load-latest.json' : 'chaos-latest.json'), {
    ...report,
    machine: machineInfo({
      mongoose: packageVersion('mongoose'),
      'bpmn-engine': packageVersion('bpmn-engine'),
    }),
  });
  if (report.violations.length > 0) process.exitCode = 1;
}

runMain('chaos', async () => {
  await main();
  if (process.exitCode === 1) process.exit(1);
});
