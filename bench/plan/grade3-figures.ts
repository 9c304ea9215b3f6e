/**
 * The whole grade-3 plan end to end through the API: a preplan node with its scheduler on (the
 * services notify and publish reach loopback sinks), simulated staff in a worker thread
 * (bench/plan/grade3-staff.ts) working every case from report to closing review. Cases per
 * second, each step's latency, the handoffs between steps, and a CPU profile of the node.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startPreplanUnderTest, type PreplanUnderTest } from '../api/preplan-under-test.js';
import { cpuMark, cpuSince } from '../support/cpu-meter.js';
import { fixed } from '../support/format.js';
import { ROOT } from '../support/paths.js';
import { percentile } from '../support/percentile.js';
import {
  formatProfileSummary,
  keepProfile,
  startProfiler,
  summarizeProfile,
  type ProfileSummary,
} from '../support/profile-summary.js';
import { emptySection, type SectionReport } from '../support/report.js';
import { spawnWorker, workerResult } from '../support/worker.js';
import { channelsFor } from './sinks.js';
import {
  HANDLES,
  STEPS,
  type StaffGo,
  type StaffInput,
  type StaffOutput,
  type StaffRole,
} from './grade3-staff.js';

export interface Grade3Settings {
  cases: number;
  inFlight: number;
  staffPerRole: number;
  /** The node's scheduler poll (PREPLAN_SCHEDULER_POLL_MS). */
  schedulerPollMs: number;
  /** How soon idle staff look at their task list again. */
  staffPollMs: number;
  /** Profile the node's main thread while the staff work (1 ms sampling). */
  profile: boolean;
}

export const GRADE3_DEFAULTS: Grade3Settings = {
  cases: 24,
  inFlight: 8,
  staffPerRole: 2,
  schedulerPollMs: 1000,
  staffPollMs: 250,
  profile: true,
};

export const GRADE3_QUICK: Grade3Settings = { ...GRADE3_DEFAULTS, cases: 8, inFlight: 4 };

const PASSWORD = 'bench-password-1';

export interface Grade3Report extends SectionReport {
  casesPerSecond?: number;
}

/** p50/p99 of ascending `sorted` as "p50 / p99 ms" (or seconds). */
function spread(sorted: number[], unit: 'ms' | 's' = 'ms'): string {
  const scale = unit === 's' ? 1000 : 1;
  const digits = unit === 's' ? 2 : 0;
  return `p50 ${fixed(percentile(sorted, 50) / scale, digits)} / p99 ${fixed(percentile(sorted, 99) / scale, digits)} ${unit}`;
}

export async function runGrade3Figures(
  settings: Grade3Settings,
  log: (message: string) => void,
): Promise<Grade3Report> {
  const report: Grade3Report = emptySection();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'preplan-plan-bench-'));
  const worker = spawnWorker(new URL('./grade3-staff.ts', import.meta.url).href, 'runStaff', {
    cases: settings.cases,
    inFlight: settings.inFlight,
    pollMs: settings.staffPollMs,
    password: PASSWORD,
    runTag: `${Date.now()}`,
    stallMs: 90_000,
  } satisfies StaffInput);
  let sinks: { httpUrl: string; smtpUrl: string } | undefined;
  const sinksReady = new Promise<void>((resolve) => {
    worker.on('message', (message: { sinks?: typeof sinks }) => {
      if (message?.sinks) {
        sinks = message.sinks;
        resolve();
      }
    });
  });
  const result = workerResult<StaffOutput>(worker);
  result.catch(() => undefined); // awaited below; a failure before then must not be unhandled
  let under: PreplanUnderTest | undefined;
  try {
    await Promise.race([sinksReady, result]);
    const channelsFile = path.join(dir, 'channels.json');
    await writeFile(channelsFile, JSON.stringify(channelsFor(sinks!)));
    under = await startPreplanUnderTest({
      database: 'plan_bench',
      scheduler: true,
      schedulerPollMs: settings.schedulerPollMs,
      channelsFile,
    });
    const { node, server, store } = under;
    log(
      `node up (scheduler every ${settings.schedulerPollMs} ms, store pid ${store.child.pid}), API at ${server.url}`,
    );
    const staff = {} as Record<StaffRole, string[]>;
    const create = (id: string, role: string) =>
      server.users.create({
        id,
        displayName: id,
        roles: [role],
        email: `${id}@street.example`,
        password: PASSWORD,
      });
    for (const role of Object.keys(HANDLES) as StaffRole[]) {
      staff[role] = Array.from({ length: settings.staffPerRole }, (_, i) => `bench-${role}-${i + 1}`);
      for (const id of staff[role]) await create(id, role);
    }
    await create('bench-reporter', 'monitor');
    log(
      `${settings.cases} grade-3 cases, ${settings.inFlight} in flight, ${settings.staffPerRole} staff per role ` +
        `(${Object.keys(HANDLES).join(', ')}), staff look again after ${settings.staffPollMs} ms when idle`,
    );
    const stopProfiler = settings.profile ? await startProfiler(1000) : undefined;
    const mark = cpuMark(store.child.pid);
    const started = performance.now();
    worker.postMessage({ go: { baseUrl: server.url, reporter: 'bench-reporter', staff } satisfies StaffGo });
    let output: StaffOutput;
    try {
      output = await result;
    } finally {
      const profile = await stopProfiler?.();
      if (profile) {
        const file = await keepProfile(profile, 'grade3-node.cpuprofile');
        report.details.profile = { ...summarizeProfile(profile), file: path.relative(ROOT, file) };
      }
    }
    const cpu = cpuSince(mark);
    log(`${output.cases.length} cases done in ${fixed((performance.now() - started) / 1000, 1)} s`);

    // Every case must end closed (the scheduler finishes the services after the last step).
    const closedBy = performance.now() + 60_000;
    let open = output.cases.map((c) => c.id);
    while (open.length && performance.now() < closedBy) {
      const records = await Promise.all(open.map((id) => node.stores.cases.byId(id)));
      open = open.filter((_, i) => records[i]?.status !== 'closed');
      if (open.length) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (open.length)
      report.notes.push(
        `G3: ${open.length} cases not closed a minute after their review: ${open.join(', ')}`,
      );
    const db = node.connection.db!;
    const jobsDone = await db.collection('jobs').countDocuments({ status: 'done' });
    const historyEvents = await db.collection('history').countDocuments({});
    const instances = await db.collection('instances').countDocuments({});
    summarize(report, settings, output, { cpu, jobsDone, historyEvents, instances });
  } finally {
    await under?.stop();
    await worker.terminate();
    await rm(dir, { recursive: true, force: true });
  }
  return report;
}

function summarize(
  report: Grade3Report,
  settings: Grade3Settings,
  output: StaffOutput,
  store: { cpu: ReturnType<typeof cpuSince>; jobsDone: number; historyEvents: number; instances: number },
): void {
  const done = output.cases.filter((c) => c.doneAt !== undefined);
  const first = Math.min(...output.cases.map((c) => c.reportedAt));
  const last = Math.max(...done.map((c) => c.doneAt!));
  const seconds = (last - first) / 1000;
  report.casesPerSecond = done.length / seconds;
  const endToEnd = done.map((c) => c.doneAt! - c.reportedAt).sort((a, b) => a - b);
  const per = (us: number | undefined): string =>
    fixed(us === undefined ? undefined : us / done.length / 1000, 0);
  report.rows.push(
    {
      section: 'G3',
      figure: 'grade-3 cases end to end through the API',
      value: `${fixed(report.casesPerSecond, 3)}/s`,
      detail:
        `${done.length} cases in ${fixed(seconds, 1)} s (${fixed(3600 * report.casesPerSecond, 0)}/hour), ${settings.inFlight} in flight; ` +
        `each from report to review ${spread(endToEnd, 's')}; CPU ms/case: node main thread ${per(store.cpu.clientMainUs)}, ` +
        `node process ${per(store.cpu.clientAllUs)} (with the staff), store ${per(store.cpu.serverUs)}`,
    },
    {
      section: 'G3',
      figure: 'per case: requests, jobs, events',
      value: fixed(Object.values(output.ops).reduce((n, t) => n + t.ok, 0) / done.length, 0),
      detail:
        `HTTP requests per case (lists included); ${fixed(store.jobsDone / done.length, 1)} jobs run and ` +
        `${fixed(store.historyEvents / done.length, 0)} history events per case, ${fixed(store.instances / done.length, 1)} instances; ` +
        `sinks got ${output.sinks.httpRequests} HTTP calls and ${output.sinks.mails} mails`,
    },
  );
  const opRow = (op: string, label = op): void => {
    const timings = output.ops[op];
    if (!timings) return;
    const refused = Object.entries(timings.refused).map(([status, n]) => `${n}×${status}`);
    report.rows.push({
      section: 'G3',
      figure: label,
      value: `p99 ${fixed(percentile(timings.latencies, 99), 0)} ms`,
      detail: `p50 ${fixed(percentile(timings.latencies, 50), 0)} ms, ${timings.ok} requests${refused.length ? `, refused ${refused.join(' ')}` : ''}`,
    });
  };
  opRow('POST /api/cases', 'report (POST /api/cases)');
  opRow('GET /api/tasks', 'task list (GET /api/tasks)');
  opRow('POST /api/tasks/:id/claim', 'claim Consult');
  for (const activity of [...new Set(STEPS)]) {
    const timings = output.ops[`complete ${activity}`];
    const handoff = output.handoff[activity] ?? [];
    if (!timings) continue;
    report.rows.push({
      section: 'G3',
      figure: `complete ${activity}`,
      value: `p99 ${fixed(percentile(timings.latencies, 99), 0)} ms`,
      detail: `p50 ${fixed(percentile(timings.latencies, 50), 0)} ms (${timings.ok}); handoff to it (previous step → in a list) ${spread(handoff)}`,
    });
  }
  report.details.grade3 = {
    settings,
    seconds,
    casesDone: done.length,
    endToEndMs: { p50: percentile(endToEnd, 50), p99: percentile(endToEnd, 99), max: endToEnd.at(-1) },
    ops: Object.fromEntries(
      Object.entries(output.ops).map(([op, t]) => [
        op,
        { ok: t.ok, refused: t.refused, p50: percentile(t.latencies, 50), p99: percentile(t.latencies, 99) },
      ]),
    ),
    handoffMs: Object.fromEntries(
      Object.entries(output.handoff).map(([a, list]) => [
        a,
        { p50: percentile(list, 50), p99: percentile(list, 99) },
      ]),
    ),
    cpu: store.cpu,
    jobsDone: store.jobsDone,
    historyEvents: store.historyEvents,
    sinks: output.sinks,
  };
  report.method.push(
    `G3: a preplan node (scheduler on, poll ${settings.schedulerPollMs} ms; channels to loopback HTTP/SMTP sinks in the staff's ` +
      `worker thread) behind its HTTP API; a reporter opens ${settings.cases} grade-3 cases (${settings.inFlight} in flight) and ` +
      `${settings.staffPerRole} staff per role poll GET /api/tasks (again after ${settings.staffPollMs} ms when idle) and complete ` +
      `their steps with the grade-3 API test's form data: ${STEPS.join(' → ')}. A case is done when its review is ` +
      'completed; cases/s is done cases over the time from the first report to the last review. Handoff: from the ' +
      "case's previous completion (or report) until a staff list first showed the task (the scheduler's services and " +
      'the staff poll in between).',
  );
  const disturbed = store.cpu.otherPercent ?? 0;
  if (disturbed > 25)
    report.notes.push(
      `warning: other processes used ${fixed(disturbed, 0)}% of a CPU during the grade-3 run; its figures are disturbed`,
    );
}

/** The node's profile as text (after the table). */
export function grade3Extras(report: SectionReport): string {
  const profile = report.details.profile as (ProfileSummary & { file: string }) | undefined;
  if (!profile) return '';
  return (
    `\nG3. CPU profile of the node's main thread while the staff worked (API, engine, scheduler, services; ` +
    `busy ${profile.busySamples} samples, idle ${profile.idleSamples}; kept as ${profile.file}):\n\n` +
    formatProfileSummary(profile)
  );
}
