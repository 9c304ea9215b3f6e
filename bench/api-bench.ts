/**
 * API benchmark: people working their task lists over HTTP. With --tasks open user tasks
 * (default 10,000), --clients signed-in office users (default 20) each list the open tasks of one
 * activity (`GET /api/tasks?activityId=Handle`) and complete one they listed
 * (`POST /api/tasks/:id/complete` with valid form data), back to back, for --duration. Before
 * that, the same clients call `GET /healthz` for --baseline: the floor of an HTTP round trip
 * through the same server (helmet, request id, metrics, session lookup skipped for no cookie).
 *
 *   npm run bench:api                              # prints a table, writes bench/results/api-latest.json
 *   npm run bench:api -- --tasks 2000 --duration 5000
 *   npm run bench:api -- --help
 *
 * The embedded MongoDB-wire server runs in a child process, in memory, as a real mongod would.
 * The preplan node and its HTTP server run in this process's main thread, with the real
 * processes/, forms/ and config/plan.json; the clients run in a worker thread (their own event
 * loop, plain node:http with keep-alive), so their JSON work does not queue behind the server's.
 * It reports; it never fails because the target is missed.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import type { PreplanNode } from '../src/app/preplan-node.js';
import { startPreplanUnderTest, type PreplanUnderTest } from './api/preplan-under-test.js';
import {
  ACTIVITY_ID,
  newFigures,
  type LoadInput,
  type LoadOutput,
  type OpFigures,
} from './api/task-clients.js';
import { guardChildren, runMain } from './support/child-guard.js';
import { exitWithUsageIf, integerFlag } from './support/cli-flags.js';
import {
  busySamples,
  countSamples,
  relativeUrl,
  topEntries,
  type CpuProfile,
} from './support/cpu-profile.js';
import { fixed } from './support/format.js';
import { machineInfo, packageVersion } from './support/machine-info.js';
import { ROOT, RESULTS_DIR } from './support/paths.js';
import { percentile } from './support/percentile.js';
import { machineBusyUs, otherCpuPercent, processCpuUs } from './support/proc-stats.js';
import { printTargets, writeResults } from './support/results-file.js';
import { formatTable, metCell, type Column } from './support/table.js';
import { spawnWorker, workerResult } from './support/worker.js';

const TARGET_P99_MS = 50;
const PROCESS_KEY = 'api-bench';
const PASSWORD = 'bench-password-1';

/** start → one user task for the office (form subsidence-confirmation) → end. */
const DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
             id="api-bench-defs" targetNamespace="http://preplan.local/bench">
  <process id="${PROCESS_KEY}" name="基准：一个办公室任务" isExecutable="true">
    <startEvent id="start" name="开始"><outgoing>toHandle</outgoing></startEvent>
    <sequenceFlow id="toHandle" sourceRef="start" targetRef="${ACTIVITY_ID}" />
    <userTask id="${ACTIVITY_ID}" name="确认平息" camunda:formKey="subsidence-confirmation" camunda:candidateGroups="office">
      <incoming>toHandle</incoming><outgoing>toEnd</outgoing>
    </userTask>
    <sequenceFlow id="toEnd" sourceRef="${ACTIVITY_ID}" targetRef="end" />
    <endEvent id="end" name="完成"><incoming>toEnd</incoming></endEvent>
  </process>
</definitions>
`;

const USAGE = `usage: npm run bench:api -- [options]

  --tasks N              open user tasks to create before the run (default 10000)
  --clients N            concurrent signed-in clients (default 20)
  --duration MS          measured time of the list + complete run (default 15000)
  --warmup MS            unmeasured list + complete time before it (default 2000)
  --baseline MS          measured GET /healthz time, after a warm-up of the same length (default 3000)
  --start-concurrency N  instances started at a time while creating the tasks (default 16)
  --profile              run the store with --cpu-prof, keep it as bench/results/api-store.cpuprofile and
                         print its top functions while the clients listed and completed
  --out FILE             JSON results (default bench/results/api-latest.json)
`;

interface Settings {
  tasks: number;
  clients: number;
  durationMs: number;
  warmupMs: number;
  baselineMs: number;
  startConcurrency: number;
  profile: boolean;
  out: string;
}

function readSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      tasks: { type: 'string', default: '10000' },
      clients: { type: 'string', default: '20' },
      duration: { type: 'string', default: '15000' },
      warmup: { type: 'string', default: '2000' },
      baseline: { type: 'string', default: '3000' },
      'start-concurrency': { type: 'string', default: '16' },
      out: { type: 'string', default: path.join(RESULTS_DIR, 'api-latest.json') },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  exitWithUsageIf(values.help, USAGE);
  return {
    tasks: integerFlag('tasks', values.tasks, 1, USAGE),
    clients: integerFlag('clients', values.clients, 1, USAGE),
    durationMs: integerFlag('duration', values.duration, 100, USAGE),
    warmupMs: integerFlag('warmup', values.warmup, 0, USAGE),
    baselineMs: integerFlag('baseline', values.baseline, 100, USAGE),
    startConcurrency: integerFlag('start-concurrency', values['start-concurrency'], 1, USAGE),
    profile: values.profile,
    out: path.resolve(values.out),
  };
}

const log = (message: string): void => {
  process.stdout.write(`[api-bench] ${message}\n`);
};

// ---------------------------------------------------------------------------------------------
// The node, the server and the tasks (main thread)

async function createTasks(
  node: PreplanNode,
  settings: Settings,
): Promise<{ seconds: number; perSecond: number }> {
  const started = performance.now();
  let next = 0;
  let lastReport = started;
  const starter = async (): Promise<void> => {
    while (next < settings.tasks) {
      next++;
      await node.runtime.start(PROCESS_KEY, { actor: 'api-bench' });
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        log(`  ${next} of ${settings.tasks} started`);
      }
    }
  };
  await Promise.all(Array.from({ length: settings.startConcurrency }, starter));
  const seconds = (performance.now() - started) / 1000;
  return { seconds, perSecond: settings.tasks / seconds };
}

interface Row {
  figure: string;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  refused: Record<string, number>;
  met?: boolean;
}

function rowOf(figure: string, figures: OpFigures, target: boolean): Row {
  const p99 = percentile(figures.latencies, 99);
  return {
    figure,
    requests: figures.ok,
    perSecond: figures.ok / figures.seconds,
    p50: percentile(figures.latencies, 50),
    p99,
    max: figures.latencies.at(-1) ?? NaN,
    refused: figures.refused,
    ...(target ? { met: p99 < TARGET_P99_MS } : {}),
  };
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2));
  const watchdogMs = 20 * 60_000;
  guardChildren(watchdogMs, `api-bench: still running after ${watchdogMs / 60_000} min, giving up`);
  const info = machineInfo({
    mongoose: mongoose.version,
    express: packageVersion('express'),
    bpmnEngine: packageVersion('bpmn-engine'),
  });
  const startedAt = new Date();
  const profileDir = settings.profile
    ? await mkdtemp(path.join(os.tmpdir(), 'preplan-api-bench-prof-'))
    : undefined;
  let window: [number, number] | undefined;
  const under: PreplanUnderTest = await startPreplanUnderTest({
    database: 'api_bench',
    scheduler: false,
    storeProfileDir: profileDir,
  });
  const { store, node, server } = under;
  log(`embedded server pid ${store.child.pid} at ${store.uri} (in memory)`);
  try {
    log(`node up with the plan (${node.deployed.length} processes deployed), API at ${server.url}`);
    const users = Array.from(
      { length: settings.clients },
      (_, i) => `bench-office-${String(i + 1).padStart(2, '0')}`,
    );
    for (const id of users)
      await server.users.create({ id, displayName: id, roles: ['office'], password: PASSWORD });
    const deployed = await node.domain.deploy(DIAGRAM, 'api-bench');
    log(
      `deployed ${deployed.definition.key} v${deployed.definition.version}; starting ${settings.tasks} instances ` +
        `(${settings.startConcurrency} at a time) through node.runtime.start, each waiting at one user task`,
    );
    const setup = await createTasks(node, settings);
    const openBefore = (await node.stores.tasks.openTasks()).length;
    log(`${openBefore} open tasks in ${fixed(setup.seconds, 1)} s (${fixed(setup.perSecond, 0)} starts/s)`);

    // The store query behind one listing, alone: no HTTP, no JSON, one at a time.
    const query = newFigures();
    const queryStarted = performance.now();
    while (performance.now() - queryStarted < 2000 || query.ok < 5) {
      const started = performance.now();
      const found = await node.stores.tasks.openFor(
        { userId: users[0], roles: ['office'] },
        { activityId: ACTIVITY_ID },
      );
      query.latencies.push(performance.now() - started);
      query.ok++;
      if (found.length === 0) throw new Error('the store found no open tasks');
    }
    query.seconds = (performance.now() - queryStarted) / 1000;
    query.latencies.sort((a, b) => a - b);
    log(
      `the listing's store query alone (tasks.openFor, sequential): p50 ${fixed(percentile(query.latencies, 50), 1)} ms`,
    );

    log(
      `${settings.clients} clients: GET /healthz for ${settings.baselineMs} ms (after as long a warm-up), then ` +
        `list + complete for ${settings.durationMs} ms (after ${settings.warmupMs} ms warm-up)`,
    );
    const machineBefore = machineBusyUs();
    const serverCpuBefore = processCpuUs(store.child.pid);
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    const worker = spawnWorker(new URL('./api/task-clients.ts', import.meta.url).href, 'runLoad', {
      baseUrl: server.url,
      users,
      password: PASSWORD,
      durationMs: settings.durationMs,
      warmupMs: settings.warmupMs,
      baselineMs: settings.baselineMs,
    } satisfies LoadInput);
    const load = await workerResult<LoadOutput>(worker);
    const wallMs = performance.now() - wallBefore;
    window = load.window;
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuAfter = processCpuUs(store.child.pid);
    const machineAfter = machineBusyUs();
    const others = otherCpuPercent(
      machineBefore === undefined || machineAfter === undefined ? undefined : machineAfter - machineBefore,
      serverCpuBefore === undefined || serverCpuAfter === undefined
        ? undefined
        : serverCpuAfter - serverCpuBefore,
      cpu.user + cpu.system,
      wallMs,
    );
    const openAfter = (await node.stores.tasks.openTasks()).length;

    const rows = [
      rowOf('tasks.openFor alone, 1 at a time (no HTTP)', query, false),
      rowOf('GET /healthz (baseline)', load.healthz, false),
      rowOf(`GET /api/tasks?activityId=${ACTIVITY_ID}`, load.list, true),
      rowOf('POST /api/tasks/:id/complete', load.complete, true),
    ];
    const columns: Array<Column<Row>> = [
      ['figure', (r) => r.figure, false],
      ['2xx', (r) => String(r.requests), true],
      ['req/s', (r) => fixed(r.perSecond, 0), true],
      ['p50 ms', (r) => fixed(r.p50, 1), true],
      ['p99 ms', (r) => fixed(r.p99, 1), true],
      ['max ms', (r) => fixed(r.max, 1), true],
      [
        'refused',
        (r) =>
          Object.entries(r.refused)
            .map(([status, n]) => `${n}×${status}`)
            .join(' ') || '0',
        true,
      ],
      [`p99 < ${TARGET_P99_MS} ms?`, (r) => metCell(r.met), false],
    ];
    const method = [
      `tasks: ${settings.tasks} instances of a one-user-task diagram (${PROCESS_KEY}: start → ${ACTIVITY_ID}, ` +
        'candidate group office, form subsidence-confirmation → end) started through node.runtime.start; ' +
        'no cases (the instances have no business key, so a listing looks up no case).',
      `clients: ${settings.clients} office users signed in through POST /api/session (cookie + X-CSRF-Token), ` +
        'node:http keep-alive agent in a worker thread; each client lists, then completes one task of its own ' +
        'stripe of that listing (hash of the task id mod clients, so clients do not race for a task), back to back.',
      `a listing returns the ${fixed(load.listedItems.mean, 0)} most urgent tasks on average ` +
        `(${load.listedItems.min}–${load.listedItems.max}; the store caps it at 200), ${fixed(load.listBytes / 1024, 1)} KiB of JSON.`,
      'latency: from sending the request to the last byte of the answer, 2xx answers only; throughput: 2xx per second.',
      `open tasks: ${openBefore} before the clients, ${openAfter} after.`,
    ];
    process.stdout.write(`\n${formatTable(columns, rows)}\n\n`);
    for (const line of method) process.stdout.write(`- ${line}\n`);
    const cpuNote =
      `CPU while the clients ran (${fixed(wallMs / 1000, 1)} s): this process (node + server + client worker) ` +
      `${fixed((cpu.user + cpu.system) / 1000 / wallMs, 2)} CPUs, embedded store ` +
      `${serverCpuBefore === undefined || serverCpuAfter === undefined ? '—' : fixed((serverCpuAfter - serverCpuBefore) / 1000 / wallMs, 2)} CPUs, on ${String(info.cpus)} CPUs.`;
    process.stdout.write(`- ${cpuNote}\n`);
    const disturbed = others !== undefined && others > 25;
    if (disturbed)
      process.stdout.write(
        `WARNING: other processes used ${fixed(others, 0)} % of a CPU while the clients ran: the figures are disturbed\n`,
      );
    const missed = rows.filter((r) => r.met === false).map((r) => `${r.figure} p99 ${fixed(r.p99, 1)} ms`);
    printTargets(missed);

    await writeResults(settings.out, {
      bench: 'api',
      startedAt: startedAt.toISOString(),
      settings,
      machine: info,
      setup: { how: 'runtime.start of a one-user-task diagram', ...setup, openBefore, openAfter },
      rows,
      listedItems: load.listedItems,
      listBytes: load.listBytes,
      method,
      cpu: cpuNote,
      otherProcessesCpuPercent: others,
      disturbed,
      /** How many latencies each row's percentiles are of. */
      samples: {
        healthz: load.healthz.latencies.length,
        list: load.list.latencies.length,
        complete: load.complete.latencies.length,
      },
      targets: { p99Ms: TARGET_P99_MS, missed },
    });
  } finally {
    await under.stop();
  }
  if (profileDir && window) await reportProfile(profileDir, window);
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
}

/** The store's busiest profile (its main thread), kept, and its top functions during `window`. */
async function reportProfile(profileDir: string, window: [number, number]): Promise<void> {
  const profiles: CpuProfile[] = [];
  for (const file of (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile')))
    profiles.push(JSON.parse(await readFile(path.join(profileDir, file), 'utf8')) as CpuProfile);
  const main = profiles.sort((a, b) => busySamples(b) - busySamples(a))[0];
  if (!main) return;
  const kept = path.join(RESULTS_DIR, 'api-store.cpuprofile');
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(kept, JSON.stringify(main));
  const name = (node: CpuProfile['nodes'][number]): string => {
    const file = relativeUrl(node.callFrame.url);
    return `${node.callFrame.functionName || '(anonymous)'}${file ? `  ${file}` : ''}`;
  };
  const { busy, considered, self, total } = countSamples(main, name, { windows: [window] });
  const list = (counts: Map<string, number>, count: number): string =>
    topEntries(counts, count, busy)
      .map(({ key, percent }) => `  ${percent.toFixed(1).padStart(5)}%  ${key}`)
      .join('\n');
  process.stdout.write(
    `\nstore CPU profile (main thread), kept as ${path.relative(ROOT, kept)}; while the clients listed and ` +
      `completed: ${busy} busy samples of ${considered}\nself time:\n${list(self, 12)}\n` +
      `total time (inclusive):\n${list(total, 20)}\n`,
  );
}

runMain('api-bench', main);
