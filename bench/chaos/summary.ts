/** The chaos or load run's summary as text: what ran, what was checked, the API's latency, violations. */
import { fixed } from '../support/format.js';
import { formatTable, type Column } from '../support/table.js';
import type { ChaosReport, LatencyRow } from './run-chaos.js';

const seconds = (ms: number) => `${fixed(ms / 1000, 1)} s`;

export function summary(report: ChaosReport): string {
  const { cases, kills, peers, tasks, chains, sweeps, ms } = report;
  const checks: Array<{ check: string; result: string }> = [
    {
      check: 'cases',
      result:
        `${cases.batch} + ${cases.reference} fault-free, ${cases.closed} closed, ${cases.failed} failed, ` +
        `${cases.differing} unlike their fault-free case`,
    },
    {
      check: 'tasks',
      result:
        `${tasks.completions} completed, each once; ${tasks.repeatsRefused} resent after a node died ` +
        'and refused (409: already done)',
    },
    {
      check: 'kills',
      result:
        report.mode === 'load'
          ? 'none (load run)'
          : `${kills.total} × SIGKILL (${kills.holdingJobs} while holding a job lease), restart p50 ` +
            `${seconds(kills.restartP50Ms)}; by node ${JSON.stringify(kills.byNode)}`,
    },
    { check: 'jobs seen running on', result: JSON.stringify(report.jobSightingsByNode) },
    {
      check: 'messages at the peers',
      result:
        `${peers.messages} distinct, ${peers.explainedRepeats.length} repeated after a kill ` +
        '(same idempotency key, sender died holding the job)',
    },
    {
      check: 'reminders / breach notices',
      result: `${peers.reminders.received} delivered, ${peers.reminders.repeats} repeated`,
    },
    {
      check: 'sweep schedule',
      result:
        `${sweeps.occurrences} occurrences started once each, ${sweeps.skipped} skipped (the one before ` +
        `started after them); started late by p50 ${seconds(sweeps.latenessMs.p50)}, max ${seconds(sweeps.latenessMs.max)}`,
    },
    {
      check: 'history chains',
      result: `${chains.instances} instances, ${chains.events} events, ${chains.broken} broken`,
    },
    {
      check: 'time',
      result:
        `${seconds(ms.total)} (cluster ${seconds(ms.startup)}, fault-free ${seconds(ms.reference)}, ` +
        `batch ${seconds(ms.batch)}, settle ${seconds(ms.settle)}, checks ${seconds(ms.verify)})`,
    },
    { check: 'throughput', result: `${fixed(report.throughput.casesPerSec, 2)} cases/s` },
    {
      check: 'CPU during the batch',
      result:
        `store ${fixed(report.cpu.storeS, 1)} s, nodes ${fixed(report.cpu.nodesS, 1)} s` +
        `${report.mode === 'chaos' ? ' (survivors only)' : ''}, staff and peers ${fixed(report.cpu.driverS, 1)} s; ` +
        `other processes ${fixed(report.cpu.otherPercent, 0)} % of a CPU`,
    },
  ];
  const checkColumns: Array<Column<(typeof checks)[number]>> = [
    ['check', (row) => row.check, false],
    ['result', (row) => row.result, false],
  ];
  const latencyColumns: Array<Column<LatencyRow>> = [
    ['request', (row) => row.op, false],
    ['count', (row) => String(row.count), true],
    ['p50 ms', (row) => fixed(row.p50, 1), true],
    ['p99 ms', (row) => fixed(row.p99, 1), true],
    ['max ms', (row) => fixed(row.max, 0), true],
    ['resent', (row) => String(row.resent), true],
  ];
  const scenarioColumns: Array<Column<ChaosReport['scenarios'][number]>> = [
    ['scenario', (row) => row.name, false],
    ['cases', (row) => String(row.cases), true],
    ['as fault-free', (row) => String(row.asFaultFree), true],
  ];
  const violations = report.violations;
  return [
    `${report.mode} run, seed ${report.seed}, ${report.options.nodes} nodes, ${report.options.cases} cases`,
    '',
    formatTable(checkColumns, checks),
    '',
    formatTable(scenarioColumns, report.scenarios),
    '',
    'What the nodes logged at warn level or above (numbers and ids elided):',
    ...Object.entries(report.nodeWarnings)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([message, count]) => `  ${String(count).padStart(5)} × ${message}`),
    '',
    'API latency during the batch (answered requests; "resent": sent again after the node died):',
    formatTable(latencyColumns, report.latency),
    '',
    violations.length === 0
      ? 'no violations'
      : `${violations.length} VIOLATION(S):\n${violations
          .slice(0, 30)
          .map((v) => `  - ${v}`)
          .join('\n')}${violations.length > 30 ? `\n  … and ${violations.length - 30} more` : ''}`,
  ].join('\n');
}
