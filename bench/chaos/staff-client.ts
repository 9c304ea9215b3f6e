/**
 * The simulated staff's HTTP side: each person signs in once (sessions live in the store, so
 * every node accepts them) and sends each request to the next node that is up, round-robin. A
 * request that dies with its node (connection refused or reset, no answer) is sent again to
 * another node: what a browser user does after an error page. Whether the dead node had already
 * done it is for the caller to find out (a completion answered 409 "already completed").
 */
import { performance } from 'node:perf_hooks';
import { CLUSTER_PASSWORD, CLUSTER_STAFF } from '../../test/support/cluster.js';

export interface ApiAnswer<T> {
  status: number;
  body: T;
  /** The request was sent again after a node died under it (it may have been done once already). */
  resent: boolean;
}

/** Latencies (ms) of answered requests by operation, and how often a node died under one. */
export class ApiStats {
  readonly latencies = new Map<string, number[]>();
  readonly resends = new Map<string, number>();
  readonly statuses = new Map<string, number>();

  record(op: string, ms: number, status: number): void {
    const list = this.latencies.get(op) ?? [];
    list.push(ms);
    this.latencies.set(op, list);
    const key = `${op} ${status}`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }

  resent(op: string): void {
    this.resends.set(op, (this.resends.get(op) ?? 0) + 1);
  }

  /** Forgets everything so far (a measurement starts). */
  reset(): void {
    this.latencies.clear();
    this.resends.clear();
    this.statuses.clear();
  }
}

/** The nodes to send to: whichever are ready now, in turn. */
export class NodePool {
  private turn = 0;

  constructor(private readonly readyUrls: () => string[]) {}

  next(): string | undefined {
    const urls = this.readyUrls();
    if (urls.length === 0) return undefined;
    return urls[this.turn++ % urls.length];
  }
}

const REQUEST_TIMEOUT_MS = 60_000;
/** How long a request keeps looking for a node that answers. */
const GIVE_UP_MS = 180_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class StaffClient {
  private cookie?: string;
  private csrf?: string;

  /** Called as each request leaves, with the node it goes to (a test kills that node then). */
  beforeSend?: (request: { method: string; path: string; node: string }) => void;

  constructor(
    readonly user: string,
    private readonly pool: NodePool,
    private readonly stats: ApiStats,
    private readonly password: string,
  ) {}

  /** The same person (same session) sending to other nodes: `pool` instead of the usual one. */
  via(pool: NodePool): StaffClient {
    const copy = new StaffClient(this.user, pool, this.stats, this.password);
    copy.cookie = this.cookie;
    copy.csrf = this.csrf;
    return copy;
  }

  async signIn(): Promise<void> {
    const answer = await this.request<{ csrfToken?: string }>('sign-in', 'POST', '/api/session', {
      username: this.user,
      password: this.password,
    });
    if (answer.status !== 200) throw new Error(`${this.user} cannot sign in: ${answer.status}`);
  }

  get<T>(op: string, path: string): Promise<ApiAnswer<T>> {
    return this.request<T>(op, 'GET', path);
  }

  post<T>(op: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.request<T>(op, 'POST', path, body, headers);
  }

  /** Sends the request to a node that is up; sends it again elsewhere when its node dies. */
  async request<T>(
    op: string,
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const giveUpAt = Date.now() + GIVE_UP_MS;
    let resent = false;
    let lastError = 'no node is up';
    while (Date.now() < giveUpAt) {
      const base = this.pool.next();
      if (!base) {
        await sleep(200);
        continue;
      }
      const headers: Record<string, string> = { ...extraHeaders };
      if (this.cookie) headers.cookie = this.cookie;
      if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
      if (body !== undefined) headers['content-type'] = 'application/json';
      this.beforeSend?.({ method, path, node: base });
      const started = performance.now();
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        text = await response.text();
      } catch (error) {
        // The node died (or was down) before answering: try the next one.
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        lastError = `${base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
        this.stats.resent(op);
        resent = true;
        await sleep(50);
        continue;
      }
      this.stats.record(op, performance.now() - started, response.status);
      if (op === 'sign-in' && response.status === 200) {
        this.cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
        this.csrf = String((JSON.parse(text) as { csrfToken?: string }).csrfToken);
      }
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed as T, resent };
    }
    throw new Error(
      `${this.user} ${method} ${path}: no node answered within ${GIVE_UP_MS} ms (${lastError})`,
    );
  }
}

/** Everyone of the cluster's staff signed in (by role), and the county's anonymous client. */
export async function signInStaff(
  pool: NodePool,
  stats: ApiStats,
): Promise<{ staff: Record<string, StaffClient>; county: StaffClient }> {
  const staff: Record<string, StaffClient> = {};
  for (const person of CLUSTER_STAFF) {
    staff[person.role] = new StaffClient(person.id, pool, stats, CLUSTER_PASSWORD);
    await staff[person.role].signIn();
  }
  return { staff, county: new StaffClient('county', pool, stats, '') };
}
