/**
 * The clients of `npm run bench:api`, run in a worker thread (bench/support/worker.ts): signed-in
 * office users who list the open tasks of one activity and complete one of their stripe of it.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { call, signIn, type Reply } from './http-call.js';

export const ACTIVITY_ID = 'Handle';
export const FORM_DATA = { confirmed: true, note: '基准：原帖 24 小时内无新增评论，确认平息。' };

export interface LoadInput {
  baseUrl: string;
  users: string[];
  password: string;
  durationMs: number;
  warmupMs: number;
  baselineMs: number;
}

/** One operation's figures, measured in the worker. */
export interface OpFigures {
  ok: number;
  /** Non-2xx answers by status (409: another client completed it first). */
  refused: Record<string, number>;
  /** Latencies of the 2xx answers, ms, ascending. */
  latencies: number[];
  seconds: number;
}

export interface LoadOutput {
  healthz: OpFigures;
  list: OpFigures;
  complete: OpFigures;
  listedItems: { mean: number; min: number; max: number };
  listBytes: number;
  /** The measured list + complete run, in µs of the monotonic clock CPU profiles use. */
  window: [number, number];
}

/** Which client completes a task: a stripe of the listing each, so clients do not race for one task. */
function stripeOf(id: string, clients: number): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  return (hash >>> 0) % clients;
}

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

export function newFigures(): OpFigures {
  return { ok: 0, refused: {}, latencies: [], seconds: 0 };
}

export async function runLoad(input: LoadInput): Promise<LoadOutput> {
  const base = new URL(input.baseUrl);
  const clients = input.users.length;
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const sessions: Array<Record<string, string>> = [];
  for (const username of input.users) sessions.push(await signIn(agent, base, username, input.password));

  const timed = async (figures: OpFigures | null, run: () => Promise<Reply>): Promise<Reply> => {
    const started = performance.now();
    const reply = await run();
    const ms = performance.now() - started;
    if (figures) {
      if (reply.status >= 200 && reply.status < 300) {
        figures.ok++;
        figures.latencies.push(ms);
      } else figures.refused[reply.status] = (figures.refused[reply.status] ?? 0) + 1;
    }
    return reply;
  };

  const phase = async (
    ms: number,
    loop: (client: number, until: number) => Promise<void>,
  ): Promise<number> => {
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, (_, client) => loop(client, started + ms)));
    return (performance.now() - started) / 1000;
  };

  // Baseline: GET /healthz, warm-up then measured.
  const healthz = newFigures();
  const health = (figures: OpFigures | null) => async (_client: number, until: number) => {
    while (performance.now() < until) await timed(figures, () => call(agent, base, 'GET', '/healthz', {}));
  };
  await phase(input.baselineMs, health(null));
  healthz.seconds = await phase(input.baselineMs, health(healthz));

  // Work: list the activity's open tasks, complete one of this client's stripe of the listing.
  const list = newFigures();
  const complete = newFigures();
  const listed: number[] = [];
  let listBytes = 0;
  const body = JSON.stringify(FORM_DATA);
  const work =
    (figures: { list: OpFigures; complete: OpFigures } | null) => async (client: number, until: number) => {
      const headers = sessions[client];
      while (performance.now() < until) {
        const reply = await timed(figures?.list ?? null, () =>
          call(agent, base, 'GET', `/api/tasks?activityId=${ACTIVITY_ID}`, headers),
        );
        if (reply.status !== 200) throw new Error(`list: ${reply.status} ${reply.text.slice(0, 300)}`);
        const items = (JSON.parse(reply.text) as { items: Array<{ id: string }> }).items;
        if (figures) {
          listed.push(items.length);
          listBytes += reply.text.length;
        }
        if (items.length === 0)
          throw new Error('no open tasks left: use more --tasks or a shorter --duration');
        const mine = items.filter((item) => stripeOf(item.id, clients) === client);
        const task = mine[0] ?? items[Math.floor(Math.random() * items.length)];
        const done = await timed(figures?.complete ?? null, () =>
          call(agent, base, 'POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, headers, body),
        );
        if (done.status !== 200 && done.status !== 409)
          throw new Error(`complete: ${done.status} ${done.text.slice(0, 300)}`);
      }
    };
  await phase(input.warmupMs, work(null));
  const windowStart = monotonicUs();
  const seconds = await phase(input.durationMs, work({ list, complete }));
  const window: [number, number] = [windowStart, monotonicUs()];
  list.seconds = seconds;
  complete.seconds = seconds;
  agent.destroy();
  for (const figures of [healthz, list, complete]) figures.latencies.sort((a, b) => a - b);
  return {
    healthz,
    list,
    complete,
    listedItems: {
      mean: listed.reduce((a, b) => a + b, 0) / Math.max(1, listed.length),
      min: Math.min(...listed),
      max: Math.max(...listed),
    },
    listBytes: listBytes / Math.max(1, listed.length),
    window,
  };
}
