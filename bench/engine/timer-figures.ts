/**
 * Figures 4 and 4b of the engine bench: a node restarted over the waiting instances (ready
 * how fast, overdue timers fired how late), and a running node's scheduler with many timers
 * falling due in the same second.
 */
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../../src/engine/clock.js';
import { deployDefinition } from '../../src/engine/definitions/deploy-definition.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import { cpuMark, cpuSince } from '../support/cpu-meter.js';
import { fixed } from '../support/format.js';
import { percentile } from '../support/percentile.js';
import type { SectionReport } from '../support/report.js';
import { CATALOG, WAIT_KEY, WAIT_XML } from './diagrams.js';
import { checkNoise, type MeasureContext } from './measure.js';
import { completeOpenTask, createNode, explainClaim, type Node } from './persisted-node.js';
import { DEFAULT_JOB_WORKERS } from '../../src/engine/jobs/job-runner.js';
import { startWaiting } from './waiting-figures.js';

const HOUR = 3_600_000;

/** p50, p99 and max of ascending `sorted`. */
function spread(sorted: number[]) {
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
}

/**
 * A new node on the same store (new connection, stores, cache, runtime, runner), ready to serve
 * once repair() has run; then the clock passes the waiting instances' deadline and it fires
 * `timers` of them. Returns the restarted node (the caller closes it).
 */
export async function restartFigures(
  uri: string,
  clock: ManualClock,
  firstWaiting: string,
  settings: { waiting: number; timers: number },
  context: MeasureContext,
  report: SectionReport,
  nodes: Node[],
): Promise<void> {
  const timers = Math.min(settings.timers, Math.max(1, settings.waiting - 1));
  const t0 = performance.now();
  const restarted = await createNode(uri, clock);
  nodes.push(restarted);
  const t1 = performance.now();
  const repaired = await restarted.runtime.repair();
  const t2 = performance.now();
  await completeOpenTask(restarted, firstWaiting);
  const t3 = performance.now();
  report.details.restart = {
    connectAndInitMs: t1 - t0,
    repairMs: t2 - t1,
    repaired,
    firstCommandMs: t3 - t2,
    totalMs: t3 - t0,
  };
  report.rows.push({
    section: '4',
    figure: 'restart → first command served',
    value: `${fixed(t3 - t0, 0)} ms`,
    detail:
      `connect + store init ${fixed(t1 - t0, 0)}, repair() ${fixed(t2 - t1, 0)} (${repaired} repaired), ` +
      `find task + completeTask ${fixed(t3 - t2, 0)} ms`,
  });
  report.method.push(
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
  report.details.claimDueNothingDue = { ms: claimMs, plan };
  report.rows.push({
    section: '4',
    figure: 'one claimDue, nothing due',
    value: `${fixed(claimMs, 2)} ms`,
    detail: `server plan ${plan.stage ?? '—'}, ${plan.examined ?? '—'} documents examined (${plan.jobs} jobs stored)`,
  });
  context.log(
    `  ready in ${fixed(t3 - t0, 0)} ms (repair ${fixed(t2 - t1, 0)} ms, first command ${fixed(t3 - t2, 0)} ms)`,
  );

  clock.advance(HOUR + 1000);
  context.log(`  clock advanced past 1 h: ${settings.waiting - 1} timers overdue; runDue(${timers})`);
  restarted.runtime.timerFiredAt = [];
  const mark = cpuMark(context.serverPid);
  const due = performance.now();
  const fired = await restarted.runner.runDue(timers);
  const cpu = cpuSince(mark);
  checkNoise(context, 'overdue timers', cpu);
  const firedAt = restarted.runtime.timerFiredAt;
  restarted.runtime.timerFiredAt = null;
  const lateness = firedAt.map((at) => at - due).sort((a, b) => a - b);
  const gaps = firedAt.map((at, i) => at - (i === 0 ? due : firedAt[i - 1])).sort((a, b) => a - b);
  const db = restarted.connection.db!;
  const timedOut = await db
    .collection('instances')
    .countDocuments({ definitionKey: WAIT_KEY, status: 'completed' });
  report.details.timers = {
    fired,
    seconds: cpu.wallMs / 1000,
    cpu,
    latenessMs: spread(lateness),
    perTimerMs: spread(gaps),
    completedAfter: timedOut,
    cancelledTasksAfter: await db.collection('tasks').countDocuments({ status: 'cancelled' }),
  };
  report.rows.push(
    {
      section: '4',
      figure: `restarted node fires ${fired} overdue timers`,
      value: `${fixed(cpu.wallMs / 1000, 2)} s`,
      detail:
        `${fixed(fired / (cpu.wallMs / 1000), 0)} timers/s; each p50 ${fixed(percentile(gaps, 50), 1)} / ` +
        `p99 ${fixed(percentile(gaps, 99), 1)} ms; CPU ms/timer: bench JS ${fixed((cpu.clientMainUs ?? NaN) / fired / 1000, 2)}, ` +
        `server ${fixed((cpu.serverUs ?? NaN) / fired / 1000, 2)}`,
    },
    {
      section: '4',
      figure: 'overdue timer lateness after restart',
      value: `p99 ${fixed(percentile(lateness, 99) / 1000, 2)} s`,
      detail: `fired − the moment they were all overdue, wall: p50 ${fixed(percentile(lateness, 50) / 1000, 2)} s, max ${fixed((lateness.at(-1) ?? NaN) / 1000, 2)} s; the first after ${fixed(lateness[0], 0)} ms`,
    },
  );
  report.method.push(
    `4: timers: the ManualClock is advanced 1 h 1 s, so all ${settings.waiting - 1} deadline timers are overdue at ` +
      `one wall-clock instant; runDue(${timers}) on the restarted node fires them one after another, so a ` +
      "timer's lateness (wall time from that instant to the end of its fireTimer) is its position × the time per timer.",
  );
  if (fired !== timers) report.notes.push(`4: runDue(${timers}) ran ${fired} jobs`);
  if (firedAt.length !== fired)
    report.notes.push(`4: runDue ran ${fired} jobs but ${firedAt.length} were timers`);
  if (timedOut !== fired + 1)
    report.notes.push(
      `4: after ${fired} deadline timers and one completed task, ${timedOut} ${WAIT_KEY} instances are completed (expected ${fired + 1})`,
    );
  context.log(
    `  fired ${fired} timers in ${fixed(cpu.wallMs / 1000, 2)} s (${fixed(fired / (cpu.wallMs / 1000), 0)}/s)`,
  );
}

/**
 * `timers` instances on their own database whose deadline timers fall due in the same second,
 * fired by a node's scheduler (JobRunner.start with the node's poll interval), as in production.
 */
export async function dueTogetherFigures(
  uri: string,
  settings: { timers: number; startConcurrency: number; pollMs: number },
  context: MeasureContext,
  report: SectionReport,
  nodes: Node[],
): Promise<void> {
  const { timers, pollMs } = settings;
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  // As a node runs it: the default number of workers.
  const node = await createNode(uri, clock, { dbName: 'engine_bench_timers', workers: DEFAULT_JOB_WORKERS });
  nodes.push(node);
  await node.connection.dropDatabase();
  await Promise.all(Object.values(node.stores).map((store) => store.init()));
  await deployDefinition(node.stores.definitions, WAIT_XML, { catalog: CATALOG, deployedBy: 'bench' });
  await stopDiagramValidator();
  context.log(
    `4b. ${timers} instances whose timers fall due in the same second, on a node with its scheduler`,
  );
  await startWaiting(node, timers, settings.startConcurrency, context.log);
  node.runtime.timerFiredAt = [];
  node.runner.start(pollMs);
  try {
    // Let the scheduler settle into its polling (its first tick finds nothing due).
    await new Promise((resolve) => setTimeout(resolve, 2 * pollMs));
    const mark = cpuMark(context.serverPid);
    clock.advance(HOUR + 1000);
    const due = performance.now();
    const firedAt = node.runtime.timerFiredAt;
    const limitMs = Math.max(120_000, timers * 200);
    while (firedAt.length < timers && performance.now() - due < limitMs)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const cpu = cpuSince(mark);
    checkNoise(context, 'timers due together', cpu);
    const lateness = firedAt.map((at) => at - due).sort((a, b) => a - b);
    report.details.timersDueTogether = {
      timers,
      fired: firedAt.length,
      pollMs,
      latenessMs: spread(lateness),
      cpu,
    };
    report.rows.push({
      section: '4b',
      figure: `${timers} timers due in the same second: lateness`,
      value: `p99 ${fixed(percentile(lateness, 99) / 1000, 2)} s`,
      detail:
        `scheduler polling every ${pollMs} ms; p50 ${fixed(percentile(lateness, 50) / 1000, 2)} s, max ` +
        `${fixed((lateness.at(-1) ?? NaN) / 1000, 2)} s, first ${fixed(lateness[0], 0)} ms; ` +
        `${fixed(firedAt.length / (cpu.wallMs / 1000), 0)} timers/s; CPU ms/timer: bench JS ${fixed((cpu.clientMainUs ?? NaN) / Math.max(1, firedAt.length) / 1000, 2)}, server ${fixed((cpu.serverUs ?? NaN) / Math.max(1, firedAt.length) / 1000, 2)}`,
    });
    report.method.push(
      `4b: ${timers} instances of ${WAIT_KEY} started at one virtual instant on a fresh database of the same store; the ` +
        `node's scheduler (JobRunner.start, poll ${pollMs} ms, ${DEFAULT_JOB_WORKERS} workers) runs; the ManualClock then passes their deadline at one ` +
        'wall-clock instant, and each timer is late by the wall time from that instant to the end of its fireTimer.',
    );
    if (firedAt.length !== timers)
      report.notes.push(`4b: ${firedAt.length} of ${timers} timers fired within ${limitMs / 1000} s`);
    context.log(
      `  ${firedAt.length} fired; lateness p50 ${fixed(percentile(lateness, 50), 0)} ms, p99 ${fixed(percentile(lateness, 99), 0)} ms`,
    );
  } finally {
    await node.runner.stop();
    node.runtime.timerFiredAt = null;
  }
}
