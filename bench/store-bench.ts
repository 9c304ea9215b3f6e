/**
 * Store benchmark: how fast the embedded MongoDB-wire server answers mongoose, measured against
 * the cost of a bare round trip (`ping`). The server runs in a child process, as a real mongod
 * would, so the client's work and the server's work do not share one event loop.
 *
 *   npm run bench:store                    # both modes, prints a table, writes bench/results/store-latest.json
 *   npm run bench:store -- --mode memory   # or --mode data
 *   npm run bench:store -- --only fou-id --profile --duration 5000
 *
 * It reports; it never fails because a target is missed.
 */
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import mongoose, { Schema, Types, type Connection, type Model } from 'mongoose';
import { guardChildren, runMain } from './support/child-guard.js';
import { exitWithUsageIf, integerFlag as integer } from './support/cli-flags.js';
import {
  busySamples,
  countSamples,
  relativeUrl,
  topEntries,
  type CpuProfile,
} from './support/cpu-profile.js';
import { startServer, stopServer, type ServerProcess } from './support/embedded-server.js';
import { fixed } from './support/format.js';
import { machineInfo } from './support/machine-info.js';
import { ROOT, RESULTS_DIR } from './support/paths.js';
import { percentile } from './support/percentile.js';
import { machineBusyUs, otherCpuPercent, processCpuUs } from './support/proc-stats.js';
import { printTargets, writeResults } from './support/results-file.js';
import { runFor } from './support/run-for.js';
import { formatTable as renderTable, metCell, type Column } from './support/table.js';

/** Documents per `group` value: what `find` of 100 documents returns. */
const GROUP_SIZE = 100;
const OPERATION_IDS = [
  'ping',
  'create',
  'fou-id',
  'fou-key',
  'find-100',
  'ping-xN',
  'create-xN',
  'insert-xN',
];

const USAGE = `usage: npm run bench:store -- [options]

  --mode M        memory | data | both (default both); data runs the server with --data <temp dir>
  --duration MS   measured time per operation (default 2000), split over --rounds
  --rounds N      measured rounds; each runs every operation once, in random order (default 4)
  --warmup MS     unmeasured time per operation before the first round (default 500)
  --clients N     concurrent clients for the ×N figures (default 16)
  --docs N        documents in the lookup collection (default 10000)
  --only IDS      comma-separated subset of ${OPERATION_IDS.join(', ')} (ping always runs)
  --profile       write the server's CPU profile to bench/results/ and print its top functions
  --out FILE      JSON results (default bench/results/store-latest.json)
`;

// ---------------------------------------------------------------------------------------------
// Options

type Mode = 'memory' | 'data';

interface Settings {
  modes: Mode[];
  durationMs: number;
  rounds: number;
  warmupMs: number;
  clients: number;
  documents: number;
  only: Set<string> | null;
  profile: boolean;
  out: string;
}

function readSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: 'string', default: 'both' },
      duration: { type: 'string', default: '2000' },
      rounds: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '500' },
      clients: { type: 'string', default: '16' },
      docs: { type: 'string', default: '10000' },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      out: { type: 'string', default: path.join(RESULTS_DIR, 'store-latest.json') },
      help: { type: 'boolean', default: false },
    },
  });
  exitWithUsageIf(values.help, USAGE);
  const modes: Mode[] =
    values.mode === 'both'
      ? ['memory', 'data']
      : values.mode === 'memory' || values.mode === 'data'
        ? [values.mode]
        : [];
  if (modes.length === 0) throw new Error(`--mode must be memory, data or both, not ${values.mode}`);
  const only = values.only ? new Set(values.only.split(',').map((id) => id.trim())) : null;
  for (const id of only ?? [])
    if (!OPERATION_IDS.includes(id)) throw new Error(`--only: unknown operation ${id}\n\n${USAGE}`);
  const documents = integer('docs', values.docs, GROUP_SIZE);
  return {
    modes,
    durationMs: integer('duration', values.duration, 100),
    rounds: integer('rounds', values.rounds, 1),
    warmupMs: integer('warmup', values.warmup, 0),
    clients: integer('clients', values.clients, 1),
    documents: documents - (documents % GROUP_SIZE),
    only,
    profile: values.profile,
    out: path.resolve(values.out),
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Measurement {
  ops: number;
  seconds: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU the server process used per operation (user + system, all threads). */
  serverCpuUsPerOp?: number;
  /** CPU this process used per operation: mongoose, the driver, the bench loop. */
  clientCpuUsPerOp: number;
  /** CPU used by other processes on the machine while this ran, in % of one CPU: noise. */
  otherCpuPercent?: number;
}

/** Running sums over the rounds of one operation. */
class Tally {
  ops = 0;
  ms = 0;
  latencies: number[] = [];
  clientCpuUs = 0;
  serverCpuUs: number | undefined = 0;
  machineBusyUs: number | undefined = 0;
  /** When the slices ran, in µs of the monotonic clock that CPU profiles also use. */
  windows: Array<[start: number, end: number]> = [];

  result(): Measurement {
    const seconds = this.ms / 1000;
    const sorted = this.latencies.sort((a, b) => a - b);
    const at = (p: number): number => percentile(sorted, p);
    return {
      ops: this.ops,
      seconds,
      opsPerSec: this.ops / seconds,
      p50Ms: at(50),
      p99Ms: at(99),
      serverCpuUsPerOp: this.serverCpuUs === undefined ? undefined : this.serverCpuUs / this.ops,
      clientCpuUsPerOp: this.clientCpuUs / this.ops,
      otherCpuPercent: otherCpuPercent(this.machineBusyUs, this.serverCpuUs, this.clientCpuUs, this.ms),
    };
  }
}

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** One measured slice of an operation, added to its tally. */
async function measureSlice(operation: Operation, ms: number, serverPid: number | undefined, tally: Tally) {
  const server = processCpuUs(serverPid);
  const machine = machineBusyUs();
  const client = process.cpuUsage();
  const started = performance.now();
  const monotonicStart = monotonicUs();
  tally.ops += await runFor(operation.run, operation.clients, ms, tally.latencies);
  tally.windows.push([monotonicStart, monotonicUs()]);
  tally.ms += performance.now() - started;
  const clientUsed = process.cpuUsage(client);
  tally.clientCpuUs += clientUsed.user + clientUsed.system;
  const serverAfter = processCpuUs(serverPid);
  const machineAfter = machineBusyUs();
  tally.serverCpuUs =
    tally.serverCpuUs !== undefined && server !== undefined && serverAfter !== undefined
      ? tally.serverCpuUs + serverAfter - server
      : undefined;
  tally.machineBusyUs =
    tally.machineBusyUs !== undefined && machine !== undefined && machineAfter !== undefined
      ? tally.machineBusyUs + machineAfter - machine
      : undefined;
}

// ---------------------------------------------------------------------------------------------
// The workload

interface Item {
  _id: Types.ObjectId;
  key: string;
  group: number;
  n: number;
  title: string;
  state: { status: string; step: number; at: Date };
  tags: string[];
}

const itemSchema = new Schema<Item>(
  {
    key: { type: String, required: true, unique: true },
    group: { type: Number, required: true, index: true },
    n: { type: Number, default: 0 },
    title: String,
    state: { status: String, step: Number, at: Date },
    tags: [String],
  },
  { timestamps: true },
);

function item(key: string, group: number): Omit<Item, '_id'> {
  return {
    key,
    group,
    n: 0,
    title: `Contingency step for ${key}`,
    state: { status: 'waiting', step: 1, at: new Date() },
    tags: ['bench', `g${group}`],
  };
}

const random = (n: number): number => Math.floor(Math.random() * n);

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface Operation {
  id: string;
  label: string;
  clients: number;
  run: (client: number) => Promise<unknown>;
}

interface Workload {
  connection: Connection;
  operations: Operation[];
}

/**
 * A fresh database: `items` with `settings.documents` documents, a unique index on `key` and an
 * index on `group` (GROUP_SIZE documents per value); `created` receives the creates.
 */
async function prepare(uri: string, settings: Settings): Promise<Workload> {
  const connection = await mongoose
    .createConnection(uri, { dbName: 'store_bench', maxPoolSize: Math.max(16, settings.clients) })
    .asPromise();
  await connection.dropDatabase();
  const Items: Model<Item> = connection.model<Item>('Item', itemSchema, 'items');
  const Created: Model<Item> = connection.model<Item>('Created', itemSchema, 'created');
  await Promise.all([Items.init(), Created.init()]);

  const groups = settings.documents / GROUP_SIZE;
  const ids: Types.ObjectId[] = [];
  const keys: string[] = [];
  let batch: Array<Omit<Item, '_id'> & { _id: Types.ObjectId }> = [];
  for (let i = 0; i < settings.documents; i++) {
    const doc = { ...item(`item-${String(i).padStart(6, '0')}`, i % groups), _id: new Types.ObjectId() };
    ids.push(doc._id);
    keys.push(doc.key);
    batch.push(doc);
    if (batch.length === 1000 || i === settings.documents - 1) {
      await Items.insertMany(batch, { lean: true });
      batch = [];
    }
  }
  const count = await Items.countDocuments();
  if (count !== settings.documents) throw new Error(`seeded ${count} documents, not ${settings.documents}`);

  const db = connection.db!;
  const raw = db.collection('created_raw');
  let created = 0;
  const create = (): Promise<unknown> => Created.create(item(`new-${++created}`, created % groups));
  const insertRaw = (): Promise<unknown> =>
    raw.insertOne({
      ...item(`raw-${++created}`, created % groups),
      createdAt: new Date(),
      updatedAt: new Date(),
    });
  const fouBy = (filter: () => Record<string, unknown>) => (): Promise<unknown> =>
    Items.findOneAndUpdate(
      filter(),
      { $inc: { n: 1 }, $set: { 'state.status': 'running', 'state.at': new Date() } },
      { new: true },
    )
      .lean()
      .then((doc) => {
        if (!doc) throw new Error('findOneAndUpdate matched nothing');
      });
  const find100 = (): Promise<unknown> =>
    Items.find({ group: random(groups) })
      .limit(GROUP_SIZE)
      .lean()
      .then((docs) => {
        if (docs.length !== GROUP_SIZE) throw new Error(`find returned ${docs.length} documents, not 100`);
      });
  const ping = (): Promise<unknown> => db.admin().ping();
  const n = settings.clients;
  return {
    connection,
    operations: [
      { id: 'ping', label: 'ping', clients: 1, run: ping },
      { id: 'create', label: 'create', clients: 1, run: create },
      {
        id: 'fou-id',
        label: 'findOneAndUpdate by _id',
        clients: 1,
        run: fouBy(() => ({ _id: ids[random(ids.length)] })),
      },
      {
        id: 'fou-key',
        label: 'findOneAndUpdate by unique key',
        clients: 1,
        run: fouBy(() => ({ key: keys[random(keys.length)] })),
      },
      { id: 'find-100', label: 'find 100 docs (indexed)', clients: 1, run: find100 },
      { id: 'ping-xN', label: `ping ×${n}`, clients: n, run: ping },
      { id: 'create-xN', label: `create ×${n}`, clients: n, run: create },
      { id: 'insert-xN', label: `driver insertOne ×${n}`, clients: n, run: insertRaw },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Targets (from the issue) and the report

interface Row extends Partial<Measurement> {
  id: string;
  operation: string;
  mode: Mode;
  clients: number;
  ratioToPing?: number;
  /** The derived `by unique key ÷ by _id` row has this instead of a measurement. */
  ratio?: number;
  target?: string;
  met?: boolean;
}

const SINGLE_DOCUMENT = new Set(['create', 'fou-id', 'fou-key']);

function judge(rows: Row[], mode: Mode): void {
  const ping = rows.find((row) => row.mode === mode && row.id === 'ping');
  for (const row of rows) {
    if (row.mode !== mode || row.opsPerSec === undefined) continue;
    if (ping?.opsPerSec) row.ratioToPing = row.opsPerSec / ping.opsPerSec;
    if (mode === 'memory' && SINGLE_DOCUMENT.has(row.id) && row.ratioToPing !== undefined) {
      row.target = '≥ 0.40 × ping';
      row.met = row.ratioToPing >= 0.4;
    }
    if (mode === 'data' && row.id === 'create-xN') {
      row.target = '≥ 1000 acked writes/s';
      row.met = row.opsPerSec >= 1000;
    }
  }
  const byId = rows.find((row) => row.mode === mode && row.id === 'fou-id');
  const byKey = rows.find((row) => row.mode === mode && row.id === 'fou-key');
  if (byId?.opsPerSec && byKey?.opsPerSec) {
    const ratio = byKey.opsPerSec / byId.opsPerSec;
    rows.push({
      id: 'fou-key/fou-id',
      operation: 'by unique key ÷ by _id',
      mode,
      clients: 1,
      ratio,
      target: '≥ 0.75 (within 25%)',
      met: ratio >= 0.75,
    });
  }
}

const COLUMNS: Array<Column<Row>> = [
  ['operation', (row) => row.operation, false],
  ['mode', (row) => (row.mode === 'data' ? '--data' : 'memory'), false],
  ['clients', (row) => String(row.clients), true],
  ['ops/s', (row) => fixed(row.opsPerSec, 0), true],
  ['ratio to ping', (row) => fixed(row.ratio ?? row.ratioToPing, 2), true],
  ['p50 ms', (row) => fixed(row.p50Ms, 3), true],
  ['p99 ms', (row) => fixed(row.p99Ms, 3), true],
  ['server µs/op', (row) => fixed(row.serverCpuUsPerOp, 0), true],
  ['client µs/op', (row) => fixed(row.clientCpuUsPerOp, 0), true],
  ['target', (row) => row.target ?? '—', false],
  ['met?', (row) => metCell(row.met), false],
];

const formatTable = (rows: Row[]): string => renderTable(COLUMNS, rows);

// ---------------------------------------------------------------------------------------------
// CPU profile summary (--profile)

/** Top functions by self and by total (inclusive) samples, idle time left out. */
function summarizeProfile(profile: CpuProfile, windows: Array<[number, number]> | null, top = 12): string {
  const name = (node: CpuProfile['nodes'][number]): string => {
    const file = relativeUrl(node.callFrame.url);
    return `${node.callFrame.functionName || '(anonymous)'}${file ? `  ${file}` : ''}`;
  };
  const { busy, considered, self, total } = countSamples(profile, name, { windows });
  const list = (counts: Map<string, number>, count: number): string =>
    topEntries(counts, count, busy)
      .map(({ key, percent }) => `  ${percent.toFixed(1).padStart(5)}%  ${key}`)
      .join('\n');
  return [
    `  busy samples: ${busy} of ${considered}; percentages are of busy samples`,
    `self time:\n${list(self, top)}`,
    `total time (inclusive):\n${list(total, 2 * top)}`,
  ].join('\n');
}

async function reportProfile(
  profileDir: string,
  mode: Mode,
  windows: Array<{ label: string; windows: Array<[number, number]> }>,
): Promise<void> {
  // One profile per thread: the server's main thread, and tsx's module-loader worker (idle).
  const files = (await readdir(profileDir)).filter((file) => file.endsWith('.cpuprofile'));
  const profiles: CpuProfile[] = [];
  for (const file of files) profiles.push(JSON.parse(await readFile(path.join(profileDir, file), 'utf8')));
  const main = profiles.sort((a, b) => busySamples(b) - busySamples(a))[0];
  if (!main) return;
  await mkdir(RESULTS_DIR, { recursive: true });
  const kept = path.join(RESULTS_DIR, `server-${mode}.cpuprofile`);
  await writeFile(kept, JSON.stringify(main));
  process.stdout.write(
    `\n[${mode}] server CPU profile, main thread, kept as ${path.relative(ROOT, kept)}. A sample is taken ` +
      'by wall clock, so time the thread spends descheduled inside a syscall (often writeBuffer, ' +
      "the reply's socket write) is counted there; server µs/op in the table is the real CPU.\n",
  );
  for (const { label, windows: slices } of windows)
    process.stdout.write(`\n[${mode}] server profile during ${label}:\n${summarizeProfile(main, slices)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Main

async function runMode(mode: Mode, settings: Settings, rows: Row[], notes: string[]): Promise<void> {
  const temp = (prefix: string): Promise<string> => mkdtemp(path.join(os.tmpdir(), prefix));
  const dataDir = mode === 'data' ? await temp('preplan-store-bench-') : undefined;
  const profileDir = settings.profile ? await temp('preplan-store-bench-prof-') : undefined;
  let server: ServerProcess | undefined;
  let workload: Workload | undefined;
  let chosen: Operation[] = [];
  const tallies = new Map<string, Tally>();
  const log = (message: string): boolean => process.stdout.write(`[${mode}] ${message}\n`);
  try {
    server = await startServer(dataDir, profileDir);
    log(`server pid ${server.child.pid} at ${server.uri}${dataDir ? ` with --data ${dataDir}` : ''}`);
    const seeding = performance.now();
    workload = await prepare(server.uri, settings);
    log(`seeded ${settings.documents} documents in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
    chosen = workload.operations.filter(
      (op) => !settings.only || settings.only.has(op.id) || op.id === 'ping',
    );

    // Warm every code path (JIT, connection pool) before measuring any of them, then measure in
    // rounds, each in a new random order: drift, outside load and the garbage one operation leaves
    // for the next (creates grow the heap) then fall on all operations alike.
    for (const op of chosen) await runFor(op.run, op.clients, settings.warmupMs, null);
    for (const op of chosen) tallies.set(op.id, new Tally());
    const slice = settings.durationMs / settings.rounds;
    for (let round = 0; round < settings.rounds; round++)
      for (const op of shuffled(chosen)) await measureSlice(op, slice, server.child.pid, tallies.get(op.id)!);

    for (const op of chosen) {
      const result = tallies.get(op.id)!.result();
      rows.push({ id: op.id, operation: op.label, mode, clients: op.clients, ...result });
      log(
        `${op.label.padEnd(32)} ${result.opsPerSec.toFixed(0).padStart(7)} ops/s` +
          `  p50 ${result.p50Ms.toFixed(3)} ms  p99 ${result.p99Ms.toFixed(3)} ms` +
          `  cpu/op: server ${fixed(result.serverCpuUsPerOp, 0)} µs, client ${fixed(result.clientCpuUsPerOp, 0)} µs` +
          `  other load ${fixed(result.otherCpuPercent, 0)}% of a CPU`,
      );
    }
    const disturbed = rows.filter((row) => row.mode === mode && (row.otherCpuPercent ?? 0) > 25);
    if (disturbed.length)
      notes.push(
        `warning (${mode}): other processes were busy (> 25% of a CPU) during ` +
          `${disturbed.map((row) => `${row.operation} ${fixed(row.otherCpuPercent, 0)}%`).join(', ')}; ` +
          'those figures are disturbed',
      );
    judge(rows, mode);
  } finally {
    await workload?.connection.close().catch(() => {});
    if (server) {
      await stopServer(server.child);
      const exit = server.child.exitCode ?? server.child.signalCode;
      if (exit !== 0) notes.push(`[${mode}] server exited with ${exit}; its output:\n${server.output()}`);
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (profileDir) {
      try {
        if (server)
          await reportProfile(
            profileDir,
            mode,
            chosen.map((op) => ({ label: op.label, windows: tallies.get(op.id)?.windows ?? [] })),
          );
      } finally {
        await rm(profileDir, { recursive: true, force: true });
      }
    }
  }
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2));
  const operations = settings.only ? settings.only.size + 1 : OPERATION_IDS.length;
  const expectedMs =
    settings.modes.length * (operations * (settings.warmupMs + settings.durationMs) + 10_000);
  const limitMs = expectedMs + 60_000;
  guardChildren(limitMs, `store-bench: still running after ${limitMs / 1000} s, giving up`);

  const info = machineInfo({ mongoose: mongoose.version }, { arch: true });
  const startedAt = new Date();
  const started = performance.now();
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const mode of settings.modes) await runMode(mode, settings, rows, notes);
  const elapsed = (performance.now() - started) / 1000;

  process.stdout.write(
    `\nstore bench — ${info.cpus} × ${info.cpuModel}, node ${info.node}, mongoose ${info.mongoose}; ` +
      `${settings.durationMs} ms per figure in ${settings.rounds} rounds after ${settings.warmupMs} ms warm-up; ` +
      `${settings.documents} documents; ${elapsed.toFixed(1)} s in all\n\n`,
  );
  process.stdout.write(`${formatTable(rows)}\n`);
  for (const note of notes) process.stdout.write(`\n${note}\n`);
  const missed = rows.filter((row) => row.met === false);
  printTargets(missed.map((row) => `${row.operation} (${row.mode})`));

  const json = {
    bench: 'store',
    startedAt: startedAt.toISOString(),
    elapsedSeconds: elapsed,
    settings: { ...settings, only: settings.only ? [...settings.only] : null },
    machine: info,
    results: rows,
    allTargetsMet: missed.length === 0,
    notes,
  };
  await writeResults(settings.out, json);
}

runMain('store-bench', main);
