/**
 * Store benchmark: how fast the embedded MongoDB-wire server answers mongoose, measured against
 * the cost of a bare round trip (`ping`). The server runs in a child process, as a real mongod
 * would, so the client's work and the server's work do not share one event loop.
 *
 *   npm run bench:store                    # both modes, prints a table, writes bench/results/latest.json
 *   npm run bench:store -- --mode memory   # or --mode data
 *   npm run bench:store -- --only fou-id --profile --duration 5000
 *
 * It reports; it never fails because a target is missed.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import mongoose, { Schema, Types, type Connection, type Model } from 'mongoose';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
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
  --out FILE      JSON results (default bench/results/latest.json)
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
      out: { type: 'string', default: path.join(RESULTS_DIR, 'latest.json') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const integer = (name: string, value: string, min: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be an integer ≥ ${min}, not ${value}`);
    return n;
  };
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
// The server child process

interface ServerProcess {
  child: ChildProcess;
  uri: string;
  output: () => string;
}

/** Children still running, killed if the bench has to give up. */
const running = new Set<ChildProcess>();

function startServer(dataDir: string | undefined, profileDir: string | undefined): Promise<ServerProcess> {
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const serverArgs = ['--port', '0', ...(dataDir ? ['--data', dataDir] : [])];
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', 'src/embedded-mongo/main.ts', ...serverArgs],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedded-mongo did not start within 30 s:\n${output}`));
    }, 30_000);
    const onExit = (code: number | null, signal: string | null): void => {
      clearTimeout(timer);
      reject(new Error(`embedded-mongo exited (${code ?? signal}) before listening:\n${output}`));
    };
    const onData = (): void => {
      const match = /listening on (mongodb:\/\/[^/\s]+:\d+\/)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      resolve({ child, uri: match[1], output: () => output });
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

/** SIGTERM (the server closes its journal and exits), SIGKILL if it has not gone in 10 s. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// CPU accounting (Linux /proc; the figures are simply absent elsewhere)

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    const ticks = execFileSync('getconf', ['CLK_TCK'], { stdio: ['ignore', 'pipe', 'ignore'] });
    return Number(ticks.toString()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU of a process, all its threads, in µs (10 ms resolution). */
function processCpuUs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // after "pid (comm) ": state is field 3, utime and stime are fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU time the whole machine spent not idle (steal included), in µs. */
function machineBusyUs(): number | undefined {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return ((user + nice + system + irq + softirq + (steal || 0)) * 1e6) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
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
    const at = (p: number): number =>
      sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
    const other =
      this.machineBusyUs !== undefined && this.serverCpuUs !== undefined
        ? Math.max(0, this.machineBusyUs - this.serverCpuUs - this.clientCpuUs)
        : undefined;
    return {
      ops: this.ops,
      seconds,
      opsPerSec: this.ops / seconds,
      p50Ms: at(50),
      p99Ms: at(99),
      serverCpuUsPerOp: this.serverCpuUs === undefined ? undefined : this.serverCpuUs / this.ops,
      clientCpuUsPerOp: this.clientCpuUs / this.ops,
      otherCpuPercent: other === undefined ? undefined : (100 * other) / (this.ms * 1000),
    };
  }
}

/** `clients` loops, each awaiting `op` back to back until `ms` have passed; returns the op count. */
async function runFor(
  op: (client: number) => Promise<unknown>,
  clients: number,
  ms: number,
  latencies: number[] | null,
): Promise<number> {
  const deadline = performance.now() + ms;
  let ops = 0;
  const loop = async (client: number): Promise<void> => {
    for (;;) {
      const started = performance.now();
      if (started >= deadline) return;
      await op(client);
      latencies?.push(performance.now() - started);
      ops++;
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, client) => loop(client)));
  return ops;
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

function formatTable(rows: Row[]): string {
  const columns: Array<[title: string, cell: (row: Row) => string, numeric: boolean]> = [
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
    ['met?', (row) => (row.met === undefined ? '' : row.met ? 'yes' : 'NO'), false],
  ];
  const cells = rows.map((row) => columns.map(([, cell]) => cell(row)));
  const widths = columns.map(([title], i) => Math.max(title.length, ...cells.map((line) => line[i].length)));
  const line = (values: string[]): string =>
    `| ${values.map((value, i) => (columns[i][2] ? value.padStart(widths[i]) : value.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(columns.map(([title]) => title)), rule, ...cells.map(line)].join('\n');
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);
}

// ---------------------------------------------------------------------------------------------
// CPU profile summary (--profile)

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** µs of the monotonic clock (the same as process.hrtime's, on the same machine). */
  startTime: number;
  timeDeltas: number[];
}

function busySamples(profile: CpuProfile): number {
  const idle = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id),
  );
  return profile.samples.filter((id) => !idle.has(id)).length;
}

/** Top functions by self and by total (inclusive) samples, idle time left out. */
function summarizeProfile(profile: CpuProfile, windows: Array<[number, number]> | null, top = 12): string {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const name = (node: ProfileNode): string => {
    const { functionName, url } = node.callFrame;
    const file = url.startsWith('file:')
      ? path.relative(ROOT, fileURLToPath(url))
      : path.isAbsolute(url)
        ? path.relative(ROOT, url)
        : url;
    return `${functionName || '(anonymous)'}${file ? `  ${file}` : ''}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busy = 0;
  let at = profile.startTime;
  let considered = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (windows && !windows.some(([start, end]) => at >= start && at < end)) continue;
    considered++;
    const sample = profile.samples[i];
    const node = byId.get(sample);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    busy++;
    const own = name(node);
    self.set(own, (self.get(own) ?? 0) + 1);
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!;
      if (frame.callFrame.functionName === '(root)') continue;
      const key = name(frame);
      if (!seen.has(key)) total.set(key, (total.get(key) ?? 0) + 1);
      seen.add(key);
    }
  }
  const list = (counts: Map<string, number>, count: number): string =>
    [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, samples]) => `  ${((100 * samples) / busy).toFixed(1).padStart(5)}%  ${key}`)
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

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  let commit: string | undefined;
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    commit = head.toString().trim();
  } catch {
    commit = undefined;
  }
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    totalMemMB: Math.round(os.totalmem() / 2 ** 20),
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    node: process.version,
    mongoose: mongoose.version,
    loadavgAtStart: os.loadavg(),
    commit,
  };
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2));
  const operations = settings.only ? settings.only.size + 1 : OPERATION_IDS.length;
  const expectedMs =
    settings.modes.length * (operations * (settings.warmupMs + settings.durationMs) + 10_000);
  const limitMs = expectedMs + 60_000;
  const watchdog = setTimeout(() => {
    process.stderr.write(`store-bench: still running after ${limitMs / 1000} s, giving up\n`);
    for (const child of running) child.kill('SIGKILL');
    process.exit(1);
  }, limitMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      for (const child of running) child.kill('SIGKILL');
      process.exit(130);
    });

  const info = machine();
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
  process.stdout.write(
    missed.length === 0
      ? '\nall targets met\n'
      : `\ntargets missed: ${missed.map((row) => `${row.operation} (${row.mode})`).join(', ')}\n`,
  );

  await mkdir(path.dirname(settings.out), { recursive: true });
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
  await writeFile(settings.out, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`results written to ${path.relative(process.cwd(), settings.out)}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    for (const child of running) child.kill('SIGKILL');
    process.stderr.write(`store-bench failed: ${error.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
