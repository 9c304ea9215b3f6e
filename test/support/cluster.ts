/**
 * Several real `preplan serve` processes against one embedded store, as preplan runs scaled out:
 * the store in a process of its own (in memory), N nodes each with the API and a scheduler on
 * its own loopback port, all sharing MONGODB_URI, their outside channels pointed at a loopback
 * SMTP server and a loopback HTTP peer that count every message. A node can be killed with
 * SIGKILL and started again on the same port. Used by test/scale/ and by the chaos and load
 * runs (bench/chaos.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { connectStore } from '../../src/store/connection.js';
import { openStores, type Stores } from '../../src/store/index.js';
import { UserAdmin } from '../../src/auth/user-admin.js';
import { systemClock } from '../../src/engine/clock.js';
import { roleNames } from '../../src/roles.js';
import { PROJECT_ROOT, startEmbeddedMongoProcess, stopProcess } from './embedded-mongo-process.mjs';
import { startSmtpPeer, type SmtpPeer } from './smtp-peer.js';
import { startHttpPeer, type HttpPeer } from './http-peer.js';
import { peerChannels } from './peer-channels.js';

/** Every signed-in person of a cluster uses this password. */
export const CLUSTER_PASSWORD = 'correct horse battery';

/** One user per role, named after it (`leader1`, `office1`, …), with an address on the SMTP peer. */
export const CLUSTER_STAFF = roleNames.map((role) => ({
  id: `${role}1`,
  role,
  email: `${role}1@street.example`,
}));

/** The county's inbox on the SMTP peer (its signed links arrive there). */
export { COUNTY_EMAIL } from './peer-channels.js';

export interface ClusterOptions {
  /** How many nodes (default 3), named `n1`, `n2`, … */
  nodes?: number;
  /** PREPLAN_JOB_LEASE_MS of every node (default 5000): a dead node's jobs move on after this. */
  leaseMs?: number;
  /** PREPLAN_SCHEDULER_POLL_MS (default 200). */
  pollMs?: number;
  /**
   * How a node runs: `tsx` (the TypeScript sources, always current) or `dist` (the build,
   * about half a second faster to start; run `npm run build` first). Default: the
   * PREPLAN_CLUSTER_RUNNER environment variable, else `tsx`.
   */
  runner?: 'tsx' | 'dist';
  /** Changes to config/plan.json for this cluster (e.g. a sweep schedule that fires in seconds). */
  plan?: Record<string, unknown>;
  /** The database every node uses (default `preplan`). */
  database?: string;
  /** Extra environment of every node. */
  env?: Record<string, string>;
}

export interface ClusterNode {
  name: string;
  port: number;
  url: string;
  /** Ready: answering /readyz with 200. */
  state: 'starting' | 'ready' | 'down';
  child?: ChildProcess;
  /** The lease owner of the current (or last) incarnation, from its "preplan is ready" line. */
  leaseOwner?: string;
  /** Every lease owner this node has had (one per start). */
  owners: string[];
  starts: number;
}

export interface ClusterEvent {
  at: number;
  node: string;
  kind: 'start' | 'ready' | 'kill' | 'exit';
  detail?: string;
}

export interface Cluster {
  storeUri: string;
  /** The store's process (nodes exit with their parent; the store must be stopped). */
  storeProcess: ChildProcess;
  database: string;
  smtp: SmtpPeer;
  http: HttpPeer;
  nodes: ClusterNode[];
  events: ClusterEvent[];
  /** Kills, in order: which node, when, and the lease owner that died with it. */
  kills: Array<{ node: string; at: number; leaseOwner?: string }>;
  /** URLs of the nodes answering now. */
  readyUrls(): string[];
  node(name: string): ClusterNode;
  /** A connection of this process's own to the cluster's database, for checks. */
  stores(): Promise<{ connection: Connection; stores: Stores }>;
  /** Starts a node that is down and waits until it is ready. */
  start(name: string): Promise<void>;
  /** SIGKILL (default) or SIGTERM; resolves once the process is gone. */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** Nodes that exited without being told to, with the end of their output. */
  unexpectedExits(): Array<{ node: string; code: number | null; signal: string | null; output: string }>;
  /** The last lines a node printed (stdout and stderr, every start). */
  output(name: string): string;
  /** Lines at pino level warn (40) or above, every node: what the nodes complained about. */
  complaints(): string[];
  stop(): Promise<void>;
}

const ROOT_PLAN = path.join(PROJECT_ROOT, 'config/plan.json');
const READY_TIMEOUT_MS = 120_000;
const OUTPUT_LINES = 400;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Users first, so that no node bootstraps demo accounts with passwords nobody sees. */
async function seedStaff(storeUri: string, database: string): Promise<void> {
  const connection = await connectStore(storeUri, database);
  try {
    const admin = new UserAdmin({ ...(await openStores(connection)), clock: systemClock });
    for (const person of CLUSTER_STAFF)
      await admin.create({
        id: person.id,
        displayName: person.id,
        roles: [person.role],
        email: person.email,
        password: CLUSTER_PASSWORD,
      });
  } finally {
    await connection.close();
  }
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const count = options.nodes ?? 3;
  const leaseMs = options.leaseMs ?? 5000;
  const runner = options.runner ?? (process.env.PREPLAN_CLUSTER_RUNNER === 'dist' ? 'dist' : 'tsx');
  const database = options.database ?? 'preplan';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'preplan-cluster-'));
  const smtp = await startSmtpPeer();
  const http = await startHttpPeer();
  http.reply('/cms/publish', { body: { url: 'https://www.street.example/news/1' } });
  const channelsFile = path.join(dir, 'channels.json');
  writeFileSync(channelsFile, JSON.stringify(peerChannels(smtp, http), null, 2));
  const planFile = path.join(dir, 'plan.json');
  writeFileSync(
    planFile,
    JSON.stringify({ ...JSON.parse(readFileSync(ROOT_PLAN, 'utf8')), ...options.plan }, null, 2),
  );
  const store = await startEmbeddedMongoProcess();
  await seedStaff(store.uri, database);

  const events: ClusterEvent[] = [];
  const kills: Cluster['kills'] = [];
  const outputs = new Map<string, string[]>();
  const exits: Array<{ node: string; code: number | null; signal: string | null; output: string }> = [];
  const meant = new Set<ChildProcess>();
  const connections: Connection[] = [];
  let stopping = false;

  const nodes: ClusterNode[] = [];
  for (let i = 1; i <= count; i++) {
    const port = await freePort();
    nodes.push({
      name: `n${i}`,
      port,
      url: `http://127.0.0.1:${port}`,
      state: 'down',
      owners: [],
      starts: 0,
    });
  }
  const byName = (name: string): ClusterNode => {
    const node = nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  };
  const remember = (name: string, text: string): void => {
    const lines = outputs.get(name) ?? [];
    lines.push(...text.split('\n').filter((line) => line !== ''));
    outputs.set(name, lines.slice(-OUTPUT_LINES));
  };

  const spawnNode = (node: ClusterNode): ChildProcess => {
    const entry = runner === 'dist' ? ['dist/cli.js'] : ['--import', 'tsx', 'src/cli.ts'];
    const child = spawn(
      process.execPath,
      ['--import', './test/support/exit-with-parent.mjs', ...entry, 'serve'],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          MONGODB_URI: store.uri,
          PREPLAN_DB: database,
          PREPLAN_PORT: String(node.port),
          PREPLAN_HOST: '127.0.0.1',
          PREPLAN_NODE_NAME: node.name,
          PREPLAN_SCHEDULER: 'on',
          PREPLAN_SCHEDULER_POLL_MS: String(options.pollMs ?? 200),
          PREPLAN_JOB_LEASE_MS: String(leaseMs),
          PREPLAN_CHANNELS_FILE: channelsFile,
          PREPLAN_PLAN_FILE: planFile,
          PREPLAN_LOGIN_ATTEMPTS: '1000',
          LOG_LEVEL: 'info',
          ...options.env,
        },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    const incarnation = ++node.starts;
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        remember(node.name, `[${node.name}#${incarnation}] ${line}`);
        if (line.includes('"preplan is ready"')) {
          const owner = (JSON.parse(line) as { leaseOwner?: string }).leaseOwner;
          if (owner) {
            node.leaseOwner = owner;
            node.owners.push(owner);
          }
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) =>
      remember(node.name, `[${node.name}#${incarnation} stderr] ${chunk.toString()}`),
    );
    child.on('error', () => undefined);
    child.once('exit', (code, signal) => {
      if (node.child === child) node.state = 'down';
      events.push({ at: Date.now(), node: node.name, kind: 'exit', detail: `${code ?? signal}` });
      if (!meant.has(child) && !stopping)
        exits.push({ node: node.name, code, signal, output: (outputs.get(node.name) ?? []).join('\n') });
    });
    return child;
  };

  const start = async (name: string): Promise<void> => {
    const node = byName(name);
    if (node.state !== 'down') throw new Error(`node ${name} is ${node.state}`);
    node.state = 'starting';
    node.leaseOwner = undefined;
    const child = spawnNode(node);
    node.child = child;
    events.push({ at: Date.now(), node: name, kind: 'start' });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `node ${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n` +
            (outputs.get(name) ?? []).slice(-40).join('\n'),
        );
      try {
        const response = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        if (response.status === 200 && node.leaseOwner) {
          node.state = 'ready';
          events.push({ at: Date.now(), node: name, kind: 'ready', detail: node.leaseOwner });
          return;
        }
      } catch {
        // Not listening yet.
      }
      await sleep(100);
    }
    throw new Error(`node ${name} was not ready within ${READY_TIMEOUT_MS} ms`);
  };

  const kill = async (name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const node = byName(name);
    const child = node.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    meant.add(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const at = Date.now();
    child.kill(signal);
    node.state = 'down';
    kills.push({ node: name, at, leaseOwner: node.leaseOwner });
    events.push({ at, node: name, kind: 'kill', detail: signal });
    await exited;
  };

  const cluster: Cluster = {
    storeUri: store.uri,
    storeProcess: store.child,
    database,
    smtp,
    http,
    nodes,
    events,
    kills,
    readyUrls: () => nodes.filter((node) => node.state === 'ready').map((node) => node.url),
    node: byName,
    async stores() {
      const connection = await connectStore(store.uri, database);
      connections.push(connection);
      return { connection, stores: await openStores(connection) };
    },
    start,
    kill,
    unexpectedExits: () => [...exits],
    output: (name) => (outputs.get(name) ?? []).join('\n'),
    complaints: () =>
      [...outputs.values()].flatMap((lines) =>
        lines.filter((line) => /"level":(4|5|6)\d/.test(line) || line.includes(' stderr] ')),
      ),
    async stop() {
      stopping = true;
      await Promise.all(
        nodes.map(async (node) => {
          if (!node.child || node.child.exitCode !== null || node.child.signalCode !== null) return;
          meant.add(node.child);
          await stopProcess(node.child, 'SIGKILL');
          node.state = 'down';
        }),
      );
      for (const connection of connections.splice(0)) await connection.close().catch(() => undefined);
      await stopProcess(store.child);
      await Promise.all([smtp.close(), http.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    // All at once, as a cluster comes up: deployments and schedules race and must agree.
    await Promise.all(nodes.map((node) => start(node.name)));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
