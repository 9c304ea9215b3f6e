/**
 * Engine benchmark: what keeping every instance in MongoDB costs compared with running
 * bpmn-engine in memory, how 10,000 waiting instances weigh on a node, how fast a restarted
 * node is ready, how late overdue timers and timers due together fire, and where the persisted
 * path spends its CPU.
 *
 *   npm run bench:engine                       # everything, prints a table, writes bench/results/engine-latest.json
 *   npm run bench:engine -- --waiting 2000 --duration 2000
 *   npm run bench:engine -- --help
 *
 * The embedded MongoDB-wire server runs in a child process, in memory, as a real mongod would.
 * The figures are in bench/engine/engine-figures.ts (`npm run bench` runs them too). It reports;
 * it never fails because a target is missed.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { guardChildren, runMain } from './support/child-guard.js';
import { fixed } from './support/format.js';
import { machineInfo, packageVersion } from './support/machine-info.js';
import { RESULTS_DIR } from './support/paths.js';
import { formatRows, logger } from './support/report.js';
import { printTargets, writeResults } from './support/results-file.js';
import { engineExtras, runEngineFigures } from './engine/engine-figures.js';
import { ENGINE_DEFAULTS, ENGINE_OPTIONS, readEngineSettings } from './engine/engine-settings.js';

const USAGE = `usage: npm run bench:engine -- [options]

${ENGINE_OPTIONS}  --out FILE             JSON results (default bench/results/engine-latest.json)
`;

async function main(): Promise<void> {
  const { settings, out } = readEngineSettings(process.argv.slice(2), ENGINE_DEFAULTS, USAGE);
  const outFile = path.resolve(out ?? path.join(RESULTS_DIR, 'engine-latest.json'));
  const watchdogMs = 20 * 60_000;
  guardChildren(watchdogMs, `engine-bench: still running after ${watchdogMs / 60_000} min, giving up`);
  const info = machineInfo({
    mongoose: mongoose.version,
    bpmnEngine: packageVersion('bpmn-engine'),
    bpmnElements: packageVersion('bpmn-elements'),
  });
  const startedAt = new Date();
  const started = performance.now();
  const report = await runEngineFigures(settings, logger('engine-bench'));
  const elapsed = (performance.now() - started) / 1000;

  process.stdout.write(
    `\nengine bench — ${info.cpus} × ${info.cpuModel}, node ${info.node}, bpmn-engine ${info.bpmnEngine}, ` +
      `mongoose ${info.mongoose}; embedded server in memory in a child process; ` +
      `${settings.durationMs} ms per throughput figure after ${settings.warmupMs} ms warm-up; ${fixed(elapsed, 0)} s in all\n\n`,
  );
  process.stdout.write(`${formatRows(report.rows)}\n`);
  if (report.method.length)
    process.stdout.write(`\nHow:\n${report.method.map((line) => `  ${line}`).join('\n')}\n`);
  process.stdout.write(engineExtras(report));
  for (const note of report.notes) process.stdout.write(`\n${note}\n`);
  const missed = report.rows.filter((row) => row.met === false);
  printTargets(missed.map((row) => row.figure));
  await writeResults(outFile, {
    bench: 'engine',
    startedAt: startedAt.toISOString(),
    elapsedSeconds: elapsed,
    settings,
    machine: { ...info, loadavgAtEnd: os.loadavg() },
    rows: report.rows,
    details: report.details,
    method: report.method,
    allTargetsMet: missed.length === 0,
    notes: report.notes,
  });
}

runMain('engine-bench', main);
