import { endpoints } from '../../src/api/openapi.js';
import { PASSWORD, useApiHarness } from '../support/api-harness.js';

describe('signing in', () => {
  const plan = useApiHarness({ loginAttempts: 3 });

  test('a wrong password is the same 403 problem as an unknown user', async () => {
    const wrong = await plan.api.anonymous().login('leader1', 'not the password');
    const unknown = await plan.api.anonymous().login('nobody-at-all', 'not the password');
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
    const { requestId: _a, ...wrongBody } = wrong.body;
    const { requestId: _b, ...unknownBody } = unknown.body;
    expect(wrongBody).toEqual(unknownBody);
    expect(wrongBody).toMatchObject({ status: 403, detail: '用户名或密码错误' });
  });

  test('after N failed sign-ins the next is 429, even with the right password; another user is unaffected', async () => {
    const client = plan.api.anonymous();
    for (let i = 0; i < 3; i++) expect((await client.login('leader1', `wrong-${i}`)).status).toBe(403);
    const limited = await client.login('leader1', 'wrong-again');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({
      status: 429,
      type: 'https://preplan.local/problems/too-many-logins',
    });
    expect(limited.headers.get('ratelimit-policy') ?? limited.headers.get('ratelimit')).toBeTruthy();
    const right = await client.login('leader1');
    expect([right.status, right.headers.get('set-cookie')]).toEqual([429, null]);

    const other = await plan.api.anonymous().login('deputy1');
    expect(other.status).toBe(200);
    // Successful sign-ins do not count: a person who types the password right is never slowed down.
    for (let i = 0; i < 5; i++) expect((await plan.api.anonymous().login('office1')).status).toBe(200);
  });

  test('a successful sign-in sets an HttpOnly, SameSite=Strict session cookie and returns the CSRF token', async () => {
    const client = plan.api.anonymous();
    const response = await client.login('office1');
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^preplan_session=[\w-]{30,};/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    expect(cookie).toMatch(/;\s*Expires=/i);
    expect(response.body).toMatchObject({
      user: { id: 'office1', roles: ['office'], kind: 'user' },
      csrfToken: expect.stringMatching(/^[\w-]{20,}$/),
    });
    expect(response.text).not.toContain(PASSWORD);
    const me = await client.get<{ user: { id: string }; csrfToken: string }>('/api/me');
    expect(me.body).toMatchObject({ user: { id: 'office1' }, csrfToken: response.body.csrfToken });
    // The store keeps only a hash of the cookie's value.
    const value = cookie.split(';')[0].split('=')[1];
    const sessions = await plan.api.h.node.connection.db!.collection('sessions').find({}).toArray();
    expect(sessions.length).toBeGreaterThan(0);
    expect(JSON.stringify(sessions)).not.toContain(value);
  });

  test('a deactivated user is signed out at once and cannot sign in', async () => {
    const writer = plan.api.anonymous();
    expect((await writer.login('writer1')).status).toBe(200);
    expect((await writer.get('/api/me')).status).toBe(200);
    const admin = await plan.api.as('admin');
    const changed = await admin.request('PATCH', '/api/users/writer1', { active: false });
    expect([changed.status, changed.body.user]).toEqual([200, expect.objectContaining({ active: false })]);
    expect((await writer.get('/api/me')).status).toBe(401);
    const again = await plan.api.anonymous().login('writer1');
    expect([again.status, again.body.detail]).toEqual([403, '用户名或密码错误']);
    // Reactivated, the same password works again.
    expect((await admin.request('PATCH', '/api/users/writer1', { active: true })).status).toBe(200);
    expect((await plan.api.anonymous().login('writer1')).status).toBe(200);
  });

  test('passwords are stored as argon2id hashes', async () => {
    const credentials = await plan.api.h.node.connection.db!.collection('credentials').find({}).toArray();
    expect(credentials.length).toBeGreaterThan(0);
    const text = JSON.stringify(credentials);
    expect(text).not.toContain(PASSWORD);
    expect(text).toMatch(/\$argon2id\$v=19\$/);
  });
});

describe('documents, health, metrics and headers', () => {
  const plan = useApiHarness({ shared: true });

  test('GET /api/openapi.json lists every method and path of `endpoints`', async () => {
    const response = await plan.api
      .anonymous()
      .get<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    const listed = Object.entries(response.body.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(listed.sort()).toEqual(endpoints.map((e) => `${e.method} ${e.path}`).sort());
  });

  test('/api/docs is an HTML page', async () => {
    const response = await plan.api.anonymous().get('/api/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.text).toMatch(/^<!doctype html>/i);
    expect(response.text).toContain('/api/tasks/{id}/complete');
  });

  test('/healthz is 200 and /readyz is 200 with the store answering', async () => {
    const health = await plan.api.anonymous().get('/healthz');
    expect([health.status, health.body]).toEqual([200, { status: 'ok' }]);
    const ready = await plan.api.anonymous().get('/readyz');
    expect([ready.status, ready.body]).toEqual([
      200,
      expect.objectContaining({ status: 'ready', store: true }),
    ]);
  });

  test('/metrics has the HTTP latency histogram', async () => {
    await plan.api.anonymous().get('/healthz');
    const metrics = await plan.api.anonymous().get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.text).toContain('preplan_http_request_duration_seconds');
    expect(metrics.text).toMatch(/preplan_http_request_duration_seconds_count\{[^}]*route="\/healthz"/);
    expect(metrics.text).toContain('preplan_open_tasks');
  });

  test('responses carry the helmet headers and an X-Request-Id, errors too', async () => {
    const client = plan.api.anonymous();
    for (const path of ['/healthz', '/api/me', '/api/nowhere', '/api/docs']) {
      const response = await client.get(path);
      const headers = response.headers;
      expect([path, headers.get('x-content-type-options')]).toEqual([path, 'nosniff']);
      expect(headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(headers.get('strict-transport-security')).toMatch(/max-age=/);
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('x-powered-by')).toBeNull();
      expect(headers.get('x-request-id')).toMatch(/^[\w.-]{1,100}$/);
    }
    // A caller's own request id is echoed when it is plain, replaced when it is not.
    const given = await client.request('GET', '/healthz', undefined, {
      headers: { 'x-request-id': 'trace-42.a' },
    });
    expect(given.headers.get('x-request-id')).toBe('trace-42.a');
    const bad = await client.request('GET', '/healthz', undefined, {
      headers: { 'x-request-id': 'a b <script>' },
    });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const problem = await client.get<{ requestId: string }>('/api/me');
    expect(problem.body.requestId).toBe(problem.headers.get('x-request-id'));
  });
});
