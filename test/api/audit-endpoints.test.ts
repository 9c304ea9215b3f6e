import { useApiHarness } from '../support/api-harness.js';
import { data, incident } from '../plan/plan-support.js';

const plan = useApiHarness();

test('a case reader gets its diagrams and its whole history with names; an auditor steps through states and verifies chains', async () => {
  const { h } = plan.api;
  const { _id: id } = await h.report(incident(h, 3));
  await h.complete(id, 'Consult', 'leader', data.consultation);
  const leader = await plan.api.as('leader');

  const diagrams = await leader.get<{ items: Array<{ definitionKey: string; xml: string; status: string }> }>(
    `/api/cases/${id}/diagrams`,
  );
  expect(diagrams.status).toBe(200);
  expect(diagrams.body.items.map((d) => d.definitionKey)).toEqual(['opinion-intake', 'opinion-grade-3']);
  expect(diagrams.body.items[1].xml).toContain('<bpmn:userTask id="Consult"');

  const history = await leader.get<{
    events: Array<{ type: string; activityId?: string; activityName?: string; actor?: string }>;
    integrity: Array<{ ok: boolean }>;
  }>(`/api/cases/${id}/history`);
  expect(history.body.integrity).toEqual([
    expect.objectContaining({ ok: true }),
    expect.objectContaining({ ok: true }),
  ]);
  expect(history.body.events).toContainEqual(
    expect.objectContaining({
      type: 'task.completed',
      activityId: 'Consult',
      activityName: '领导小组会商措施',
      actor: 'leader1',
    }),
  );

  // A member with no work in the case reads neither.
  const member = await plan.api.as('member');
  expect((await member.get(`/api/cases/${id}/history`)).status).toBe(404);
  expect((await member.get(`/api/cases/${id}/diagrams`)).status).toBe(404);

  const auditor = await plan.api.as('auditor');
  const child = `intake-${id}~` as string;
  const instanceId = (await h.node.stores.instances.list({ businessKey: id })).find((i) =>
    i._id.startsWith(child),
  )!._id;
  const events = await h.node.stores.history.forInstance(instanceId);
  const consultDone = events.find((e) => e.type === 'task.completed')!.seq;
  const before = await auditor.get<{ active: string[]; completed: string[] }>(
    `/api/instances/${instanceId}/state?at=${consultDone - 1}`,
  );
  expect(before.body.active).toContain('Consult');
  expect(before.body.completed).not.toContain('Consult');
  const after = await auditor.get<{
    completed: string[];
    active: string[];
    variables: Record<string, unknown>;
    done: Array<{ seq: number; activityId: string; actor?: string }>;
    ended: boolean;
  }>(`/api/instances/${instanceId}/state`);
  expect(after.body.completed).toContain('Consult');
  expect(after.body.active).toContain('DraftRelease');
  expect(after.body.variables).toMatchObject({ minutes: data.consultation.minutes });
  // What the UI's replay draws and lists: the flow out of the consultation, who did it, not ended.
  expect(after.body.completed).toContain('Flow_Consult_DraftMerge');
  expect(after.body.done).toEqual([
    { seq: consultDone, at: expect.any(String), activityId: 'Consult', actor: 'leader1' },
  ]);
  expect(after.body.ended).toBe(false);

  const verify = await auditor.get<{ items: Array<{ ok: boolean }> }>(`/api/audit/verify?caseId=${id}`);
  expect(verify.body.items).toHaveLength(2);
  expect(verify.body.items.every((v) => v.ok)).toBe(true);
  expect((await leader.get('/api/audit/verify')).status).toBe(403);
});

test('forms and the catalog are served to those who need them', async () => {
  const monitor = await plan.api.as('monitor');
  const form = await monitor.get<{ key: string; schema: { $id: string } }>('/api/forms/incident-report');
  expect(form.body).toMatchObject({
    key: 'incident-report',
    schema: { $id: 'preplan:form:incident-report' },
  });
  expect((await monitor.get('/api/forms/no-such-form')).status).toBe(404);
  expect((await monitor.get('/api/catalog')).status).toBe(403);
  const designer = await plan.api.as('designer');
  const catalog = await designer.get<{
    services: string[];
    forms: Array<{ key: string }>;
    roles: Array<{ id: string }>;
  }>('/api/catalog');
  expect(catalog.body.services).toEqual(expect.arrayContaining(['notify', 'publish', 'case-record']));
  expect(catalog.body.forms.map((f) => f.key)).toContain('consultation');
  expect(catalog.body.roles.map((r) => r.id)).toContain('county-liaison');
});

test('reports: compliance as JSON and its misses as CSV, for the leading group and auditors only', async () => {
  const { h } = plan.api;
  const { _id: id } = await h.report(incident(h, 3));
  await h.advance(13 * 3_600_000);
  const auditor = await plan.api.as('auditor');
  const json = await auditor.get<{ rows: Array<{ grade: number; reply: Record<string, number> }> }>(
    '/api/reports/compliance',
  );
  expect(json.body.rows).toEqual([
    expect.objectContaining({ grade: 3, reply: expect.objectContaining({ missed: 1 }) }),
  ]);
  const csv = await auditor.get('/api/reports/compliance?format=csv');
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  expect(csv.text).toContain(`${id},`);
  expect((await auditor.get('/api/reports/monthly?month=2037-03')).status).toBe(200);
  expect((await auditor.get('/api/reports/monthly?month=March')).status).toBe(400);
  expect((await (await plan.api.as('writer')).get('/api/reports/compliance')).status).toBe(403);
});
