/**
 * A chaos or load run: a cluster (test/support/cluster.ts), the simulated staff working cases
 * through the API, nodes killed and restarted at random (chaos) or left alone (load), then every
 * check: each case ends as its scenario's fault-free case, no task completed twice, no activity
 * or timer run twice, every message delivered once (a repeat only where a kill explains it),
 * the sweeps' schedule without gaps, every history chain intact. Used by bench/chaos.ts
 * (`npm run chaos`, `npm run load`) and test/scale/chaos-short.test.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { startCluster, type Cluster } from '../../test/support/cluster.js';
import { percentile } from '../support/percentile.js';
import { ApiStats, NodePool, signInStaff } from './staff-client.js';
import { CaseDriver, type CaseRun } from './case-driver.js';
import { KillLoop, type KillRecord } from './kill-loop.js';
import { LeaseWatch } from './lease-watch.js';
import { collectCases } from './case-shape.js';
import { compareCases } from './compare-cases.js';
import { verifyChains } from './verify-chains.js';
import { checkPeers, type PeerCheck } from './peer-check.js';
import { checkSweeps, Sweeper, type SweepCheck } from './sweeps.js';
import { SCENARIOS, scenarioOf } from './scenarios.js';
import { cpuMark, cpuSince, type CpuSpent } from './cluster-cpu.js';

export interface ChaosOptions {
  /** Cases driven in the measured batch (the fault-free reference cases come on top). */
  cases: number;
  /** Kill nodes during the batch (chaos) or not (load). */
  kills: boolean;
  /** Fewer kills than this is a violation (chaos only). */
  minKills: number;
  nodes: number;
  /** Cases in flight at once. */
  concurrency: number;
  seed: number;
  /** PREPLAN_JOB_LEASE_MS of the nodes. */
  leaseMs: number;
  /** Pause between kills and before a restart, ms. */
  gapMs: [number, number];
  downMs: [number, number];
  /** The sweep schedule's period, s (divides 60). */
  sweepEverySec: number;
  /** How long one step of a case may wait before the case fails, ms. */
  stepTimeoutMs: number;
  runner?: 'tsx' | 'dist';
  /** Called once the cluster is up (a bench tracks its store process). */
  onCluster?: (cluster: Cluster) => void;
  /** Progress lines. */
  log: (line: string) => void;
}

export const CHAOS_DEFAULTS: ChaosOptions = {
  cases: 500,
  kills: true,
  minKills: 30,
  nodes: 3,
  concurrency: 12,
  seed: 0,
  leaseMs: 5000,
  gapMs: [5000, 20_000],
  downMs: [200, 3000],
  sweepEverySec: 30,
  stepTimeoutMs: 240_000,
  log: () => undefined,
};

export interface LatencyRow {
  op: string;
  count: number;
  p50: number;
  p99: number;
  max: number;
  resent: number;
}

export interface ChaosReport {
  mode: 'chaos' | 'load';
  seed: number;
  options: Omit<ChaosOptions, 'log' | 'onCluster'>;
  ms: { startup: number; reference: number; batch: number; settle: number; verify: number; total: number };
  cases: { batch: number; reference: number; closed: number; failed: number; differing: number };
  scenarios: Array<{ name: string; cases: number; asFaultFree: number }>;
  tasks: { completions: number; repeatsRefused: number };
  kills: { total: number; holdingJobs: number; restartP50Ms: number; byNode: Record<string, number> };
  /** Times a running job was seen held by each node (the work spread over the cluster). */
  jobSightingsByNode: Record<string, number>;
  peers: Omit<PeerCheck, 'violations'>;
  sweeps: Omit<SweepCheck, 'violations'>;
  chains: { instances: number; events: number; broken: number };
  throughput: { casesPerSec: number };
  /** What the nodes logged at warn level or above, by message (crash repairs, retries, errors). */
  nodeWarnings: Record<string, number>;
  /** CPU spent during the batch (a killed node's CPU is not counted). */
  cpu: CpuSpent;
  latency: LatencyRow[];
  violations: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `count` tasks with at most `limit` at once. */
async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

/** Waits until no job is due or running and no outbox is owed, twice in a row. */
async function settle(connection: Connection, leases: LeaseWatch, limitMs: number): Promise<string | null> {
  const deadline = Date.now() + limitMs;
  let calm = 0;
  let reason: string | null = null;
  while (Date.now() < deadline) {
    const db = connection.db!;
    const due = await db.collection('jobs').countDocuments({ runAt: { $lte: new Date() } });
    const running = (await leases.running()).length;
    const owed = await db.collection('instances').countDocuments({ pendingOutbox: true });
    reason = due || running || owed ? `${due} job(s) due, ${running} running, ${owed} outbox(es) owed` : null;
    calm = reason ? 0 : calm + 1;
    if (calm >= 2) return null;
    await sleep(500);
  }
  return reason;
}

function latencyRows(stats: ApiStats): LatencyRow[] {
  return [...stats.latencies.entries()]
    .map(([op, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return {
        op,
        count: sorted.length,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? NaN,
        resent: stats.resends.get(op) ?? 0,
      };
    })
    .sort((a, b) => b.count - a.count);
}

/** What the nodes logged at warn level or above, counted by message with numbers and ids elided. */
function warningsByMessage(lines: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) {
    let message = line.replace(/^\[[^\]]*\]\s*/, '').slice(0, 100);
    try {
      message = String((JSON.parse(line.slice(line.indexOf('{'))) as { msg?: string }).msg ?? message)
        .replace(/[\w.:~@-]*\d[\w.:~@-]*/g, '…')
        .slice(0, 100);
    } catch {
      // stderr, or a line cut short: keep its beginning
    }
    counts[message] = (counts[message] ?? 0) + 1;
  }
  return counts;
}

export async function runChaos(overrides: Partial<ChaosOptions> = {}): Promise<ChaosReport> {
  const options: ChaosOptions = { ...CHAOS_DEFAULTS, ...overrides };
  const { log } = options;
  const violations: string[] = [];
  const runId = randomBytes(3).toString('hex');
  const t0 = Date.now();
  const every = options.sweepEverySec;
  const cluster: Cluster = await startCluster({
    nodes: options.nodes,
    leaseMs: options.leaseMs,
    runner: options.runner,
    plan: { sweeps: { workdays: `*/${every} * * * * MON-FRI`, weekends: `*/${every} * * * * SAT,SUN` } },
  });
  options.onCluster?.(cluster);
  const leases = new LeaseWatch((await cluster.stores()).connection);
  let killer: KillLoop | undefined;
  let sweeper: Sweeper | undefined;
  try {
    const { connection } = await cluster.stores();
    const startupMs = Date.now() - t0;
    log(`cluster of ${options.nodes} nodes up in ${(startupMs / 1000).toFixed(1)} s (run ${runId})`);
    leases.start();
    const stats = new ApiStats();
    const nodes = new NodePool(() => cluster.readyUrls());
    const { staff, county } = await signInStaff(nodes, stats);
    const driverOptions = {
      runId,
      staff,
      county,
      smtp: cluster.smtp,
      stepTimeoutMs: options.stepTimeoutMs,
    };
    sweeper = new Sweeper(staff.monitor);
    sweeper.start();

    // Every scenario once, without faults: what each case of the batch must end like.
    const referenceStarted = Date.now();
    const reference = await Promise.all(
      SCENARIOS.map((scenario, i) =>
        CaseDriver.drive({ ...driverOptions, runId: `${runId}-ref` }, i, scenario),
      ),
    );
    const referenceMs = Date.now() - referenceStarted;
    for (const run of reference)
      if (run.error) violations.push(`fault-free ${run.scenario.name}: ${run.error}`);
    log(`fault-free reference: ${reference.length} scenarios in ${(referenceMs / 1000).toFixed(1)} s`);

    stats.reset();
    const batchStarted = Date.now();
    let done = 0;
    if (options.kills) {
      killer = new KillLoop(cluster, leases, {
        seed: options.seed,
        gapMs: options.gapMs,
        downMs: options.downMs,
        // Spread the kills still needed over the time the batch will probably take yet.
        pace: () => {
          const needed = options.minKills - (killer?.kills.length ?? 0);
          if (needed <= 0 || done === 0) return undefined;
          const left = ((Date.now() - batchStarted) / done) * (options.cases - done);
          return left / (needed + 1);
        },
      });
      killer.start();
    }
    const cpuAtStart = cpuMark(cluster);
    const runs: CaseRun[] = await pool(options.cases, options.concurrency, async (i) => {
      const run = await CaseDriver.drive(driverOptions, i, scenarioOf(i));
      done++;
      if (done % 25 === 0 || done === options.cases)
        log(
          `${done}/${options.cases} cases in ${((Date.now() - batchStarted) / 1000).toFixed(0)} s` +
            (killer ? `, ${killer.kills.length} kills` : ''),
        );
      return run;
    });
    const batchMs = Date.now() - batchStarted;
    const cpu = cpuSince(cluster, cpuAtStart);
    const latency = latencyRows(stats);
    await killer?.stop();
    const kills: KillRecord[] = killer?.kills ?? [];
    if (killer) violations.push(...killer.errors);
    if (options.kills && kills.length < options.minKills)
      violations.push(`only ${kills.length} kills, fewer than ${options.minKills} (shorten --kill-gap)`);

    const settleStarted = Date.now();
    const unsettled = await settle(connection, leases, 120_000);
    if (unsettled) violations.push(`the cluster did not settle within 120 s: ${unsettled}`);
    await sweeper.stop();
    const sweepsDoneAt = Date.now();
    await leases.stop();
    const settleMs = Date.now() - settleStarted;

    const verifyStarted = Date.now();
    log('checking…');
    const failed = runs.filter((run) => run.error);
    for (const run of failed) violations.push(`case #${run.index} (${run.scenario.name}): ${run.error}`);
    for (const exit of cluster.unexpectedExits())
      violations.push(
        `node ${exit.node} exited on its own (${exit.code ?? exit.signal}):\n${exit.output.slice(-2000)}`,
      );

    const compared = compareCases(await collectCases(connection), reference, runs);
    violations.push(...compared.violations);

    const peers = await checkPeers({
      connection,
      smtp: cluster.smtp,
      http: cluster.http,
      kills: cluster.kills,
      spans: leases.spans,
    });
    violations.push(...peers.violations);
    const sweeps = await checkSweeps(
      connection,
      every * 1000,
      { firstLook: t0 + startupMs, lastLook: sweepsDoneAt },
      {
        slackMs: 2 * options.leaseMs,
        spans: leases.spans,
        kills: cluster.kills,
      },
    );
    violations.push(...sweeps.violations, ...sweeper.errors);

    const everyCase = [...reference, ...runs].flatMap((run) => (run.caseId ? [run.caseId] : []));
    const chains = await verifyChains(staff.auditor, everyCase, connection);
    violations.push(...chains.violations);

    const byNode: Record<string, number> = {};
    for (const kill of kills) byNode[kill.node] = (byNode[kill.node] ?? 0) + 1;
    const sightings: Record<string, number> = {};
    for (const [owner, n] of leases.sightings) {
      const name = owner.split('/')[0];
      sightings[name] = (sightings[name] ?? 0) + n;
    }
    const restarts = kills
      .flatMap((kill) => (kill.restartMs === undefined ? [] : [kill.restartMs]))
      .sort((a, b) => a - b);
    const verifyMs = Date.now() - verifyStarted;
    const { log: _log, onCluster: _onCluster, ...settings } = options;
    return {
      mode: options.kills ? 'chaos' : 'load',
      seed: options.seed,
      options: settings,
      ms: {
        startup: startupMs,
        reference: referenceMs,
        batch: batchMs,
        settle: settleMs,
        verify: verifyMs,
        total: Date.now() - t0,
      },
      cases: {
        batch: runs.length,
        reference: reference.length,
        closed: compared.closed,
        failed: failed.length,
        differing: compared.differing,
      },
      scenarios: SCENARIOS.map((s) => ({
        name: s.name,
        ...(compared.perScenario.get(s.name) ?? { cases: 0, asFaultFree: 0 }),
      })),
      tasks: {
        completions: [...reference, ...runs].reduce((n, run) => n + run.completions, 0),
        repeatsRefused: [...reference, ...runs].reduce((n, run) => n + run.repeatsRefused, 0),
      },
      kills: {
        total: kills.length,
        holdingJobs: kills.filter((kill) => kill.heldJobs > 0).length,
        restartP50Ms: percentile(restarts, 50),
        byNode,
      },
      jobSightingsByNode: sightings,
      peers: {
        messages: peers.messages,
        explainedRepeats: peers.explainedRepeats,
        reminders: peers.reminders,
      },
      sweeps: { occurrences: sweeps.occurrences, skipped: sweeps.skipped, latenessMs: sweeps.latenessMs },
      chains: { instances: chains.instances, events: chains.events, broken: chains.broken },
      throughput: { casesPerSec: runs.length / (batchMs / 1000) },
      nodeWarnings: warningsByMessage(cluster.complaints()),
      cpu,
      latency,
      violations,
    };
  } finally {
    await killer?.stop().catch(() => undefined);
    await sweeper?.stop().catch(() => undefined);
    await leases.stop().catch(() => undefined);
    await cluster.stop();
  }
}
