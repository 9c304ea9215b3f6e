import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { startPlanHarness, STAFF, type PlanHarness } from './plan-harness.js';
import { startPreplanServer, type PreplanServer } from '../../src/app/preplan-server.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import { stopReportRenderer } from '../../src/reports/render-case-report.js';

export const PASSWORD = 'correct horse battery';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A signed-in (or anonymous) HTTP client: keeps its session cookie and sends its CSRF token. */
export class ApiClient {
  cookie?: string;
  csrf?: string;
  bearer?: string;

  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    options: { headers?: Record<string, string>; raw?: string; contentType?: string } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    let payload: string | undefined = options.raw;
    if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, { headers });
  }

  async login(username: string, password = PASSWORD): Promise<ApiResponse> {
    const response = await this.request('POST', '/api/session', { username, password });
    if (response.status === 200) {
      this.cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
      this.csrf = String(response.body.csrfToken);
    }
    return response;
  }
}

/** Collections whose documents legitimately change on reads: signing in adds sessions, a token's use stamps it. */
const VOLATILE: Record<string, string[]> = { sessions: ['*'], tokens: ['lastUsedAt'] };

/**
 * What the store holds: every collection's count and documents (sorted by id), for comparing
 * before and after requests that must change nothing. Sessions count only; tokens without
 * `lastUsedAt`.
 */
export async function storeSnapshot(
  h: PlanHarness,
): Promise<Record<string, { count: number; docs?: unknown[] }>> {
  const snapshot: Record<string, { count: number; docs?: unknown[] }> = {};
  for (const collection of await h.node.connection.db!.collections()) {
    const docs = await collection.find({}).toArray();
    const volatile = VOLATILE[collection.collectionName] ?? [];
    snapshot[collection.collectionName] = {
      count: docs.length,
      ...(volatile.includes('*')
        ? {}
        : {
            docs: docs
              .map((doc) => {
                const copy: Record<string, unknown> = { ...doc };
                for (const field of volatile) delete copy[field];
                return copy;
              })
              .sort((a, b) => String(a._id).localeCompare(String(b._id))),
          }),
    };
  }
  return snapshot;
}

export interface ApiHarness {
  h: PlanHarness;
  server: PreplanServer;
  /** A client signed in as `<role>1` (plan roles), `admin1`, `designer1` or `auditor1`. */
  as(role: string): Promise<ApiClient>;
  anonymous(): ApiClient;
}

/**
 * Virtual time for API tests: in the future, because the store's TTL monitor expires sessions by
 * wall-clock time (once a minute): sessions made at a virtual time in the past vanish at its next
 * sweep and a signed-in client gets 401 in mid-test. A Saturday at 09:00 in Shanghai, like the
 * plan harness's default.
 */
const API_START = '2037-03-14T01:00:00.000Z';

/**
 * The real plan node (virtual time, scheduler off: call `h.drain()`) behind the real HTTP API:
 * a fresh one for each test, or with `shared: true` one for all tests of the enclosing describe
 * (or file): for table-driven tests, whose rows must not depend on each other's changes.
 */
export function useApiHarness(
  options: { loginAttempts?: number; shared?: boolean; start?: string; digestKey?: string } = {},
): {
  readonly api: ApiHarness;
} {
  let api: ApiHarness | undefined;
  const [setUp, tearDown] = options.shared ? [beforeAll, afterAll] : [beforeEach, afterEach];
  setUp(async () => {
    const h = await startPlanHarness(`test_api_${randomBytes(4).toString('hex')}`, {
      start: options.start ?? API_START,
      digestKey: options.digestKey,
    });
    const server = await startPreplanServer(h.node, {
      port: 0,
      host: '127.0.0.1',
      secureCookies: false,
      trustProxy: false,
      loginAttempts: options.loginAttempts ?? 1000,
      log: pino({ level: 'silent' }),
    });
    for (const person of STAFF) await server.users.update(person.id, { password: PASSWORD });
    const clients = new Map<string, ApiClient>();
    api = {
      h,
      server,
      async as(role) {
        const existing = clients.get(role);
        if (existing) return existing;
        const client = new ApiClient(server.url);
        const response = await client.login(`${role}1`);
        if (response.status !== 200) throw new Error(`cannot sign in as ${role}1: ${response.text}`);
        clients.set(role, client);
        return client;
      },
      anonymous: () => new ApiClient(server.url),
    };
  });
  tearDown(async () => {
    await api?.server.stop();
    await api?.h.close();
    api = undefined;
  });
  afterAll(async () => {
    await stopDiagramValidator();
    await stopReportRenderer();
  });
  return {
    get api(): ApiHarness {
      if (!api) throw new Error('api harness used outside a test');
      return api;
    },
  };
}
