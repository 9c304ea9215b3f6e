/**
 * Bad input through HTTP: each request of the corpus is answered with its 4xx as an
 * application/problem+json document (type, title, status, detail; errors[] for invalid fields),
 * without a stack trace, and the store holds exactly what it held before. Then random garbage
 * (fast-check) at the endpoints that take the most input: always 4xx, never 5xx, nothing changed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { MAX_DIAGRAM_BYTES } from '../../src/engine/definitions/diagram-limits.js';
import {
  DIAGRAM_CHECKER_DEFAULTS,
  limitDiagramChecker,
} from '../../src/engine/definitions/validate-diagram.js';
import { storeSnapshot, useApiHarness, type ApiHarness, type ApiResponse } from '../support/api-harness.js';
import { HOUR, countyLinks, data, incident } from '../plan/plan-support.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A problem document, and nothing of the server's insides. */
function expectProblem(response: ApiResponse, status: number): void {
  expect(`${response.status} ${response.text.slice(0, 300)}`).toMatch(new RegExp(`^${status} `));
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    type: expect.stringMatching(/^https:\/\/preplan\.local\/problems\/[a-z-]+$/),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  expect(response.text).not.toContain('    at ');
  expect(response.text).not.toContain('Error:');
  expect(response.text).not.toMatch(/node_modules|\/src\/|\.ts:\d/);
}

const errorPaths = (response: ApiResponse) =>
  ((response.body.errors ?? []) as Array<{ path: string }>).map((e) => e.path);

/** Ids the corpus refers to as {case}, {task} and {user}. */
interface Ids {
  case: string;
  task: string;
  user: string;
}

async function openGrade3Case(api: ApiHarness): Promise<Ids> {
  const monitor = await api.as('monitor');
  const reported = await monitor.post<{ id: string }>('/api/cases', incident(api.h, 3));
  expect(reported.status).toBe(201);
  await api.h.drain();
  const leader = await api.as('leader');
  const consult = await leader.get<{ items: Array<{ id: string }> }>(
    `/api/tasks?caseId=${reported.body.id}&activityId=Consult`,
  );
  expect(consult.body.items).toHaveLength(1);
  return { case: reported.body.id, task: consult.body.items[0].id, user: 'writer1' };
}

interface BadRequest {
  name: string;
  /** A role (its `<role>1` user, signed in) or anonymous. */
  as: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** `{case}`, `{task}` and `{user}` are replaced by real ids. */
  path: string;
  body?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  status: number;
  /** errors[].path must name these (and may name more). */
  errors?: string[];
}

const huge = (bytes: number) => 'x'.repeat(bytes);
/** A valid report (its times are the example's, in the harness's past) unless `overrides` break it. */
const report = (overrides: Record<string, unknown> = {}) => ({
  ...data['incident-report'],
  sourceUrls: ['https://weibo.example.com/7712000001/bad-input'],
  ...overrides,
});

const corpus: BadRequest[] = [
  // Malformed JSON
  {
    name: 'malformed JSON: a report cut short',
    as: 'monitor',
    method: 'POST',
    path: '/api/cases',
    raw: '{"title": "x",',
    status: 400,
  },
  {
    name: 'malformed JSON: unquoted keys at sign-in',
    as: 'anonymous',
    method: 'POST',
    path: '/api/session',
    raw: "{username: 'admin1'}",
    status: 400,
  },
  {
    name: 'malformed JSON: a bad literal in a user change',
    as: 'admin',
    method: 'PATCH',
    path: '/api/users/{user}',
    raw: '{"active": fals}',
    status: 400,
  },
  {
    name: 'malformed JSON: a bare string where strict JSON wants an object',
    as: 'leader',
    method: 'POST',
    path: '/api/tasks/{task}/complete',
    raw: '"approved"',
    status: 400,
  },
  {
    name: 'malformed JSON: NUL bytes',
    as: 'monitor',
    method: 'POST',
    path: '/api/cases',
    raw: '{"title":"\u0000\u0000',
    status: 400,
  },
  // Wrong content types
  {
    name: 'JSON sent as text/plain to a JSON route',
    as: 'monitor',
    method: 'POST',
    path: '/api/cases',
    raw: JSON.stringify(report()),
    contentType: 'text/plain',
    status: 415,
  },
  {
    name: 'JSON sent as a form to sign-in',
    as: 'anonymous',
    method: 'POST',
    path: '/api/session',
    raw: '{"username":"admin1","password":"x"}',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
  },
  {
    name: 'JSON sent as XML to complete a task',
    as: 'leader',
    method: 'POST',
    path: '/api/tasks/{task}/complete',
    raw: JSON.stringify(data.consultation),
    contentType: 'application/xml',
    status: 415,
  },
  {
    name: 'JSON in a charset body-parser does not read',
    as: 'monitor',
    method: 'POST',
    path: '/api/cases',
    raw: JSON.stringify(report()),
    contentType: 'application/json; charset=iso-8859-1',
    status: 415,
  },
  {
    name: 'a diagram as text/plain',
    as: 'designer',
    method: 'POST',
    path: '/api/definitions',
    raw: '<definitions/>',
    contentType: 'text/plain',
    status: 415,
  },
  {
    name: 'a body-less POST where a JSON body is expected',
    as: 'monitor',
    method: 'POST',
    path: '/api/cases',
    status: 415,
  },
  // Arrays where objects are expected
  {
    name: 'an array of reports',
    as: 'monitor',
    method: 'POST',
    path: '/api/cases',
    body: [report()],
    status: 400,
  },
  {
    name: 'an array at sign-in',
    as: 'anonymous',
    method: 'POST',
    path: '/api/session',
    body: [{ username: 'admin1', password: 'x' }],
    status: 400,
  },
  {
    name: 'an array as a user change',
    as: 'admin',
    method: 'PATCH',
    path: '/api/users/{user}',
    body: [{ active: false }],
    status: 400,
  },
  {
    name: 'an array as a re-grade',
    as: 'leader',
    method: 'POST',
    path: '/api/cases/{case}/regrade',
    body: [1, 'reason'],
    status: 400,
  },
  {
    name: 'an array as form data',
    as: 'leader',
    method: 'POST',
    path: '/api/tasks/{task}/complete',
    body: [data.consultation],
    status: 400,
  },
  // Wrong types
  {
    name: 'wrong types at sign-in',
    as: 'anonymous',
    method: 'POST',
    path: '/api/session',
    body: { username: 42, password: true },
    status: 400,
    errors: ['/username', '/password'],
  },
  {
    name: 'wrong types in a re-grade',
    as: 'leader',
    method: 'POST',
    path: '/api/cases/{case}/regrade',
    body: { newGrade: '1', reason: 42 },
    status: 400,
    errors: ['/newGrade', '/reason'],
  },
  {
    name: 'a grade as a string in a report',
    as: 'monitor',
    method: 'POST',
    path: '/api/cases',
    body: report({ grade: '3' }),
    status: 400,
    errors: ['/grade'],
  },
  {
    name: 'active as a string',
    as: 'admin',
    method: 'PATCH',
    path: '/api/users/{user}',
    body: { active: 'false' },
    status: 400,
    errors: ['/active'],
  },
  {
    name: 'roles as a string',
    as: 'admin',
    method: 'POST',
    path: '/api/users',
    body: { id: 'new-person', displayName: 'x', roles: 'admin' },
    status: 400,
    errors: ['/roles'],
  },
  {
    name: 'an unknown role',
    as: 'admin',
    method: 'PATCH',
    path: '/api/users/{user}',
    body: { roles: ['root'] },
    status: 400,
    errors: ['/roles/0'],
  },
  {
    name: 'participants as a string in a form',
    as: 'leader',
    method: 'POST',
    path: '/api/tasks/{task}/complete',
    body: { ...data.consultation, participants: 'everyone' },
    status: 400,
    errors: ['/participants'],
  },
  {
    name: 'a token for the admin role',
    as: 'admin',
    method: 'POST',
    path: '/api/tokens',
    body: { name: 'root', role: 'admin' },
    status: 400,
    errors: ['/role'],
  },
  // Unknown fields
  {
    name: 'an unknown field at sign-in',
    as: 'anonymous',
    method: 'POST',
    path: '/api/session',
    body: { username: 'admin1', password: 'x', remember: true },
    status: 400,
    errors: ['/remember'],
  },
  {
    name: 'an unknown field in a user change',
    as: 'admin',
    method: 'PATCH',
    path: '/api/users/{user}',
    body: { displayName: 'X', isAdmin: true },
    status: 400,
    errors: ['/isAdmin'],
  },
  {
    name: 'an unknown field in a new user',
    as: 'admin',
    method: 'POST',
    path: '/api/users',
    body: { id: 'new-person', displayName: 'x', roles: ['writer'], superuser: true },
    status: 400,
    errors: ['/superuser'],
  },
  {
    name: 'an unknown field in a token',
    as: 'admin',
    method: 'POST',
    path: '/api/tokens',
    body: { name: 'tool', role: 'leader', scope: '*' },
    status: 400,
    errors: ['/scope'],
  },
  {
    name: 'an unknown field in a re-grade',
    as: 'leader',
    method: 'POST',
    path: '/api/cases/{case}/regrade',
    body: { newGrade: 1, reason: 'x', by: 'admin1' },
    status: 400,
    errors: ['/by'],
  },
  {
    name: 'an unknown field in a report',
    as: 'monitor',
    method: 'POST',
    path: '/api/cases',
    body: report({ reportedBy: 'leader1' }),
    status: 400,
    errors: ['/reportedBy'],
  },
  {
    name: 'an unknown field in form data',
    as: 'leader',
    method: 'POST',
    path: '/api/tasks/{task}/complete',
    body: { ...data.consultation, completedBy: 'admin1' },
    status: 400,
    errors: ['/completedBy'],
  },
  {
    name: 'a diagram as JSON with a second field',
    as: 'designer',
    method: 'POST',
    path: '/api/definitions',
    body: { xml: '<definitions/>', key: 'x' },
    status: 400,
  },
  // Too large
  {
    name: 'a 300 KiB report',
    as: 'monitor',
    method: 'POST',
    path: '/api/cases',
    body: report({ summary: huge(300 * KiB) }),
    status: 413,
  },
  {
    name: 'a 300 KiB sign-in',
    as: 'anonymous',
    method: 'POST',
    path: '/api/session',
    body: { username: 'admin1', password: huge(300 * KiB) },
    status: 413,
  },
  {
    name: 'a 300 KiB form',
    as: 'leader',
    method: 'POST',
    path: '/api/tasks/{task}/complete',
    body: { ...data.consultation, minutes: huge(300 * KiB) },
    status: 413,
  },
  {
    name: 'a 3 MiB diagram as XML',
    as: 'designer',
    method: 'POST',
    path: '/api/definitions',
    raw: `<definitions>${huge(3 * MiB)}</definitions>`,
    contentType: 'application/xml',
    status: 413,
  },
  {
    name: 'a 3 MiB diagram as JSON',
    as: 'designer',
    method: 'POST',
    path: '/api/definitions',
    body: { xml: `<definitions>${huge(3 * MiB)}</definitions>` },
    status: 413,
  },
  {
    name: 'a 3 MiB diagram to lint',
    as: 'designer',
    method: 'POST',
    path: '/api/definitions/lint',
    raw: huge(3 * MiB),
    contentType: 'text/xml',
    status: 413,
  },
  // Operator injection in bodies
  {
    name: 'operators as credentials',
    as: 'anonymous',
    method: 'POST',
    path: '/api/session',
    body: { username: { $ne: null }, password: { $gt: '' } },
    status: 400,
    errors: ['/username', '/password'],
  },
  {
    name: 'an operator as a user name',
    as: 'anonymous',
    method: 'POST',
    path: '/api/session',
    body: { username: { $regex: '^admin' }, password: 'x' },
    status: 400,
    errors: ['/username'],
  },
  {
    name: '$push as roles',
    as: 'admin',
    method: 'PATCH',
    path: '/api/users/{user}',
    body: { roles: { $push: 'admin' } },
    status: 400,
    errors: ['/roles'],
  },
  {
    name: '$set as a user change',
    as: 'admin',
    method: 'PATCH',
    path: '/api/users/{user}',
    body: { $set: { roles: ['admin'] } },
    status: 400,
    errors: ['/$set'],
  },
  {
    name: '$where in a report',
    as: 'monitor',
    method: 'POST',
    path: '/api/cases',
    body: report({ $where: 'sleep(1000)' }),
    status: 400,
    errors: ['/$where'],
  },
  {
    name: 'an operator as a grade',
    as: 'leader',
    method: 'POST',
    path: '/api/cases/{case}/regrade',
    body: { newGrade: { $gt: 0 }, reason: 'x' },
    status: 400,
    errors: ['/newGrade'],
  },
  {
    name: '$set as form data',
    as: 'leader',
    method: 'POST',
    path: '/api/tasks/{task}/complete',
    body: { $set: { status: 'completed' } },
    status: 400,
    errors: ['/$set'],
  },
  {
    name: 'an operator as a token name',
    as: 'admin',
    method: 'POST',
    path: '/api/tokens',
    body: { name: { $ne: 1 }, role: 'leader' },
    status: 400,
    errors: ['/name'],
  },
  {
    name: 'an operator as a new user id',
    as: 'admin',
    method: 'POST',
    path: '/api/users',
    body: { id: { $gt: '' }, displayName: 'x', roles: ['writer'] },
    status: 400,
    errors: ['/id'],
  },
  // Operator injection in queries, and other bad queries
  {
    name: 'grade[$gt] in a case query',
    as: 'leader',
    method: 'GET',
    path: '/api/cases?grade[$gt]=0',
    status: 400,
    errors: ['/grade[$gt]'],
  },
  {
    name: 'status[$ne] in a case query',
    as: 'leader',
    method: 'GET',
    path: '/api/cases?status[$ne]=x',
    status: 400,
    errors: ['/status[$ne]'],
  },
  {
    name: 'category[$regex] in a case query',
    as: 'member',
    method: 'GET',
    path: '/api/cases?category[$regex]=.*',
    status: 400,
  },
  {
    name: 'caseId[$ne] in a task query',
    as: 'leader',
    method: 'GET',
    path: '/api/tasks?caseId[$ne]=x',
    status: 400,
    errors: ['/caseId[$ne]'],
  },
  {
    name: 'activityId[$regex] in a task query',
    as: 'auditor',
    method: 'GET',
    path: '/api/tasks?activityId[$regex]=.*',
    status: 400,
  },
  {
    name: 'an operator-looking caseId value',
    as: 'leader',
    method: 'GET',
    path: '/api/tasks?caseId=%7B%22%24ne%22%3A1%7D',
    status: 400,
    errors: ['/caseId'],
  },
  {
    name: 'a repeated grade (an array)',
    as: 'leader',
    method: 'GET',
    path: '/api/cases?grade=1&grade=2',
    status: 400,
    errors: ['/grade'],
  },
  { name: '__proto__ in a query', as: 'leader', method: 'GET', path: '/api/cases?__proto__=x', status: 400 },
  {
    name: 'an unknown query parameter',
    as: 'leader',
    method: 'GET',
    path: '/api/tasks?assignee=admin1',
    status: 400,
    errors: ['/assignee'],
  },
  {
    name: 'a page size beyond the limit',
    as: 'leader',
    method: 'GET',
    path: '/api/cases?pageSize=1000000',
    status: 400,
    errors: ['/pageSize'],
  },
  {
    name: 'a date that is not a date',
    as: 'leader',
    method: 'GET',
    path: '/api/cases?from=yesterday',
    status: 400,
    errors: ['/from'],
  },
  {
    name: 'mine=maybe',
    as: 'leader',
    method: 'GET',
    path: '/api/tasks?mine=maybe',
    status: 400,
    errors: ['/mine'],
  },
  // Ids that are not ids
  { name: '$where as a task id', as: 'leader', method: 'GET', path: '/api/tasks/%24where', status: 404 },
  {
    name: '$where as a task id to complete',
    as: 'leader',
    method: 'POST',
    path: '/api/tasks/%24where/complete',
    body: data.consultation,
    status: 404,
  },
  { name: 'a path as a case id', as: 'leader', method: 'GET', path: '/api/cases/..%2F..', status: 404 },
  {
    name: 'a path as a case id to re-grade',
    as: 'leader',
    method: 'POST',
    path: '/api/cases/..%2F..%2Fusers/regrade',
    body: { newGrade: 1, reason: 'x' },
    status: 404,
  },
  {
    name: 'a 300-character case id',
    as: 'leader',
    method: 'GET',
    path: `/api/cases/${'c'.repeat(300)}`,
    status: 404,
  },
  {
    name: 'a 5,000-character task id to claim',
    as: 'leader',
    method: 'POST',
    path: `/api/tasks/${'t'.repeat(5000)}/claim`,
    status: 404,
  },
  {
    name: 'a NUL byte as an instance id',
    as: 'auditor',
    method: 'GET',
    path: '/api/instances/%00',
    status: 404,
  },
  {
    name: 'an operator as a user id',
    as: 'admin',
    method: 'PATCH',
    path: '/api/users/%7B%22%24ne%22%3Anull%7D',
    body: { active: false },
    status: 404,
  },
  {
    name: 'a user that does not exist',
    as: 'admin',
    method: 'PATCH',
    path: '/api/users/nobody',
    body: { active: false },
    status: 404,
  },
  {
    name: '$where as a process key',
    as: 'auditor',
    method: 'GET',
    path: '/api/definitions/%24where/versions/1/xml',
    status: 404,
  },
  {
    name: 'a version that is not a number',
    as: 'auditor',
    method: 'GET',
    path: '/api/definitions/opinion-intake/versions/latest/xml',
    status: 404,
  },
  {
    name: 'a version zero',
    as: 'auditor',
    method: 'GET',
    path: '/api/definitions/opinion-intake/versions/0/xml',
    status: 404,
  },
  { name: 'a path as a token id', as: 'admin', method: 'DELETE', path: '/api/tokens/..%2F..', status: 404 },
  {
    name: 'an operator as a county link',
    as: 'anonymous',
    method: 'POST',
    path: '/api/external/%24where',
    body: data['county-guidance'],
    status: 404,
  },
  {
    name: 'a forged county link',
    as: 'anonymous',
    method: 'GET',
    path: '/api/external/aaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
    status: 404,
  },
  {
    name: 'a broken percent-encoding',
    as: 'leader',
    method: 'GET',
    path: '/api/tasks/%E0%A4%A',
    status: 400,
  },
  {
    name: 'a job that does not exist',
    as: 'admin',
    method: 'POST',
    path: '/api/incidents/%24where/retry',
    status: 404,
  },
  // Headers
  {
    name: 'a malformed Idempotency-Key',
    as: 'monitor',
    method: 'POST',
    path: '/api/cases',
    body: report(),
    headers: { 'idempotency-key': '{"$ne":1}' },
    status: 400,
  },
  {
    name: 'a route that does not exist',
    as: 'leader',
    method: 'GET',
    path: '/api/cases/{case}/delete',
    status: 404,
  },
  {
    name: 'a method that does not exist',
    as: 'leader',
    method: 'DELETE',
    path: '/api/cases/{case}',
    status: 404,
  },
];

describe('the bad-input corpus', () => {
  const plan = useApiHarness({ shared: true });
  let ids: Ids;

  beforeAll(async () => {
    ids = await openGrade3Case(plan.api);
    for (const role of ['monitor', 'leader', 'admin', 'designer', 'auditor', 'member'])
      await plan.api.as(role);
  });

  test.each(corpus)('$name → $status', async (bad) => {
    const client = bad.as === 'anonymous' ? plan.api.anonymous() : await plan.api.as(bad.as);
    const before = await storeSnapshot(plan.api.h);
    const url = bad.path.replace(/\{(case|task|user)\}/g, (_, name: keyof Ids) => ids[name]);
    const response = await client.request(bad.method, url, bad.body, {
      raw: bad.raw,
      contentType: bad.contentType,
      headers: bad.headers,
    });
    expectProblem(response, bad.status);
    if (bad.errors) expect(errorPaths(response)).toEqual(expect.arrayContaining(bad.errors));
    expect(await storeSnapshot(plan.api.h)).toEqual(before);
  });

  test('the harness data is valid: the same report and form data without the fault are accepted', async () => {
    // Guards the corpus against testing a fault it does not contain.
    const monitor = await plan.api.as('monitor');
    const accepted = await monitor.post('/api/cases', report(), { 'idempotency-key': 'bad-input-check-1' });
    expect([accepted.status, accepted.body.detail ?? null]).toEqual([201, null]);
    const leader = await plan.api.as('leader');
    const done = await leader.post(`/api/tasks/${ids.task}/complete`, data.consultation);
    expect([done.status, done.body.detail ?? null]).toEqual([200, null]);
  });
});

describe('deploys that must be refused', () => {
  const plan = useApiHarness({ shared: true });
  const deployable = readFileSync(path.join(import.meta.dirname, '../resources/deployable.bpmn'), 'utf8')
    .replace('camunda:formKey="review"', 'camunda:formKey="consultation"')
    .replace('id="deployable"', 'id="bad-input-deployable"');

  async function refused(xml: string) {
    const designer = await plan.api.as('designer');
    const before = await storeSnapshot(plan.api.h);
    const response = await designer.request<{ problems: Array<{ rule: string; elementId?: string }> }>(
      'POST',
      '/api/definitions',
      undefined,
      { raw: xml, contentType: 'application/xml' },
    );
    expectProblem(response as unknown as ApiResponse, 422);
    expect(response.body.problems.length).toBeGreaterThan(0);
    expect(await storeSnapshot(plan.api.h)).toEqual(before);
    return response.body.problems;
  }

  test('a malformed diagram is 422 with problems[] and no definition is stored', async () => {
    const problems = await refused('<definitions><process');
    expect(problems[0]).toMatchObject({ message: expect.any(String) });
  });

  test('the base diagram lints clean, so the refusals below are for their faults alone', async () => {
    const designer = await plan.api.as('designer');
    const lint = await designer.request<{ ok: boolean; problems: unknown[] }>(
      'POST',
      '/api/definitions/lint',
      undefined,
      { raw: deployable, contentType: 'application/xml' },
    );
    expect([lint.status, lint.body.ok, lint.body.problems]).toEqual([200, true, expect.any(Array)]);
  });

  test('a condition escaping the expression sandbox is 422', async () => {
    const escape = deployable.replace(
      '${grade &lt;= 2}',
      "${environment.constructor.constructor('return process')()}",
    );
    expect(escape).not.toBe(deployable);
    const problems = await refused(escape);
    expect(problems.map((p) => `${p.rule}@${p.elementId ?? ''}`)).toEqual([
      'preplan/safe-expressions@toHigh',
    ]);
  });

  test('a script task is 422', async () => {
    const script = deployable
      .replace(
        '<serviceTask id="notify" name="通知" camunda:type="external" camunda:topic="notify">',
        '<scriptTask id="notify" name="通知" scriptFormat="javascript"><script>process.exit(1)</script>',
      )
      .replace(
        '</serviceTask>\n    <sequenceFlow id="toDecide"',
        '</scriptTask>\n    <sequenceFlow id="toDecide"',
      );
    expect(script).toContain('</scriptTask>');
    const problems = await refused(script);
    expect(problems.map((p) => p.elementId)).toContain('notify');
  });

  /** A process of `tasks` unnamed tasks in a row: six lint problems per task, about 82 bytes each. */
  const longChain = (tasks: number): string => {
    const steps = Array.from(
      { length: tasks },
      (_, i) =>
        `<task id="t${i}"/><sequenceFlow id="f${i}" sourceRef="${i ? `t${i - 1}` : 's'}" targetRef="t${i}"/>`,
    );
    return (
      '<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" ' +
      `targetNamespace="x"><process id="long-chain" isExecutable="true"><startEvent id="s"/>${steps.join('')}` +
      `<endEvent id="e"/><sequenceFlow id="fe" sourceRef="t${tasks - 1}" targetRef="e"/></process></definitions>`
    );
  };

  describe('when the diagram checker cannot finish', () => {
    afterEach(() => limitDiagramChecker(DIAGRAM_CHECKER_DEFAULTS));

    test('a diagram that needs more memory than the checker has is 422 with the reason; the next is checked as usual', async () => {
      limitDiagramChecker({ memoryMb: 48 });
      const xml = longChain(24_000);
      expect(Buffer.byteLength(xml)).toBeLessThan(MAX_DIAGRAM_BYTES);
      const problems = await refused(xml);
      expect(problems).toEqual([
        {
          rule: 'parse',
          severity: 'error',
          message: 'checking the diagram needed more than 48 MB of memory',
        },
      ]);
      expect((await refused('<definitions><process'))[0]).toMatchObject({ rule: 'parse' });
    });

    test('a check over the time limit is 422 with the reason; the next is checked as usual', async () => {
      limitDiagramChecker({ timeMs: 300 });
      const problems = await refused(longChain(6000));
      expect(problems).toEqual([
        { rule: 'parse', severity: 'error', message: 'checking the diagram took over 300 ms' },
      ]);
      limitDiagramChecker(DIAGRAM_CHECKER_DEFAULTS);
      expect((await refused('<definitions><process'))[0]).toMatchObject({ rule: 'parse' });
    });
  });
});

describe('completed tasks and county links', () => {
  const plan = useApiHarness();

  async function expectRefusedUnchanged(
    run: () => Promise<ApiResponse>,
    status: number,
  ): Promise<ApiResponse> {
    const before = await storeSnapshot(plan.api.h);
    const response = await run();
    expectProblem(response, status);
    expect(await storeSnapshot(plan.api.h)).toEqual(before);
    return response;
  }

  test('a task completed once is 409 on the second completion, claim and unclaim', async () => {
    const ids = await openGrade3Case(plan.api);
    const leader = await plan.api.as('leader');
    expect((await leader.post(`/api/tasks/${ids.task}/complete`, data.consultation)).status).toBe(200);
    await plan.api.h.drain();
    await expectRefusedUnchanged(
      () => leader.post(`/api/tasks/${ids.task}/complete`, data.consultation),
      409,
    );
    await expectRefusedUnchanged(() => leader.post(`/api/tasks/${ids.task}/claim`), 409);
    await expectRefusedUnchanged(() => leader.post(`/api/tasks/${ids.task}/unclaim`), 409);
  });

  test('a county link used once is 409 when replayed', async () => {
    const { h } = plan.api;
    const county = plan.api.anonymous();
    const reported = await (await plan.api.as('monitor')).post<{ id: string }>('/api/cases', incident(h, 2));
    expect(reported.status).toBe(201);
    await h.drain();
    const [link] = countyLinks(h);
    expect((await county.get(`/api/external/${link}`)).status).toBe(200);
    const guidance = { ...data['county-guidance'], recordedOnBehalf: false };
    const used = await county.post(`/api/external/${link}`, guidance);
    expect([used.status, used.body.detail ?? null]).toEqual([200, null]);
    await h.drain();
    const replay = await expectRefusedUnchanged(() => county.post(`/api/external/${link}`, guidance), 409);
    expect(replay.body.type).toBe('https://preplan.local/problems/conflict');
    await expectRefusedUnchanged(() => county.get(`/api/external/${link}`), 409);
  });

  test('a county link is 403 once expired, and a forged one 404', async () => {
    const { h } = plan.api;
    const county = plan.api.anonymous();
    const reported = await (await plan.api.as('monitor')).post<{ id: string }>('/api/cases', incident(h, 2));
    expect(reported.status).toBe(201);
    await h.drain();
    const [link] = countyLinks(h);
    const guidance = { ...data['county-guidance'], recordedOnBehalf: false };
    await expectRefusedUnchanged(
      () => county.post(`/api/external/${link.split('.')[0]}.${'A'.repeat(43)}`, guidance),
      404,
    );
    await h.advance(h.node.plan.countyLinkHours * HOUR + 60_000);
    const expired = await expectRefusedUnchanged(() => county.post(`/api/external/${link}`, guidance), 403);
    expect(expired.body.type).toBe('https://preplan.local/problems/forbidden');
    await expectRefusedUnchanged(() => county.get(`/api/external/${link}`), 403);
  });
});

describe('garbage (fast-check): always 4xx, never 5xx, nothing changed', () => {
  const plan = useApiHarness({ shared: true });
  let ids: Ids;
  beforeAll(async () => {
    ids = await openGrade3Case(plan.api);
  });

  const RUNS = 200;
  const PATCH_FIELDS = new Set(['displayName', 'roles', 'email', 'active', 'password']);
  /** Random JSON that is not, by chance, a valid user change. */
  const notAPatch = (value: unknown) =>
    !(
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).some((key) => PATCH_FIELDS.has(key)) &&
      Object.keys(value).every((key) => PATCH_FIELDS.has(key))
    );

  const targets: Array<{ name: string; as: string; method: string; path: () => string }> = [
    { name: 'POST /api/cases', as: 'monitor', method: 'POST', path: () => '/api/cases' },
    {
      name: 'POST /api/tasks/:id/complete',
      as: 'leader',
      method: 'POST',
      path: () => `/api/tasks/${ids.task}/complete`,
    },
    { name: 'POST /api/session', as: 'anonymous', method: 'POST', path: () => '/api/session' },
    { name: 'PATCH /api/users/:id', as: 'admin', method: 'PATCH', path: () => `/api/users/${ids.user}` },
  ];

  test.each(targets)('$name: random JSON values and random strings', async (target) => {
    const client = target.as === 'anonymous' ? plan.api.anonymous() : await plan.api.as(target.as);
    const before = await storeSnapshot(plan.api.h);
    const seen = new Map<number, number>();
    const check = async (options: { body?: unknown; raw?: string }) => {
      const response = await client.request(target.method, target.path(), options.body, { raw: options.raw });
      seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
      expect([response.status >= 400 && response.status < 500, response.status, options]).toEqual([
        true,
        response.status,
        options,
      ]);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.text).not.toContain('    at ');
    };
    await fc.assert(
      fc.asyncProperty(fc.jsonValue().filter(notAPatch), (body) => check({ body })),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), (raw) => check({ raw })),
      { numRuns: RUNS },
    );
    expect(await storeSnapshot(plan.api.h)).toEqual(before);
    expect([...seen.keys()].every((status) => status >= 400 && status < 500)).toBe(true);
  });

  test('random query strings on the list endpoints: 200 or 400, never 5xx', async () => {
    const leader = await plan.api.as('leader');
    const before = await storeSnapshot(plan.api.h);
    const key = fc.oneof(
      fc.constantFrom(
        'status',
        'grade',
        'category',
        'drill',
        'from',
        'to',
        'page',
        'pageSize',
        'caseId',
        'activityId',
        'mine',
      ),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('grade[$gt]', '$where', '__proto__', 'constructor[prototype]', 'a[]'),
    );
    const query = fc.array(fc.tuple(key, fc.string({ unit: 'binary', maxLength: 20 })), { maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/cases', '/api/tasks'), query, async (base, pairs) => {
        const search = new URLSearchParams(pairs).toString();
        const response = await leader.get(`${base}?${search}`);
        expect([search, response.status]).toEqual([search, expect.any(Number)]);
        expect([search, [200, 400].includes(response.status)]).toEqual([search, true]);
      }),
      { numRuns: RUNS },
    );
    expect(await storeSnapshot(plan.api.h)).toEqual(before);
  });
});
