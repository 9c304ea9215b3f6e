import { accessPolicy, type Operation } from '../../src/api/access-policy.js';
import { endpoints } from '../../src/api/openapi.js';
import { roleNames } from '../../src/roles.js';
import { ApiClient, storeSnapshot, useApiHarness, type ApiHarness } from '../support/api-harness.js';
import { data, incident } from '../plan/plan-support.js';

/**
 * Every endpoint × every caller, against the one table (src/api/access-policy.ts): anonymous, a
 * signed-in user of each role, and an API token scoped to each role (tokens are never admin).
 * Path parameters name things that do not exist, so an allowed call ends in a 4xx of its own
 * (404, 400, 415) and nothing changes; what matters is that it is not 401/403 and never 5xx.
 */

type Caller = { name: string; kind: 'anonymous' } | { name: string; kind: 'session' | 'token'; role: string };

const callers: Caller[] = [
  { name: 'anonymous', kind: 'anonymous' },
  ...roleNames.map((role): Caller => ({ name: role, kind: 'session', role })),
  ...roleNames
    .filter((role) => role !== 'admin')
    .map((role): Caller => ({ name: `token:${role}`, kind: 'token', role })),
];

/** Ids that do not exist but pass every syntax check, so the call gets past validation. */
const PARAMS: Record<string, string> = {
  id: 'does-not-exist',
  key: 'does-not-exist',
  version: '1',
  token: 'aaaaaaaaaaaa.bbbbbbbbbbbb',
};

type Expectation = 401 | 403 | 'allowed';

function expectation(operation: Operation, caller: Caller): Expectation {
  const rule = accessPolicy[operation] as 'public' | 'authenticated' | readonly string[];
  if (rule === 'public') return 'allowed';
  if (caller.kind === 'anonymous') return 401;
  if (rule === 'authenticated') return 'allowed';
  return rule.includes(caller.role) ? 'allowed' : 403;
}

const rows = endpoints.flatMap((endpoint) =>
  callers.map((caller) => {
    const expected = expectation(endpoint.operation, caller);
    return {
      name: `${caller.name} → ${endpoint.method.toUpperCase()} ${endpoint.path} is ${expected}`,
      endpoint,
      caller,
      expected,
    };
  }),
);

describe('the access matrix: every endpoint × every role, anonymous and token', () => {
  const plan = useApiHarness({ shared: true });
  const tokens = new Map<string, ApiClient>();
  let before: Awaited<ReturnType<typeof storeSnapshot>>;

  beforeAll(async () => {
    const admin = await plan.api.as('admin');
    for (const role of roleNames.filter((r) => r !== 'admin')) {
      const created = await admin.post<{ token: string }>('/api/tokens', { name: `matrix-${role}`, role });
      expect(created.status).toBe(201);
      const client = plan.api.anonymous();
      client.bearer = created.body.token;
      tokens.set(role, client);
    }
    for (const role of roleNames) await plan.api.as(role);
    before = await storeSnapshot(plan.api.h);
  });

  async function clientFor(api: ApiHarness, caller: Caller, fresh: boolean): Promise<ApiClient> {
    if (caller.kind === 'anonymous') return api.anonymous();
    if (caller.kind === 'token') return tokens.get(caller.role)!;
    if (!fresh) return api.as(caller.role);
    // Signing out must not end the session the other rows share.
    const client = api.anonymous();
    expect((await client.login(`${caller.role}1`)).status).toBe(200);
    return client;
  }

  test.each(rows)('$name', async ({ endpoint, caller, expected }) => {
    const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => PARAMS[name]);
    const signsOut = endpoint.operation === 'session.delete';
    const client = await clientFor(plan.api, caller, signsOut);
    const method = endpoint.method.toUpperCase();
    const response = await client.request(method, path, method === 'GET' ? undefined : {});
    const summary = `${response.status} ${response.text.slice(0, 200)}`;
    expect(response.status).toBeLessThan(500);
    if (expected === 'allowed') {
      expect([401, 403]).not.toContain(response.status);
    } else {
      expect(summary).toMatch(new RegExp(`^${expected} `));
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: expected, type: expect.any(String) });
    }
  });

  test('the rows changed nothing in the store but sessions', async () => {
    expect(await storeSnapshot(plan.api.h)).toEqual({ ...before, sessions: expect.anything() });
  });

  test('every operation of the table is reachable through some endpoint, and no token is admin', async () => {
    const used = new Set(endpoints.map((e) => e.operation));
    expect(Object.keys(accessPolicy).filter((op) => !used.has(op as Operation))).toEqual([]);
    const admin = await plan.api.as('admin');
    const refused = await admin.post<{ errors: Array<{ path: string }> }>('/api/tokens', {
      name: 'root-token',
      role: 'admin',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e) => e.path)).toEqual(['/role']);
  });
});

describe('per-object rules', () => {
  const plan = useApiHarness({ shared: true });
  let caseId: string;
  let consultId: string;

  interface TaskItem {
    id: string;
    activityId: string;
    status: string;
    claimedBy?: string;
  }

  beforeAll(async () => {
    const monitor = await plan.api.as('monitor');
    const reported = await monitor.post<{ id: string }>('/api/cases', incident(plan.api.h, 3));
    expect(reported.status).toBe(201);
    caseId = reported.body.id;
    await plan.api.h.drain();
    const leader = await plan.api.as('leader');
    const list = await leader.get<{ items: TaskItem[] }>(`/api/tasks?caseId=${caseId}&activityId=Consult`);
    expect(list.body.items).toHaveLength(1);
    consultId = list.body.items[0].id;
  });

  const consult = async () => (await plan.api.h.node.stores.tasks.byId(consultId))!;

  test("a writer cannot claim, complete or even see the leader's task", async () => {
    const writer = await plan.api.as('writer');
    const before = await storeSnapshot(plan.api.h);
    const completed = await writer.post(`/api/tasks/${consultId}/complete`, data.consultation);
    expect([completed.status, completed.body.type]).toEqual([
      403,
      'https://preplan.local/problems/forbidden',
    ]);
    expect((await writer.post(`/api/tasks/${consultId}/claim`)).status).toBe(403);
    expect((await writer.get(`/api/tasks/${consultId}`)).status).toBe(404);
    expect((await writer.get<{ items: TaskItem[] }>('/api/tasks')).body.items).toEqual([]);
    expect(await storeSnapshot(plan.api.h)).toEqual(before);
    expect(await consult()).toMatchObject({ status: 'open' });
    expect((await consult()).claimedBy).toBeUndefined();
  });

  test('a member does not see a case in which it has no task', async () => {
    const member = await plan.api.as('member');
    const leader = await plan.api.as('leader');
    expect((await leader.get(`/api/cases/${caseId}`)).status).toBe(200);
    const hidden = await member.get(`/api/cases/${caseId}`);
    expect([hidden.status, hidden.body.type]).toEqual([404, 'https://preplan.local/problems/not-found']);
    // Nor its printable report: the same not-found, so a case's existence does not leak.
    const report = await member.get(`/api/cases/${caseId}/report.pdf`);
    expect([report.status, report.body.type]).toEqual([404, 'https://preplan.local/problems/not-found']);
    const list = await member.get<{ items: Array<{ id: string }> }>('/api/cases');
    expect(list.status).toBe(200);
    expect(list.body.items.map((c) => c.id)).not.toContain(caseId);
    expect(
      (await leader.get<{ items: Array<{ id: string }> }>('/api/cases')).body.items.map((c) => c.id),
    ).toContain(caseId);
  });

  test('the auditor reads every case and task but cannot claim or complete', async () => {
    const auditor = await plan.api.as('auditor');
    expect((await auditor.get(`/api/cases/${caseId}`)).status).toBe(200);
    const tasks = await auditor.get<{ items: TaskItem[] }>(`/api/tasks?caseId=${caseId}`);
    expect(tasks.body.items.map((t) => t.id)).toContain(consultId);
    const open = await plan.api.h.openTasks(caseId);
    expect(tasks.body.items.map((t) => t.id).sort()).toEqual(open.map((t) => t._id).sort());
    for (const task of open) {
      const read = await auditor.get<{ mayAct: boolean }>(`/api/tasks/${task._id}`);
      expect([task.activityId, read.status, read.body.mayAct]).toEqual([task.activityId, 200, false]);
    }
    const before = await storeSnapshot(plan.api.h);
    expect((await auditor.post(`/api/tasks/${consultId}/claim`)).status).toBe(403);
    expect((await auditor.post(`/api/tasks/${consultId}/unclaim`)).status).toBe(403);
    expect((await auditor.post(`/api/tasks/${consultId}/complete`, data.consultation)).status).toBe(403);
    expect((await auditor.post(`/api/cases/${caseId}/regrade`, { newGrade: 1, reason: 'x' })).status).toBe(
      403,
    );
    expect(await storeSnapshot(plan.api.h)).toEqual(before);
  });

  test('DELETE /api/session ends the session: the next GET /api/me is 401', async () => {
    const leader = plan.api.anonymous();
    expect((await leader.login('leader1')).status).toBe(200);
    expect((await leader.get('/api/me')).status).toBe(200);
    const out = await leader.request('DELETE', '/api/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/preplan_session=;/);
    const me = await leader.get('/api/me');
    expect([me.status, me.headers.get('content-type')]).toEqual([
      401,
      expect.stringMatching(/problem\+json/),
    ]);
    expect((await leader.post(`/api/tasks/${consultId}/claim`)).status).toBe(401);
  });

  test('an unsafe request with the cookie but without the right X-CSRF-Token is 403 and changes nothing', async () => {
    const leader = plan.api.anonymous();
    expect((await leader.login('leader1')).status).toBe(200);
    const other = plan.api.anonymous();
    expect((await other.login('deputy1')).status).toBe(200);
    const monitor = plan.api.anonymous();
    expect((await monitor.login('monitor1')).status).toBe(200);
    const before = await storeSnapshot(plan.api.h);
    const csrf = leader.csrf;
    const attempts: Array<[string, ApiClient, string, string, unknown]> = [
      ['no token', leader, 'POST', `/api/tasks/${consultId}/claim`, undefined],
      ['no token', leader, 'POST', `/api/tasks/${consultId}/complete`, data.consultation],
      ['no token', monitor, 'POST', '/api/cases', incident(plan.api.h, 3)],
      ['no token', leader, 'DELETE', '/api/session', undefined],
    ];
    leader.csrf = undefined;
    monitor.csrf = undefined;
    for (const [what, client, method, path, body] of attempts) {
      const refused = await client.request(method, path, body);
      expect([what, method, path, refused.status, refused.body.type]).toEqual([
        what,
        method,
        path,
        403,
        'https://preplan.local/problems/csrf',
      ]);
    }
    // Another session's token does not do either.
    leader.csrf = other.csrf;
    expect((await leader.post(`/api/tasks/${consultId}/claim`)).status).toBe(403);
    expect(await storeSnapshot(plan.api.h)).toEqual(before);
    leader.csrf = csrf;
    expect((await leader.get('/api/me')).status).toBe(200);
  });

  test('a revoked token is 401; so is a malformed or unknown one', async () => {
    const admin = await plan.api.as('admin');
    const created = await admin.post<{ id: string; token: string }>('/api/tokens', {
      name: 'monitoring-tool',
      role: 'leader',
    });
    expect(created.status).toBe(201);
    const tool = plan.api.anonymous();
    tool.bearer = created.body.token;
    expect((await tool.get(`/api/tasks?caseId=${caseId}`)).status).toBe(200);
    const listed = await admin.get<{ items: Array<Record<string, unknown>> }>('/api/tokens');
    expect(listed.body.items.find((t) => t.id === created.body.id)).toMatchObject({ role: 'leader' });
    // The secret follows `pp_<id>_`; ids may hold `_` themselves (5Txwng_RvDcr), so no split.
    expect(created.body.token.startsWith(`pp_${created.body.id}_`)).toBe(true);
    expect(listed.text).not.toContain(created.body.token.slice(`pp_${created.body.id}_`.length));
    expect(listed.body.items.every((t) => !('hash' in t))).toBe(true);

    expect((await admin.request('DELETE', `/api/tokens/${created.body.id}`)).status).toBe(204);
    const refused = await tool.get(`/api/tasks?caseId=${caseId}`);
    expect([refused.status, refused.body.type]).toEqual([401, 'https://preplan.local/problems/bad-token']);
    expect((await admin.request('DELETE', `/api/tokens/${created.body.id}`)).status).toBe(404);

    for (const header of [
      'Bearer pp_nope',
      `Bearer ${created.body.token.slice(0, -1)}${created.body.token.endsWith('A') ? 'B' : 'A'}`,
      'Basic YWRtaW46YWRtaW4=',
      'Bearer',
    ]) {
      const response = await plan.api.anonymous().request('GET', '/api/me', undefined, {
        headers: { authorization: header },
      });
      expect([header, response.status]).toEqual([header, 401]);
    }
  });

  test('every token works and can be revoked, whatever its id and secret contain (`-`, `_`)', async () => {
    const admin = await plan.api.as('admin');
    const made: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < 40; i++) {
      const created = await admin.post<{ id: string; token: string }>('/api/tokens', {
        name: `bulk-${i}`,
        role: 'auditor',
      });
      made.push(created.body);
    }
    // Base64url: with 40 tokens, some id holds `-` or `_` and some secret a `_` (the separator).
    expect(made.some((t) => /[-_]/.test(t.id))).toBe(true);
    for (const { id, token } of made) {
      const tool = plan.api.anonymous();
      tool.bearer = token;
      expect([token, (await tool.get('/api/me')).status]).toEqual([token, 200]);
      expect([id, (await admin.request('DELETE', `/api/tokens/${id}`)).status]).toEqual([id, 204]);
      expect([token, (await tool.get('/api/me')).status]).toEqual([token, 401]);
    }
  });
});
