/**
 * Three `preplan serve` processes on loopback against one embedded store (test/support/cluster.ts),
 * each with the API and a scheduler, serve the same cases: the simulated staff (bench/chaos/) send
 * their requests round-robin over the nodes. Every timer fires once, every service job runs once
 * (counted by the loopback SMTP and HTTP peers), every task completes once, and a node killed
 * with SIGKILL loses nothing: its leases run out and the others carry on without it.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { startCluster, type Cluster } from '../support/cluster.js';
import type { Stores } from '../../src/store/index.js';
import { ApiStats, NodePool, signInStaff, StaffClient } from '../../bench/chaos/staff-client.js';
import { CaseDriver, type CaseRun, type CaseDriverOptions } from '../../bench/chaos/case-driver.js';
import { SCENARIOS, type Scenario } from '../../bench/chaos/scenarios.js';
import { collectCases } from '../../bench/chaos/case-shape.js';
import { checkPeers } from '../../bench/chaos/peer-check.js';
import { LeaseWatch } from '../../bench/chaos/lease-watch.js';

/** Short, so that a dead node's jobs move on within seconds. */
const LEASE_MS = 3000;
const runId = `scale-${randomBytes(3).toString('hex')}`;

let cluster: Cluster;
let connection: Connection;
let stores: Stores;
let leases: LeaseWatch;
const stats = new ApiStats();
let staff: Record<string, StaffClient>;
let driverOptions: CaseDriverOptions;
const runs: CaseRun[] = [];

const scenario = (name: string): Scenario => SCENARIOS.find((s) => s.name === name)!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function drive(index: number, name: string, options = driverOptions): Promise<CaseRun> {
  const run = await CaseDriver.drive(options, index, scenario(name));
  runs.push(run);
  return run;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await sleep(100);
  }
  throw new Error(`${what} did not happen within ${limitMs} ms`);
}

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3, leaseMs: LEASE_MS });
  ({ connection, stores } = await cluster.stores());
  leases = new LeaseWatch(connection, 100);
  leases.start();
  const signedIn = await signInStaff(new NodePool(() => cluster.readyUrls()), stats);
  staff = signedIn.staff;
  driverOptions = { runId, ...signedIn, smtp: cluster.smtp, stepTimeoutMs: 120_000 };
}, 180_000);

afterAll(async () => {
  await leases?.stop();
  await cluster?.stop();
}, 60_000);

test('three nodes started together on one empty store deploy the plan once and each report ready', async () => {
  const definitions = await stores.definitions.list();
  expect(definitions.map((d) => `${d.key}:${d.version}`).sort()).toEqual([
    'daily-monitoring:1',
    'opinion-grade-1:1',
    'opinion-grade-2:1',
    'opinion-grade-3:1',
    'opinion-grade-4:1',
    'opinion-intake:1',
  ]);
  expect((await stores.jobs.find({ kind: 'process-start' })).map((job) => job._id).sort()).toEqual([
    'start:daily-monitoring:RestDaySweep',
    'start:daily-monitoring:WorkdaySweep',
  ]);
  for (const node of cluster.nodes) {
    const ready = await fetch(`${node.url}/readyz`);
    expect([node.name, ready.status, await ready.json()]).toEqual([
      node.name,
      200,
      { status: 'ready', store: true, scheduler: true },
    ]);
  }
  expect(new Set(cluster.nodes.map((node) => node.leaseOwner)).size).toBe(3);
});

test('cases reported and worked through the API, spread over the nodes, all end as the plan says, each task completed once and each timer fired once', async () => {
  const names = [
    'g3-reminders-escalated',
    'g2-breach-escalated',
    'g4-reminders-rejected',
    'g1-county-link-reminder',
    'g3-regraded-to-2',
  ];
  const done = await Promise.all(names.map((name, i) => drive(i, name)));
  expect(done.map((run) => [run.scenario.name, run.error ?? 'ok'])).toEqual(
    names.map((name) => [name, 'ok']),
  );

  const facts = await collectCases(connection);
  for (const run of done) {
    const f = facts.get(run.caseId!)!;
    expect({
      case: run.caseId,
      status: f.shape.case.status,
      instances: f.shape.instances.every((i) => i.includes(':completed:')),
      twice: [...f.tasksCompletedTwice, ...f.endedTwice, ...f.timersFiredTwice],
      unfinished: f.unfinished,
    }).toEqual({ case: run.caseId, status: 'closed', instances: true, twice: [], unfinished: [] });
  }
  // The reminders due at the start of each response fired: once each (their boundary events ended once).
  const breach = facts.get(done[1].caseId!)!.shape.history;
  expect([
    breach['opinion-grade-2/activity.end:ReplyReminder1'],
    breach['opinion-grade-2/activity.end:ReplyReminder2'],
    breach['opinion-grade-2/activity.end:ReplyDeadline'],
    breach['opinion-grade-2/activity.end:NotifyBreach'],
  ]).toEqual([1, 1, 1, 1]);
  expect(facts.get(done[1].caseId!)!.shape.case.breached).toBe(true);
  // The work went to more than one node.
  expect(new Set([...leases.sightings.keys()].map((owner) => owner.split('/')[0])).size).toBeGreaterThan(1);
}, 300_000);

test('every message reached its peer exactly once: each reminder, notice, county report and publication', async () => {
  const peers = await checkPeers({
    connection,
    smtp: cluster.smtp,
    http: cluster.http,
    kills: [],
    spans: leases.spans,
  });
  expect(peers.violations).toEqual([]);
  expect(peers.explainedRepeats).toEqual([]);
  expect(peers.reminders.received).toBeGreaterThan(10);
  expect(peers.reminders.repeats).toBe(0);
});

test('a task already completed is refused by every node (409), and of two people completing one task at once on two nodes one wins', async () => {
  const completed = await connection
    .db!.collection('tasks')
    .find({ status: 'completed', definitionKey: 'opinion-grade-3' })
    .limit(3)
    .toArray();
  expect(completed.length).toBe(3);
  for (const task of completed)
    for (const node of cluster.nodes) {
      const role = String(task.completedBy).replace(/\d+$/, '');
      const client = staff[role].via(new NodePool(() => [node.url]));
      const again = await client.post<{ detail: string }>(
        'complete task',
        `/api/tasks/${task._id}/complete`,
        {},
      );
      expect([node.name, again.status, again.body.detail]).toEqual([
        node.name,
        409,
        expect.stringContaining('已完成'),
      ]);
    }

  // A grade-3 consultation is for the leader and the deputy: both submit it at once, on two nodes.
  const monitor = staff.monitor;
  const { incidentReport, forms } = await import('../../bench/chaos/scenarios.js');
  const reported = await monitor.post<{ id: string }>(
    'report case',
    '/api/cases',
    incidentReport(runId, 99, scenario('g3')),
  );
  expect(reported.status).toBe(201);
  const consult = await until('the consultation task', async () => {
    const list = await staff.leader.get<{ items: Array<{ id: string }> }>(
      'list tasks',
      `/api/tasks?caseId=${reported.body.id}&activityId=Consult`,
    );
    return list.body.items[0];
  });
  const [n1, n2] = cluster.nodes;
  const both = await Promise.all([
    staff.leader
      .via(new NodePool(() => [n1.url]))
      .post('complete task', `/api/tasks/${consult.id}/complete`, forms.consultation),
    staff.deputy
      .via(new NodePool(() => [n2.url]))
      .post('complete task', `/api/tasks/${consult.id}/complete`, forms.consultation),
  ]);
  expect(both.map((answer) => answer.status).sort()).toEqual([200, 409]);
  const events = await connection.db!.collection('history').countDocuments({
    type: 'task.completed',
    activityId: 'Consult',
    instanceId: { $regex: `^intake-${reported.body.id}~` },
  });
  expect(events).toBe(1);
}, 120_000);

test('a node killed -9 while it holds a service job: its lease runs out, another node repeats the call with the same idempotency key and the case goes on', async () => {
  // The publication system answers slowly, so a node is surely inside the call when it dies.
  const slow = { body: { url: 'https://www.street.example/news/1' }, delayMs: 1500 };
  cluster.http.reply('/cms/publish', slow);
  const before = cluster.http.requestsTo('/cms/publish').length;
  const driving = drive(10, 'g3');
  const first = await until(
    'the publication request',
    async () => cluster.http.requestsTo('/cms/publish')[before],
    120_000,
  );
  const key = String(first.headers['idempotency-key']);
  const job = await stores.jobs.byId(key);
  const victim = cluster.nodes.find((node) => node.leaseOwner === job?.leaseOwner)!;
  expect(job).toMatchObject({ status: 'running', leaseOwner: victim.leaseOwner });
  const deadOwner = victim.leaseOwner!;
  await cluster.kill(victim.name);
  const killedAt = Date.now();

  const run = await driving;
  cluster.http.reply('/cms/publish', { body: slow.body });
  expect(run.error ?? 'ok').toBe('ok');
  const calls = cluster.http.requestsTo('/cms/publish').filter((r) => r.headers['idempotency-key'] === key);
  expect(calls).toHaveLength(2);
  // The second call waited for the dead node's lease, and came from a node that is alive.
  expect(calls[1].receivedAt - killedAt).toBeGreaterThan(LEASE_MS / 2);
  expect([...(leases.holders.get(key) ?? [])].some((owner) => owner !== deadOwner)).toBe(true);
  expect(await stores.jobs.byId(key)).toMatchObject({ status: 'done', attempts: 2 });
  const record = await stores.cases.byId(run.caseId!);
  expect(record?.publications.filter((p) => p.kind === 'reply')).toHaveLength(1);
  await cluster.start(victim.name);
}, 240_000);

test('a node killed -9 under API requests loses nothing: the requests go again to the others, every task completes once, without the dead node coming back', async () => {
  const [victim, ...others] = cluster.nodes;
  const preferVictim = new NodePool(() =>
    victim.state === 'ready' ? [victim.url] : others.filter((n) => n.state === 'ready').map((n) => n.url),
  );
  const local = new ApiStats();
  const { staff: pinned, county } = await signInStaff(preferVictim, local);
  let completions = 0;
  let killed = false;
  for (const client of Object.values(pinned))
    client.beforeSend = ({ method, path, node }) => {
      // The fifth completion sent to the victim: kill it while it works on it.
      if (killed || node !== victim.url || method !== 'POST' || !path.endsWith('/complete')) return;
      if (++completions === 5) {
        killed = true;
        setTimeout(() => void cluster.kill(victim.name), 5);
      }
    };
  const options = { ...driverOptions, staff: pinned, county };
  const done = await Promise.all(
    ['g4', 'g3', 'g4-reminders-rejected', 'g3-reminder-rejected'].map((name, i) =>
      drive(20 + i, name, options),
    ),
  );
  expect(killed).toBe(true);
  expect(victim.state).toBe('down');
  expect(done.map((run) => run.error ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok']);
  expect([...local.resends.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  const facts = await collectCases(connection);
  for (const run of done) {
    const f = facts.get(run.caseId!)!;
    expect([run.caseId, f.shape.case.status, f.tasksCompletedTwice, f.endedTwice, f.unfinished]).toEqual([
      run.caseId,
      'closed',
      [],
      [],
      [],
    ]);
  }
  await cluster.start(victim.name);
}, 300_000);

test('afterwards every history chain verifies, through the API of each node', async () => {
  for (const node of cluster.nodes) {
    const answer = await staff.auditor
      .via(new NodePool(() => [node.url]))
      .get<{ items: Array<{ instanceId: string; ok: boolean }> }>('verify chains', '/api/audit/verify');
    expect(answer.status).toBe(200);
    expect(answer.body.items.length).toBeGreaterThan(20);
    expect(answer.body.items.filter((item) => !item.ok)).toEqual([]);
  }
  expect(cluster.unexpectedExits()).toEqual([]);
}, 120_000);
