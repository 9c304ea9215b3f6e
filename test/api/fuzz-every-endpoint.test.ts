/**
 * Bad input at volume: generated requests (fast-check) at every endpoint of the API list
 * (src/api/openapi.ts) — random and edge-case path parameters, query strings, headers and bodies,
 * and mutations of a valid body — as a caller that may call it, and as callers that may not
 * (anonymous, another role, bad credentials, a session without its CSRF token). Whatever comes in:
 * never a 5xx, the process stays up, every 4xx is a problem document without the server's insides,
 * and a refused request changes nothing in the store. Then generated malformed diagrams at deploy:
 * each refused with a 4xx, the definitions unchanged.
 *
 * Seeded: the seed is printed; `FC_SEED=<seed>` replays a run. Each endpoint's properties get their
 * own seed from it, so `-t '<endpoint>'` replays that endpoint's inputs (on a fixture that the
 * endpoints before it have not changed). `FC_SCALE=4` runs four times as many cases.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { accessPolicy } from '../../src/api/access-policy.js';
import { endpoints } from '../../src/api/openapi.js';
import { MAX_DIAGRAM_BYTES } from '../../src/engine/definitions/diagram-limits.js';
import { roleNames } from '../../src/roles.js';
import { PASSWORD, storeSnapshot, useApiHarness, type ApiHarness } from '../support/api-harness.js';
import { countyLinks, data, incident } from '../plan/plan-support.js';
import { mutatedBodyArb, randomBodyArb } from '../support/fuzz/bodies.js';
import { FUZZ_BASE_DIAGRAM, badDiagramArb } from '../support/fuzz/diagrams.js';
import { applyHeaders, headersArb } from '../support/fuzz/headers.js';
import {
  closeFuzzAgent,
  problemFault,
  send,
  type FuzzBody,
  type FuzzReply,
  type FuzzRequest,
} from '../support/fuzz/send.js';
import { pathArb, queryArb } from '../support/fuzz/url-parts.js';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : randomBytes(4).readInt32LE();
const SCALE = Number(process.env.FC_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
/** Cases per endpoint: read-only ones are cheap; changing ones take a store snapshot per request. */
const RUNS = { read: runs(40), change: runs(20), refused: runs(6), deploy: runs(60), lint: runs(15) };
const JSON_LIMIT_BYTES = 256 * 1024;

/** Each property's own seed, from the run's seed and its name: one endpoint replays alone. */
function seedFor(name: string): number {
  let hash = SEED;
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

/** What the generators need to aim at real things: ids that exist, a valid body. */
interface Fixture {
  /** A grade-2 case with an open county-guidance task (for the office) and a monitor task. */
  caseId: string;
  taskId: string;
  instanceId: string;
  jobId: string;
  /** A second grade-2 case, for re-grades. */
  regradeCaseId: string;
  /** The county link of a third case's guidance task. */
  link: string;
  /** A user and a token that the user and token endpoints may change and revoke. */
  victim: string;
  victimTokenId: string;
}

interface Target {
  /** Real values of the path parameters; the generators go around them. */
  params?: (f: Fixture) => Record<string, string>;
  /** Query keys the endpoint reads, and values worth trying. */
  query?: string[];
  queryValues?: (f: Fixture) => string[];
  /** A valid body, mutated by the generators. */
  body?: (f: Fixture) => unknown;
  sizeLimit?: number;
  /** A success may change the store (then every request gets its own snapshot). */
  changes?: boolean;
  /** The role to call it as, when not the first one the policy allows. */
  as?: string;
  /** Each request from a session of its own (signing out ends it). */
  freshSession?: boolean;
  /** Fewer cases where each costs much (a sign-in, a PDF). */
  runs?: number;
}

const report = (h: ApiHarness['h'], grade = 3) => ({
  ...incident(h, grade),
  sourceUrls: [`https://weibo.example.com/7712000001/fuzz-${randomBytes(3).toString('hex')}`],
});
const guidance = { ...data['county-guidance'] };
/** The county fills the guidance form itself: nothing is recorded on its behalf. */
const { onBehalfNote: _note, ...countyGuidance } = { ...guidance, recordedOnBehalf: false };
const caseQuery = ['status', 'grade', 'category', 'drill', 'from', 'to', 'page', 'pageSize'];
const periodQuery = ['from', 'to', 'format'];

/** One entry per endpoint of the API list: a new endpoint without one fails the first test. */
const targets = (api: () => ApiHarness): Record<string, Target> => ({
  'post /api/session': {
    body: (f) => ({ username: f.victim, password: PASSWORD }),
    changes: true,
  },
  'delete /api/session': { changes: true, freshSession: true, runs: runs(10) },
  'get /api/me': {},
  'post /api/cases': { body: () => report(api().h), changes: true, as: 'monitor' },
  'get /api/cases': { query: caseQuery, queryValues: () => ['land-demolition', '3', '100', '101'] },
  'get /api/cases/{id}': { params: (f) => ({ id: f.caseId }) },
  'post /api/cases/{id}/regrade': {
    params: (f) => ({ id: f.regradeCaseId }),
    body: () => ({ newGrade: 1, reason: '评论区出现聚集，升级处置' }),
    changes: true,
  },
  'get /api/tasks': {
    query: ['caseId', 'activityId', 'mine'],
    queryValues: (f) => [f.caseId, 'CountyGuidance'],
    as: 'office',
  },
  'get /api/tasks/{id}': { params: (f) => ({ id: f.taskId }), as: 'office' },
  'post /api/tasks/{id}/claim': { params: (f) => ({ id: f.taskId }), as: 'office', changes: true },
  'post /api/tasks/{id}/unclaim': { params: (f) => ({ id: f.taskId }), as: 'office', changes: true },
  'post /api/tasks/{id}/complete': {
    params: (f) => ({ id: f.taskId }),
    body: () => guidance,
    as: 'office',
    changes: true,
  },
  'get /api/definitions': {},
  'post /api/definitions': {
    body: () => ({ xml: FUZZ_BASE_DIAGRAM }),
    sizeLimit: MAX_DIAGRAM_BYTES,
    changes: true,
  },
  'post /api/definitions/lint': { body: () => ({ xml: FUZZ_BASE_DIAGRAM }), sizeLimit: MAX_DIAGRAM_BYTES },
  'get /api/definitions/{key}/versions/{version}/xml': {
    params: () => ({ key: 'opinion-intake', version: '1' }),
  },
  'get /api/cases/{id}/diagrams': { params: (f) => ({ id: f.caseId }) },
  'get /api/cases/{id}/history': { params: (f) => ({ id: f.caseId }) },
  'get /api/cases/{id}/report.pdf': { params: (f) => ({ id: f.caseId }), runs: runs(15) },
  'get /api/instances/{id}/state': { params: (f) => ({ id: f.instanceId }), query: ['at'] },
  'get /api/audit/verify': { query: ['caseId'], queryValues: (f) => [f.caseId] },
  'get /api/audit/digests': { query: ['from', 'to'] },
  'get /api/catalog': {},
  'get /api/forms/{key}': { params: () => ({ key: 'incident-report' }) },
  'get /api/reports/compliance': { query: periodQuery },
  'get /api/reports/accountability': { query: periodQuery },
  'get /api/reports/monthly': { query: ['month', 'format'], queryValues: () => ['2037-03', '2037-13'] },
  'get /api/instances/{id}': { params: (f) => ({ id: f.instanceId }) },
  'get /api/instances/{id}/history': { params: (f) => ({ id: f.instanceId }) },
  'get /api/incidents': {},
  'post /api/incidents/{id}/retry': { params: (f) => ({ id: f.jobId }), changes: true },
  'get /api/users': {},
  'post /api/users': {
    body: () => ({ id: 'fuzz-new', displayName: '新同事', roles: ['writer'], email: 'new@street.example' }),
    changes: true,
  },
  'patch /api/users/{id}': {
    params: (f) => ({ id: f.victim }),
    body: () => ({ displayName: '改名', roles: ['writer'], email: 'victim@street.example', active: true }),
    changes: true,
  },
  'get /api/tokens': {},
  'post /api/tokens': { body: () => ({ name: 'fuzz-tool', role: 'auditor' }), changes: true },
  'delete /api/tokens/{id}': { params: (f) => ({ id: f.victimTokenId }), changes: true },
  'get /api/external/{token}': { params: (f) => ({ token: f.link }) },
  'post /api/external/{token}': {
    params: (f) => ({ token: f.link }),
    body: () => countyGuidance,
    changes: true,
  },
  'get /healthz': {},
  'get /readyz': {},
  'get /metrics': {},
  'get /api/openapi.json': {},
  'get /api/docs': {},
});

type Endpoint = (typeof endpoints)[number];
const keyOf = (e: Pick<Endpoint, 'method' | 'path'>) => `${e.method} ${e.path}`;
type Rule = 'public' | 'authenticated' | readonly string[];
const ruleOf = (e: Endpoint) => accessPolicy[e.operation] as Rule;

/** Who sends a request: cookie and CSRF token of a session, or a bearer token, or nothing. */
interface Caller {
  name: string;
  cookie?: string;
  csrf?: string;
  authorization?: string;
}

/** What must not happen, collected and reported with the request that did it. */
class Faults {
  readonly list: string[] = [];
  add(request: FuzzRequest, reply: FuzzReply | null, what: string): void {
    const answer = reply ? `${reply.status} ${reply.text.slice(0, 300)}` : 'no answer';
    this.list.push(`${what}: ${request.method} ${request.path.slice(0, 200)} [${request.label}] → ${answer}`);
  }
}

describe('every endpoint under generated bad input', () => {
  const plan = useApiHarness({ shared: true });
  const table = targets(() => plan.api);
  let fixture: Fixture;
  const sessions = new Map<string, Caller>();
  const tokens = new Map<string, Caller>();
  /** Statuses seen per endpoint, printed at the end: what the generators reached. */
  const tally = new Map<string, Map<number, number>>();

  beforeAll(async () => {
    console.log(
      `fuzz seed ${SEED} (replay: FC_SEED=${SEED} npm test -- test/api/fuzz-every-endpoint.test.ts)`,
    );
    const { h, server } = plan.api;
    const open = async () => (await h.report(report(h, 2)))._id;
    const caseId = await open();
    const regradeCaseId = await open();
    await open(); // the third case: its county link
    const tasks = await h.openTasks(caseId);
    const task = tasks.find((t) => t.activityId === 'CountyGuidance');
    const jobs = await h.node.stores.jobs.find({ status: 'pending' });
    const linkOfCase = countyLinks(h).at(-1);
    await server.users.create({
      id: 'fuzz-victim',
      displayName: '受测用户',
      roles: ['writer'],
      password: PASSWORD,
    });
    const victimToken = await server.auth.createToken('fuzz-victim', 'auditor', 'admin1');
    if (!task || !jobs.length || !linkOfCase) throw new Error('fixture: the plan did not make its tasks');
    fixture = {
      caseId,
      taskId: task._id,
      instanceId: task.instanceId,
      jobId: jobs[0]._id,
      regradeCaseId,
      link: linkOfCase,
      victim: 'fuzz-victim',
      victimTokenId: victimToken.record._id,
    };
  });

  afterAll(() => {
    closeFuzzAgent();
    const lines = [...tally].map(
      ([endpoint, statuses]) =>
        `${endpoint.padEnd(52)} ${[...statuses]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status}×${count}`)
          .join(' ')}`,
    );
    console.log(`statuses per endpoint (seed ${SEED}):\n${lines.join('\n')}`);
  });

  async function session(role: string): Promise<Caller> {
    const known = sessions.get(role);
    if (known) return known;
    const client = await plan.api.as(role);
    const caller = { name: role, cookie: client.cookie, csrf: client.csrf };
    sessions.set(role, caller);
    return caller;
  }

  async function freshSession(role: string): Promise<Caller> {
    const client = plan.api.anonymous();
    const login = await client.login(`${role}1`);
    if (login.status !== 200) throw new Error(`cannot sign in as ${role}1`);
    return { name: `${role} (new session)`, cookie: client.cookie, csrf: client.csrf };
  }

  async function token(role: string): Promise<Caller> {
    const known = tokens.get(role);
    if (known) return known;
    const { token: secret } = await plan.api.server.auth.createToken(`fuzz-${role}`, role, 'admin1');
    const caller = { name: `token:${role}`, authorization: `Bearer ${secret}` };
    tokens.set(role, caller);
    return caller;
  }

  function request(
    method: string,
    path: string,
    body: FuzzBody,
    headers: ReturnType<typeof applyHeaders>,
    caller: Caller,
  ): FuzzRequest {
    const all: Record<string, string> = { ...headers.headers };
    if (caller.cookie) all.cookie = caller.cookie;
    if (caller.csrf && method.toUpperCase() !== 'GET') all['x-csrf-token'] = caller.csrf;
    if (caller.authorization) all.authorization = caller.authorization;
    const label = `${caller.name}; ${body.label}; ${JSON.stringify(headers.headers)}`;
    return Object.assign(
      { method: method.toUpperCase(), path, headers: all, body: headers.bytes, label },
      { [fc.toStringMethod]: () => `${method.toUpperCase()} ${path.slice(0, 200)} [${label}]` },
    );
  }

  /** Sends and checks what every answer must be; returns the answer (or null when none came). */
  async function sendChecked(req: FuzzRequest, faults: Faults, endpoint: string): Promise<FuzzReply | null> {
    let reply: FuzzReply;
    try {
      reply = await send(plan.api.server.url, req);
    } catch (error) {
      faults.add(req, null, (error as Error).message);
      return null;
    }
    const seen = tally.get(endpoint) ?? new Map<number, number>();
    tally.set(endpoint, seen.set(reply.status, (seen.get(reply.status) ?? 0) + 1));
    if (reply.status >= 500) faults.add(req, reply, '5xx');
    else if (reply.status >= 400 && req.method !== 'HEAD') {
      const fault = problemFault(reply, `${req.path} ${req.body?.toString('utf8').slice(0, 10_000) ?? ''}`);
      if (fault) faults.add(req, reply, `not a clean problem document (${fault})`);
    }
    return reply;
  }

  /**
   * The server still answers. (An exception no handler caught, or a rejection nobody awaited,
   * would end a production process; jest fails the running test on either.)
   */
  async function expectAlive(): Promise<void> {
    const health = await send(plan.api.server.url, {
      method: 'GET',
      path: '/healthz',
      headers: {},
      label: 'health',
    });
    expect(health.status).toBe(200);
  }

  async function expectUnchanged(before: Awaited<ReturnType<typeof storeSnapshot>>, what: string) {
    const after = await storeSnapshot(plan.api.h);
    if (!isDeepStrictEqual(after, before)) expect({ what, store: after }).toEqual({ what, store: before });
    return after;
  }

  function bodyArb(endpoint: Endpoint, target: Target): fc.Arbitrary<FuzzBody> {
    const none = fc.constant<FuzzBody>({ label: 'no body' });
    if (!target.body)
      return fc.oneof({ arbitrary: none, weight: 3 }, { arbitrary: randomBodyArb, weight: 1 });
    const valid = target.body(fixture);
    const limit = target.sizeLimit ?? JSON_LIMIT_BYTES;
    return fc.oneof(
      { arbitrary: mutatedBodyArb(valid, limit), weight: 4 },
      { arbitrary: randomBodyArb, weight: 1 },
      ...(endpoint.method === 'get' ? [] : [{ arbitrary: none, weight: 1 }]),
    );
  }

  const rows = endpoints.map((endpoint) => ({
    name: `${endpoint.method.toUpperCase()} ${endpoint.path}`,
    endpoint,
  }));

  test('every endpoint of the API list has a generator, and every route of the app is on the list', () => {
    expect(endpoints.map(keyOf).filter((key) => !table[key])).toEqual([]);
    expect(Object.keys(table).filter((key) => !endpoints.some((e) => keyOf(e) === key))).toEqual([]);
    interface Layer {
      route?: { path: string; methods: Record<string, boolean> };
      handle?: { stack?: Layer[] };
    }
    const app = plan.api.server.server.listeners('request')[0] as unknown as { router: { stack: Layer[] } };
    const routes: string[] = [];
    const walk = (stack: Layer[]) => {
      for (const layer of stack) {
        if (layer.route)
          for (const method of Object.keys(layer.route.methods))
            routes.push(`${method} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
        else if (layer.handle?.stack) walk(layer.handle.stack);
      }
    };
    walk(app.router.stack);
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((route) => !table[route])).toEqual([]);
  });

  /** Methods the path has no route for (HEAD runs the GET route; CONNECT is not HTTP's to route). */
  function methodArb(endpoint: Endpoint): fc.Arbitrary<string> {
    const taken = new Set(endpoints.filter((e) => e.path === endpoint.path).map((e) => e.method as string));
    const others = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'].filter(
      (method) => !taken.has(method),
    );
    return fc.oneof(
      { arbitrary: fc.constant(endpoint.method as string), weight: 9 },
      { arbitrary: fc.constantFrom(...others), weight: 1 },
    );
  }

  /** Callers that may call the endpoint send generated requests: never 5xx, refusals change nothing. */
  async function fuzzAllowed(endpoint: Endpoint, target: Target, role: string | undefined) {
    const name = keyOf(endpoint);
    const valid = target.params?.(fixture) ?? {};
    const parts = fc.tuple(
      methodArb(endpoint),
      pathArb(endpoint.path, valid),
      queryArb(target.query ?? [], target.queryValues?.(fixture) ?? []),
      bodyArb(endpoint, target),
      headersArb,
    );
    const callers: Caller[] = role ? [await session(role)] : [{ name: 'anonymous' }];
    if (role && role !== 'admin') callers.push(await token(role));
    let snapshot = await storeSnapshot(plan.api.h);
    await fc.assert(
      fc.asyncProperty(parts, fc.nat({ max: 3 }), async ([method, path, query, body, headers], pick) => {
        const caller =
          target.freshSession && role ? await freshSession(role) : callers[pick % callers.length];
        if (target.freshSession) snapshot = await storeSnapshot(plan.api.h);
        const req = request(method, path + query, body, applyHeaders(body, headers), caller);
        const faults = new Faults();
        const reply = await sendChecked(req, faults, name);
        expect(faults.list).toEqual([]);
        if (target.changes && reply) {
          const after = await storeSnapshot(plan.api.h);
          if (reply.status >= 400 && !isDeepStrictEqual(after, snapshot))
            expect({ refused: req.label, store: after }).toEqual({ refused: req.label, store: snapshot });
          snapshot = after;
        }
      }),
      { seed: seedFor(name), numRuns: target.runs ?? (target.changes ? RUNS.change : RUNS.read) },
    );
    if (!target.changes) await expectUnchanged(snapshot, `${name}: requests that change nothing`);
  }

  /** Junk where credentials go: each must be 401, never an anonymous pass or a 5xx. */
  const badAuthorization = fc.oneof(
    fc.constantFrom(
      'Bearer',
      'Bearer ',
      'bearer pp_x',
      'Basic YWRtaW4xOmNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==',
      'Digest username="admin1"',
      `Bearer pp_${'A'.repeat(12)}_${'B'.repeat(32)}`,
      `Bearer pp_${'A'.repeat(12)}_${'B'.repeat(32)} extra`,
      `Bearer ${'x'.repeat(5000)}`,
      'Bearer {"$ne":null}',
    ),
    // Printable and not empty: an empty Authorization header is no credentials at all (anonymous).
    fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 80,
    }),
  );
  const badCookie = fc.oneof(
    fc.constantFrom(
      'preplan_session=',
      'preplan_session=%E0%A4%A',
      'preplan_session={"$ne":null}',
      `preplan_session=${'s'.repeat(4000)}`,
      'preplan_session=a; preplan_session=b',
      '=; ;;; =a',
      '__proto__=x; constructor=y',
    ),
    fc
      .string({
        unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
        maxLength: 60,
      })
      .map((value) => `preplan_session=${value}`),
  );

  /** Callers that may not call it: every request refused (or stopped by a body parser), nothing changed. */
  async function fuzzRefused(endpoint: Endpoint, target: Target, role: string | undefined) {
    const name = keyOf(endpoint);
    const rule = ruleOf(endpoint);
    const valid = target.params?.(fixture) ?? {};
    const validPath = endpoint.path.replace(/\{(\w+)\}/g, (_, param: string) => valid[param]);
    const refused: Array<{ name: string; caller: fc.Arbitrary<Caller>; statuses: number[] }> = [];
    refused.push({
      name: 'bad credentials',
      caller: badAuthorization.map((authorization) => ({
        name: `authorization ${authorization.slice(0, 60)}`,
        authorization,
      })),
      statuses: [401],
    });
    if (rule !== 'public') {
      refused.push({ name: 'anonymous', caller: fc.constant({ name: 'anonymous' }), statuses: [401] });
      refused.push({
        name: 'a cookie that is no session',
        caller: badCookie.map((cookie) => ({ name: `cookie ${cookie.slice(0, 60)}`, cookie })),
        statuses: [401],
      });
    }
    const other = Array.isArray(rule) ? roleNames.find((r) => !rule.includes(r)) : undefined;
    if (other) refused.push({ name: other, caller: fc.constant(await session(other)), statuses: [403] });
    if (endpoint.method !== 'get' && role) {
      const own = await session(role);
      refused.push({
        name: 'no or a wrong CSRF token',
        caller: fc.constantFrom(
          { name: `${role} without CSRF`, cookie: own.cookie },
          { ...own, name: `${role} with a wrong CSRF token`, csrf: 'x'.repeat(43) },
          {
            ...own,
            name: `${role} with another session's CSRF token`,
            csrf: (await session(role === 'admin' ? 'auditor' : 'admin')).csrf,
          },
        ),
        statuses: [403],
      });
    }
    const before = await storeSnapshot(plan.api.h);
    for (const { name: who, caller: callerArb, statuses } of refused) {
      await fc.assert(
        fc.asyncProperty(
          callerArb,
          queryArb(target.query ?? []),
          bodyArb(endpoint, target),
          headersArb,
          async (caller, query, body, headers) => {
            const req = request(
              endpoint.method,
              validPath + query,
              body,
              applyHeaders(body, headers),
              caller,
            );
            const faults = new Faults();
            const reply = await sendChecked(req, faults, name);
            // Body parsers run before authentication: a malformed body is 400/413/415 for anyone.
            if (reply && ![...statuses, 400, 413, 415].includes(reply.status))
              faults.add(req, reply, `expected ${statuses.join('/')} for ${caller.name}`);
            expect(faults.list).toEqual([]);
          },
        ),
        { seed: seedFor(`${name} as ${who}`), numRuns: RUNS.refused },
      );
    }
    await expectUnchanged(before, `${name}: refused callers`);
  }

  test.each(rows)(
    '$name: generated requests are never 5xx, 4xx are problems, refusals change nothing',
    async ({ endpoint }) => {
      const target = table[keyOf(endpoint)];
      const rule = ruleOf(endpoint);
      const role =
        target.as ?? (rule === 'public' ? undefined : rule === 'authenticated' ? 'leader' : rule[0]);
      if (role && Array.isArray(rule)) expect(rule).toContain(role);
      await fuzzAllowed(endpoint, target, role);
      await expectAlive();
      await fuzzRefused(endpoint, target, role);
      await expectAlive();
    },
    180_000,
  );

  test('deploy: generated malformed diagrams are refused with a 4xx and the definitions stay as they were', async () => {
    const designer = await session('designer');
    const before = await storeSnapshot(plan.api.h);
    const contentType = fc.constantFrom(
      'application/xml',
      'text/xml',
      'application/xml; charset=utf-8',
      'json',
    );
    await fc.assert(
      fc.asyncProperty(badDiagramArb, contentType, async (diagram, type) => {
        const body: FuzzBody =
          type === 'json'
            ? {
                bytes: Buffer.from(JSON.stringify({ xml: diagram.xml })),
                contentType: 'application/json',
                label: diagram.label,
              }
            : { bytes: Buffer.from(diagram.xml), contentType: type, label: diagram.label };
        const req = request('post', '/api/definitions', body, applyHeaders(body, { extra: {} }), designer);
        const faults = new Faults();
        const reply = await sendChecked(req, faults, 'deploy (malformed diagrams)');
        if (reply && (reply.status < 400 || reply.status >= 500))
          faults.add(req, reply, 'a malformed diagram was not refused');
        expect(faults.list).toEqual([]);
      }),
      { seed: seedFor('deploy diagrams'), numRuns: RUNS.deploy },
    );
    await expectUnchanged(before, 'deploy of malformed diagrams');
    const statuses = [...(tally.get('deploy (malformed diagrams)')?.keys() ?? [])];
    expect(statuses.filter((status) => ![400, 413, 422].includes(status))).toEqual([]);
    await expectAlive();
  }, 300_000);

  test('lint agrees: the same diagrams are reported not deployable, and the checker still works after them', async () => {
    const designer = await session('designer');
    await fc.assert(
      fc.asyncProperty(badDiagramArb, async (diagram) => {
        const body: FuzzBody = {
          bytes: Buffer.from(diagram.xml),
          contentType: 'application/xml',
          label: diagram.label,
        };
        const req = request(
          'post',
          '/api/definitions/lint',
          body,
          applyHeaders(body, { extra: {} }),
          designer,
        );
        const faults = new Faults();
        const reply = await sendChecked(req, faults, 'lint (malformed diagrams)');
        if (reply?.status === 200 && (JSON.parse(reply.text) as { ok: boolean }).ok)
          faults.add(req, reply, 'lint says a malformed diagram is deployable');
        expect(faults.list).toEqual([]);
      }),
      { seed: seedFor('lint diagrams'), numRuns: RUNS.lint },
    );
    const body: FuzzBody = {
      bytes: Buffer.from(FUZZ_BASE_DIAGRAM),
      contentType: 'application/xml',
      label: 'the base diagram',
    };
    const reply = await send(
      plan.api.server.url,
      request('post', '/api/definitions/lint', body, applyHeaders(body, { extra: {} }), designer),
    );
    expect([reply.status, (JSON.parse(reply.text) as { ok: boolean }).ok]).toEqual([200, true]);
    await expectAlive();
  }, 300_000);
});
