/**
 * `npm run bench`: every performance figure of the issue in one run, printed as one table and
 * written to bench/results/latest.json:
 *
 *   engine   persisted runtime ÷ raw bpmn-engine on the same diagram; 10,000 waiting instances
 *            (memory, restart to ready, overdue timers after the restart); timers due in the same
 *            second under a node's scheduler; a CPU profile of the persisted path
 *   grade3   the whole grade-3 plan end to end through the API with simulated staff (cases/s,
 *            per-step latency, a CPU profile of the node)
 *   compare  side by side with bpmn-server on the same diagram and store (instances/s, memory per
 *            waiting instance, the ratios)
 *
 *   npm run bench                      # about 5 minutes on 2 cores (more on a busy machine)
 *   npm run bench -- --quick           # the same figures on a smaller scale, about 2½ minutes
 *   npm run bench -- --only compare    # some sections: engine,grade3,compare
 *
 * It reports; it never fails because a target is missed.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { guardChildren, runMain } from './support/child-guard.js';
import { exitWithUsageIf } from './support/cli-flags.js';
import { fixed } from './support/format.js';
import { machineInfo, packageVersion } from './support/machine-info.js';
import { RESULTS_DIR } from './support/paths.js';
import {
  formatRows,
  logger,
  recordFailure,
  emptySection,
  type Row,
  type SectionReport,
} from './support/report.js';
import { printTargets, writeResults } from './support/results-file.js';
import { engineExtras, runEngineFigures, type EngineReport } from './engine/engine-figures.js';
import { ENGINE_DEFAULTS, ENGINE_QUICK } from './engine/engine-settings.js';
import {
  GRADE3_DEFAULTS,
  GRADE3_QUICK,
  grade3Extras,
  runGrade3Figures,
  type Grade3Report,
} from './plan/grade3-figures.js';
import {
  COMPARE_DEFAULTS,
  COMPARE_QUICK,
  runCompareFigures,
  type CompareReport,
} from './compare/compare-figures.js';

const SECTIONS = ['engine', 'grade3', 'compare'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `usage: npm run bench -- [options]

  --quick          smaller counts and shorter figures (about 2½ minutes instead of 5)
  --only LIST      run only these sections: ${SECTIONS.join(',')}
  --out FILE       JSON results (default bench/results/latest.json)

Each section also runs alone with its own options: npm run bench:engine -- --help.
`;

function readSettings(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string', default: path.join(RESULTS_DIR, 'latest.json') },
      help: { type: 'boolean', default: false },
    },
  });
  exitWithUsageIf(values.help, USAGE);
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SECTIONS];
  for (const section of only)
    if (!(SECTIONS as readonly string[]).includes(section))
      throw new Error(`--only: unknown section ${section}\n\n${USAGE}`);
  return {
    quick: values.quick,
    sections: only as Section[],
    out: path.resolve(values.out),
    engine: values.quick ? ENGINE_QUICK : ENGINE_DEFAULTS,
    grade3: values.quick ? GRADE3_QUICK : GRADE3_DEFAULTS,
    compare: values.quick ? COMPARE_QUICK : COMPARE_DEFAULTS,
  };
}

const load = (): number[] => os.loadavg().map((n) => Number(n.toFixed(2)));

/** The figures the issue asks for, picked out of the sections' details for the JSON's summary. */
function headline(engine?: EngineReport, grade3?: Grade3Report, compare?: CompareReport) {
  const d = engine?.details as Record<string, Record<string, unknown> | undefined> | undefined;
  const waiting = d?.waiting as { serverRssAfter?: number; after?: { rssMb: number } } | undefined;
  return {
    persistedOverRaw:
      engine?.persisted && engine.raw ? engine.persisted.perSecond / engine.raw.perSecond : undefined,
    rawPerSecond: engine?.raw?.perSecond,
    persistedPerSecond: engine?.persisted?.perSecond,
    grade3CasesPerSecond: grade3?.casesPerSecond,
    waiting: {
      nodeRssMb: waiting?.after?.rssMb,
      storeRssMb: waiting?.serverRssAfter,
      restartToReadyMs: (d?.restart as { totalMs?: number } | undefined)?.totalMs,
      overdueLatenessMs: (d?.timers as { latenessMs?: unknown } | undefined)?.latenessMs,
    },
    timersDueTogetherLatenessMs: (d?.timersDueTogether as { latenessMs?: unknown } | undefined)?.latenessMs,
    bpmnServer: compare?.bpmnServer && {
      version: compare.bpmnServer.version,
      perSecond: compare.bpmnServer.sequential,
      heapBytesPerWaiting: compare.bpmnServer.heapBytes,
      storeBytesPerWaiting: compare.bpmnServer.storeBytes,
    },
    preplanSideBySide: compare?.preplan && {
      perSecond: compare.preplan.sequential,
      heapBytesPerWaiting: compare.preplan.heapBytes,
      storeBytesPerWaiting: compare.preplan.storeBytes,
    },
  };
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2));
  const watchdogMs = (settings.quick ? 15 : 30) * 60_000;
  guardChildren(watchdogMs, `bench: still running after ${watchdogMs / 60_000} min, giving up`);
  const info = machineInfo({
    mongoose: mongoose.version,
    bpmnEngine: packageVersion('bpmn-engine'),
    bpmnElements: packageVersion('bpmn-elements'),
    express: packageVersion('express'),
  });
  const startedAt = new Date();
  const started = performance.now();
  const reports: Partial<Record<Section, SectionReport>> = {};
  const loadavg: Record<string, { before: number[]; after: number[]; seconds: number }> = {};
  const run = async (section: Section, body: (log: (m: string) => void) => Promise<SectionReport>) => {
    if (!settings.sections.includes(section)) return;
    const log = logger(`bench:${section}`);
    const before = load();
    const t = performance.now();
    log(`starting (load average ${before.join(', ')})`);
    try {
      reports[section] = await body(log);
    } catch (error) {
      const failed = emptySection();
      recordFailure(failed, section, section, error, log);
      reports[section] = failed;
    }
    loadavg[section] = { before, after: load(), seconds: (performance.now() - t) / 1000 };
  };
  await run('engine', (log) => runEngineFigures(settings.engine, log));
  await run('grade3', (log) => runGrade3Figures(settings.grade3, log));
  await run('compare', (log) => runCompareFigures(settings.compare, log));
  const elapsed = (performance.now() - started) / 1000;

  const rows: Row[] = [];
  for (const report of Object.values(reports)) rows.push(...report.rows);
  const method = Object.values(reports).flatMap((report) => report.method);
  const notes = Object.values(reports).flatMap((report) => report.notes);
  process.stdout.write(`\n${reports.engine ? engineExtras(reports.engine) : ''}`);
  process.stdout.write(reports.grade3 ? grade3Extras(reports.grade3) : '');
  process.stdout.write(`\nHow:\n${method.map((line) => `  ${line}`).join('\n')}\n`);
  process.stdout.write(
    `\npreplan bench${settings.quick ? ' (--quick)' : ''} — ${info.cpus} × ${info.cpuModel}, node ${info.node}, ` +
      `bpmn-engine ${info.bpmnEngine}, mongoose ${info.mongoose}; ${fixed(elapsed, 0)} s in all; load average ` +
      `${(info.loadavgAtStart as number[]).map((n) => n.toFixed(2)).join(', ')} at the start, ${load().join(', ')} at the end ` +
      `(other processes' load disturbs the figures; see the warnings)\n\n`,
  );
  process.stdout.write(`${formatRows(rows)}\n`);
  for (const note of notes) process.stdout.write(`\n${note}\n`);
  const missed = rows.filter((row) => row.met === false);
  printTargets(missed.map((row) => row.figure));
  await writeResults(settings.out, {
    bench: 'all',
    startedAt: startedAt.toISOString(),
    elapsedSeconds: elapsed,
    quick: settings.quick,
    settings: { engine: settings.engine, grade3: settings.grade3, compare: settings.compare },
    machine: { ...info, loadavgAtEnd: load(), loadavgBySection: loadavg },
    summary: headline(
      reports.engine as EngineReport | undefined,
      reports.grade3 as Grade3Report | undefined,
      reports.compare as CompareReport | undefined,
    ),
    rows,
    details: Object.fromEntries(
      Object.entries(reports).map(([section, report]) => [section, report.details]),
    ),
    method,
    allTargetsMet: missed.length === 0,
    notes,
  });
}

runMain('bench', main);
