import { accessPolicy, type Operation } from './access-policy.js';

interface Endpoint {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  operation: Operation;
  summary: string;
  body?: string;
  responses?: Record<string, string>;
}

/** The public API, one line each; the OpenAPI document and the docs page are made from it. */
export const endpoints: Endpoint[] = [
  {
    method: 'post',
    path: '/api/session',
    operation: 'session.create',
    summary: 'Sign in (sets the HttpOnly session cookie; returns the CSRF token)',
    body: '{ username, password }',
    responses: { 200: 'signed in', 403: 'wrong user or password', 429: 'too many failed sign-ins' },
  },
  {
    method: 'delete',
    path: '/api/session',
    operation: 'session.delete',
    summary: 'Sign out',
    responses: { 204: 'signed out' },
  },
  { method: 'get', path: '/api/me', operation: 'me.read', summary: 'Who I am, my roles, and my CSRF token' },
  {
    method: 'post',
    path: '/api/cases',
    operation: 'case.create',
    summary: 'Report an incident (form incident-report); idempotent with an Idempotency-Key header',
    body: 'forms/incident-report.json',
    responses: {
      201: 'case opened',
      200: 'the same Idempotency-Key: the case opened before',
      400: 'invalid report (errors[] per field)',
      409: 'this source is already a case',
    },
  },
  {
    method: 'get',
    path: '/api/cases',
    operation: 'case.list',
    summary:
      'Cases I may see: ?status=open|closed &grade=1..4 &category= &drill=true|false &from=YYYY-MM-DD &to= &page= &pageSize=',
  },
  {
    method: 'get',
    path: '/api/cases/{id}',
    operation: 'case.read',
    summary:
      'A case: facts, grade history, deadlines and their state, tasks and who holds them, publications, processes, messages sent',
  },
  {
    method: 'post',
    path: '/api/cases/{id}/regrade',
    operation: 'case.regrade',
    summary: 'Re-grade upward (研判升级); the higher grade’s process takes over',
    body: '{ newGrade, reason }',
    responses: { 202: 'accepted' },
  },
  {
    method: 'get',
    path: '/api/tasks',
    operation: 'task.list',
    summary:
      'My open tasks and my roles’ claimable ones, most urgent first: ?caseId= &activityId= &mine=true',
  },
  {
    method: 'get',
    path: '/api/tasks/{id}',
    operation: 'task.read',
    summary:
      'A task with its form (JSON Schema + UI hints), submitted data, and the last submission of the same step',
  },
  {
    method: 'post',
    path: '/api/tasks/{id}/claim',
    operation: 'task.claim',
    summary: 'Claim a task',
    responses: { 409: 'claimed by someone else or closed' },
  },
  {
    method: 'post',
    path: '/api/tasks/{id}/unclaim',
    operation: 'task.claim',
    summary: 'Give a claimed task back',
  },
  {
    method: 'post',
    path: '/api/tasks/{id}/complete',
    operation: 'task.complete',
    summary: 'Complete a task with its form data (validated against the form, every error at once)',
    body: 'the task’s form',
    responses: {
      400: 'invalid data (errors[] per field)',
      403: 'not my role',
      409: 'already completed, or claimed by someone else',
    },
  },
  {
    method: 'get',
    path: '/api/definitions',
    operation: 'definition.list',
    summary: 'Deployed processes and their versions',
  },
  {
    method: 'post',
    path: '/api/definitions',
    operation: 'definition.deploy',
    summary: 'Deploy a diagram (application/xml, or JSON { xml })',
    responses: {
      201: 'new version',
      200: 'unchanged: the existing version',
      422: 'refused: problems[] (element, rule, message)',
    },
  },
  {
    method: 'post',
    path: '/api/definitions/lint',
    operation: 'definition.lint',
    summary: 'Run the deploy checks without deploying',
  },
  {
    method: 'get',
    path: '/api/definitions/{key}/versions/{version}/xml',
    operation: 'definition.read',
    summary: 'The XML of one version',
  },
  {
    method: 'get',
    path: '/api/cases/{id}/diagrams',
    operation: 'case.read',
    summary: 'The diagrams (XML) of the case’s processes, with their instance and status',
  },
  {
    method: 'get',
    path: '/api/cases/{id}/report.pdf',
    operation: 'case.report',
    summary:
      'The printable case report (PDF): facts, grade history, deadlines met or missed, publications, tasks and who held them, the timeline, each process diagram with the path taken, chain heads in the footer',
    responses: {
      200: 'application/pdf, inline, named <case id>.pdf',
      404: 'no such case, or not one I may read',
    },
  },
  {
    method: 'get',
    path: '/api/cases/{id}/history',
    operation: 'case.read',
    summary:
      'The history of all the case’s processes in time order, with element names, and each chain’s integrity',
  },
  {
    method: 'get',
    path: '/api/instances/{id}/state',
    operation: 'instance.read',
    summary:
      'The instance as it was after event ?at=SEQ: completed elements and flows taken, active and timed-out elements, variables, open tasks, tasks done (who, when), ended',
  },
  {
    method: 'get',
    path: '/api/audit/verify',
    operation: 'audit.verify',
    summary:
      'Verify the hash chains of every instance (?caseId= for one case): which event was altered, removed or inserted; and, with a digest key, every signed daily digest (digests: forged ones, chains rewritten since a day was sealed, missing days)',
  },
  {
    method: 'get',
    path: '/api/audit/digests',
    operation: 'audit.digests',
    summary:
      'The signed daily digests of chain heads, newest first (?from=YYYY-MM-DD &to=): day (UTC), heads (instanceId, seq, hash), sealedAt, keyId, mac',
  },
  {
    method: 'get',
    path: '/api/catalog',
    operation: 'catalog.read',
    summary: 'What diagrams may use: registered services, forms, roles',
  },
  {
    method: 'get',
    path: '/api/forms/{key}',
    operation: 'form.read',
    summary: 'A form’s JSON Schema and UI hints',
  },
  {
    method: 'get',
    path: '/api/reports/compliance',
    operation: 'report.read',
    summary:
      'Deadline compliance per grade (report deadline, 12-hour reply) with the misses; ?from=&to= (dates), &format=csv for the misses',
  },
  {
    method: 'get',
    path: '/api/reports/accountability',
    operation: 'report.read',
    summary: '责任追究: tasks done late or overdue, who held them and for how long; ?from=&to=, &format=csv',
  },
  {
    method: 'get',
    path: '/api/reports/monthly',
    operation: 'report.read',
    summary:
      'Monthly summary: counts by grade, category, outcome, median minutes per step; ?month=YYYY-MM, &format=csv',
  },
  {
    method: 'get',
    path: '/api/instances/{id}',
    operation: 'instance.read',
    summary: 'A process instance: status, variables, waits, tasks',
  },
  {
    method: 'get',
    path: '/api/instances/{id}/history',
    operation: 'instance.read',
    summary: 'The instance’s hash-chained history and its integrity check',
  },
  {
    method: 'get',
    path: '/api/incidents',
    operation: 'incident.list',
    summary: 'Jobs whose retries ran out',
  },
  {
    method: 'post',
    path: '/api/incidents/{id}/retry',
    operation: 'incident.retry',
    summary: 'Retry a failed job',
  },
  { method: 'get', path: '/api/users', operation: 'user.list', summary: 'Users and their roles' },
  {
    method: 'post',
    path: '/api/users',
    operation: 'user.create',
    summary: 'Create a user (without a password, one is generated and returned once)',
    body: '{ id, displayName, roles, email?, password? }',
  },
  {
    method: 'patch',
    path: '/api/users/{id}',
    operation: 'user.update',
    summary: 'Change name, roles, e-mail, password, or deactivate',
    body: '{ displayName?, roles?, email?, active?, password? }',
  },
  {
    method: 'get',
    path: '/api/tokens',
    operation: 'token.list',
    summary: 'API tokens (never their secrets)',
  },
  {
    method: 'post',
    path: '/api/tokens',
    operation: 'token.create',
    summary: 'Create an API token for an integration, scoped to one role; the token is shown once',
    body: '{ name, role }',
  },
  { method: 'delete', path: '/api/tokens/{id}', operation: 'token.revoke', summary: 'Revoke an API token' },
  {
    method: 'get',
    path: '/api/external/{token}',
    operation: 'external.read',
    summary: 'What a county link opens: the case, the task and its form',
    responses: { 404: 'invalid link', 403: 'expired', 409: 'used, or not reached yet' },
  },
  {
    method: 'post',
    path: '/api/external/{token}',
    operation: 'external.submit',
    summary: 'Submit the county’s form through its link (once)',
  },
  { method: 'get', path: '/healthz', operation: 'system.health', summary: 'The process is up' },
  {
    method: 'get',
    path: '/readyz',
    operation: 'system.health',
    summary: 'The store answers and the scheduler runs (503 otherwise)',
  },
  { method: 'get', path: '/metrics', operation: 'system.metrics', summary: 'Prometheus metrics' },
  { method: 'get', path: '/api/openapi.json', operation: 'system.docs', summary: 'This document' },
  { method: 'get', path: '/api/docs', operation: 'system.docs', summary: 'This document as a readable page' },
];

function who(operation: Operation): string {
  const rule = accessPolicy[operation] as 'public' | 'authenticated' | readonly string[];
  return rule === 'public' ? 'anyone' : rule === 'authenticated' ? 'any signed-in caller' : rule.join(', ');
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of endpoints) {
    const responses: Record<string, unknown> = { default: { description: 'application/problem+json' } };
    for (const [status, description] of Object.entries(e.responses ?? { 200: 'OK' }))
      responses[status] = { description };
    paths[e.path] = {
      ...paths[e.path],
      [e.method]: {
        operationId: `${e.operation}:${e.method}:${e.path}`,
        summary: e.summary,
        description: `Allowed: ${who(e.operation)}.${e.body ? ` Body: ${e.body}.` : ''}`,
        ...(e.path.includes('{')
          ? {
              parameters: [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
                name: m[1],
                in: 'path',
                required: true,
                schema: { type: 'string' },
              })),
            }
          : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'preplan API',
      version: '1',
      description:
        'People sign in with POST /api/session (an HttpOnly, SameSite=Strict cookie) and send the returned CSRF ' +
        'token as X-CSRF-Token on every POST, PATCH and DELETE. Integrations use Authorization: Bearer pp_… tokens. ' +
        'Errors are application/problem+json with errors[] (path, message) for invalid input.',
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'preplan_session' },
        token: { type: 'http', scheme: 'bearer' },
      },
    },
    paths,
  };
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A readable page of the same document, without scripts or outside assets. */
export function openApiHtml(): string {
  const rows = endpoints
    .map(
      (e) =>
        `<tr><td><code>${e.method.toUpperCase()}</code></td><td><code>${escape(e.path)}</code></td><td>${escape(e.summary)}${
          e.body ? `<br><small>body: ${escape(e.body)}</small>` : ''
        }</td><td>${escape(who(e.operation))}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>preplan API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:70rem}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}code{white-space:nowrap}</style>
</head><body><h1>preplan API</h1><p>${escape(openApiDocument().info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a></p>
<table><thead><tr><th>method</th><th>path</th><th>what</th><th>who</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
}
