/**
 * The office's staff, simulated, in a worker thread: a reporter opens grade-3 cases through
 * `POST /api/cases`, and staff signed in per role (monitor, leader, office, writer) poll their
 * task lists (`GET /api/tasks`) and work each task of a bench case with the form data of the
 * grade-3 API test (test/api/grade-3-through-api.test.ts): the consultation is claimed first,
 * the first sign-off rejects the release and the second approves it, tracking reports the
 * incident subsided. Each staff member takes only its stripe of its role's tasks (task id hash
 * mod the role's staff), so no two race for one task. The loopback sinks run here too.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { formExamples, formVariants } from '../../test/forms/form-examples.js';
import { call, signIn, type Reply } from '../api/http-call.js';
import { startSinks } from './sinks.js';

export interface StaffInput {
  cases: number;
  inFlight: number;
  /** Idle staff look at their list again after this long. */
  pollMs: number;
  password: string;
  /** Distinguishes this run's incident sources (a source already reported is refused). */
  runTag: string;
  /** No progress for this long: give up and say what is open. */
  stallMs: number;
}

export interface StaffGo {
  baseUrl: string;
  reporter: string;
  staff: Record<StaffRole, string[]>;
}

export type StaffRole = 'monitor' | 'leader' | 'office' | 'writer';

/** Which activities of a grade-3 case each role works on (Monitor, the parallel sweep, is left open). */
export const HANDLES: Record<StaffRole, string[]> = {
  monitor: ['Track'],
  leader: ['Consult', 'SignOff'],
  office: ['DraftRelease', 'ConfirmSubsided', 'Review'],
  writer: ['WriteCommentary'],
};

/** The human steps of one case, in order (DraftRelease and SignOff twice: the first is rejected). */
export const STEPS = [
  'Consult',
  'DraftRelease',
  'SignOff',
  'DraftRelease',
  'SignOff',
  'WriteCommentary',
  'Track',
  'ConfirmSubsided',
  'Review',
];

export interface Timings {
  ok: number;
  refused: Record<string, number>;
  latencies: number[];
}

export interface CaseTimeline {
  id: string;
  /** ms from the start of the run (worker clock). */
  reportedAt: number;
  doneAt?: number;
  steps: Array<{ activity: string; seenAt: number; completedAt: number }>;
}

export interface StaffOutput {
  seconds: number;
  cases: CaseTimeline[];
  ops: Record<string, Timings>;
  /** ms from the case's previous step (or report) until a staff list first showed the task. */
  handoff: Record<string, number[]>;
  sinks: { httpRequests: number; mails: number };
  /** The run, in µs of the monotonic clock CPU profiles use. */
  window: [number, number];
}

interface TaskItem {
  id: string;
  activityId: string;
  case?: { id: string };
}

const MINUTE = 60_000;
const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function stripeOf(id: string, count: number): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  return (hash >>> 0) % count;
}

/** The incident report of case `n`: grade 3, seen 10 minutes ago, occurred 40 minutes ago. */
function incident(n: number, runTag: string): Record<string, unknown> {
  const now = Date.now();
  return {
    ...formExamples['incident-report'],
    sourceUrls: [`https://weibo.example.com/bench-${runTag}/${n}`],
    firstSeenAt: new Date(now - 10 * MINUTE).toISOString(),
    occurredAt: new Date(now - 40 * MINUTE).toISOString(),
    grade: 3,
  };
}

function formData(activity: string, signOffsBefore: number): Record<string, unknown> {
  switch (activity) {
    case 'Consult':
      return formExamples.consultation;
    case 'DraftRelease':
      return formExamples['release-draft'];
    case 'SignOff':
      return signOffsBefore === 0 ? formVariants.signOffRejected.data : formExamples['release-signoff'];
    case 'WriteCommentary':
      return formExamples['commentary-record'];
    case 'Track':
      return formVariants.followUpSubsided.data;
    case 'ConfirmSubsided':
      return formExamples['subsidence-confirmation'];
    case 'Review':
      return formExamples['closing-review'];
  }
  throw new Error(`no form data for ${activity}`);
}

/** Worker entry (bench/support/worker.ts): sinks first, then the staff once the node is up. */
export async function runStaff(input: StaffInput, port: MessagePort): Promise<StaffOutput> {
  const sinks = await startSinks();
  try {
    port.postMessage({ sinks: { httpUrl: sinks.httpUrl, smtpUrl: sinks.smtpUrl } });
    const go = await new Promise<StaffGo>((resolve) =>
      port.once('message', (message: { go: StaffGo }) => resolve(message.go)),
    );
    const output = await work(input, go);
    return { ...output, sinks: sinks.counts() };
  } finally {
    await sinks.close();
  }
}

async function work(input: StaffInput, go: StaffGo): Promise<Omit<StaffOutput, 'sinks'>> {
  const base = new URL(go.baseUrl);
  const members = Object.entries(go.staff).flatMap(([role, users]) =>
    users.map((user, index) => ({ role: role as StaffRole, user, index, of: users.length })),
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: members.length + 1 });
  const reporterHeaders = await signIn(agent, base, go.reporter, input.password);
  const headers = new Map<string, Record<string, string>>();
  for (const member of members)
    headers.set(member.user, await signIn(agent, base, member.user, input.password));

  const ops: Record<string, Timings> = {};
  const handoff: Record<string, number[]> = {};
  const timed = async (op: string, run: () => Promise<Reply>): Promise<Reply> => {
    const started = performance.now();
    const reply = await run();
    const timings = (ops[op] ??= { ok: 0, refused: {}, latencies: [] });
    if (reply.status >= 200 && reply.status < 300) {
      timings.ok++;
      timings.latencies.push(performance.now() - started);
    } else timings.refused[reply.status] = (timings.refused[reply.status] ?? 0) + 1;
    return reply;
  };

  const t0 = performance.now();
  const windowStart = monotonicUs();
  const at = (): number => performance.now() - t0;
  const cases = new Map<string, CaseTimeline>();
  const lastStep = new Map<string, number>();
  const signOffs = new Map<string, number>();
  const seen = new Map<string, number>();
  let reported = 0;
  let done = 0;
  let progressAt = performance.now();
  let failure: Error | undefined;
  const finished = (): boolean => done >= input.cases || failure !== undefined;

  const reporter = async (): Promise<void> => {
    while (reported < input.cases && !failure) {
      if (reported - done >= input.inFlight) {
        await sleep(20);
        continue;
      }
      const n = ++reported;
      const reply = await timed('POST /api/cases', () =>
        call(agent, base, 'POST', '/api/cases', reporterHeaders, JSON.stringify(incident(n, input.runTag))),
      );
      if (reply.status !== 201) throw new Error(`report ${n}: ${reply.status} ${reply.text.slice(0, 300)}`);
      const { id } = JSON.parse(reply.text) as { id: string };
      cases.set(id, { id, reportedAt: at(), steps: [] });
      lastStep.set(id, at());
      progressAt = performance.now();
    }
  };

  const staff = async (member: (typeof members)[number]): Promise<void> => {
    const mine = headers.get(member.user)!;
    const handles = HANDLES[member.role];
    while (!finished()) {
      const listed = await timed('GET /api/tasks', () => call(agent, base, 'GET', '/api/tasks', mine));
      if (listed.status !== 200) throw new Error(`list as ${member.user}: ${listed.status} ${listed.text}`);
      const items = (JSON.parse(listed.text) as { items: TaskItem[] }).items.filter(
        (task) => handles.includes(task.activityId) && task.case && cases.has(task.case.id),
      );
      for (const task of items)
        if (!seen.has(task.id)) {
          seen.set(task.id, at());
          (handoff[task.activityId] ??= []).push(at() - (lastStep.get(task.case!.id) ?? at()));
        }
      const todo = items.filter((task) => stripeOf(task.id, member.of) === member.index);
      if (todo.length === 0) {
        await sleep(input.pollMs);
        continue;
      }
      for (const task of todo) {
        const caseId = task.case!.id;
        const path = `/api/tasks/${encodeURIComponent(task.id)}`;
        if (task.activityId === 'Consult') {
          const claimed = await timed('POST /api/tasks/:id/claim', () =>
            call(agent, base, 'POST', `${path}/claim`, mine),
          );
          if (claimed.status !== 200) continue;
        }
        const before = signOffs.get(caseId) ?? 0;
        const body = JSON.stringify(formData(task.activityId, before));
        const reply = await timed(`complete ${task.activityId}`, () =>
          call(agent, base, 'POST', `${path}/complete`, mine, body),
        );
        if (reply.status === 409) continue;
        if (reply.status !== 200)
          throw new Error(`${task.activityId} of ${caseId}: ${reply.status} ${reply.text.slice(0, 400)}`);
        const timeline = cases.get(caseId)!;
        timeline.steps.push({ activity: task.activityId, seenAt: seen.get(task.id)!, completedAt: at() });
        lastStep.set(caseId, at());
        if (task.activityId === 'SignOff') signOffs.set(caseId, before + 1);
        if (task.activityId === 'Review') {
          timeline.doneAt = at();
          done++;
        }
        progressAt = performance.now();
      }
    }
  };

  const watchdog = async (): Promise<void> => {
    while (!finished()) {
      await sleep(1000);
      if (performance.now() - progressAt > input.stallMs)
        failure = new Error(
          `no step completed for ${input.stallMs / 1000} s (${done} of ${input.cases} cases done; ` +
            `steps done per open case: ${[...cases.values()]
              .filter((c) => c.doneAt === undefined)
              .map((c) => `${c.id}: ${c.steps.map((s) => s.activity).join(',') || 'none'}`)
              .join('; ')})`,
        );
    }
  };

  // The first failure stops every loop (they all check `finished()`), and is what the run reports.
  const stopOnFailure = (loop: Promise<void>): Promise<void> =>
    loop.catch((error: Error) => {
      failure ??= error;
    });
  await Promise.all([reporter(), watchdog(), ...members.map(staff)].map(stopOnFailure));
  if (failure) throw failure;
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  for (const timings of Object.values(ops)) timings.latencies.sort((a, b) => a - b);
  for (const list of Object.values(handoff)) list.sort((a, b) => a - b);
  return { seconds, cases: [...cases.values()], ops, handoff, window: [windowStart, monotonicUs()] };
}
