import { useApiHarness, type ApiClient } from '../support/api-harness.js';
import { data, incident } from '../plan/plan-support.js';

const plan = useApiHarness();

interface TaskItem {
  id: string;
  activityId: string;
  case?: { id: string };
}

async function taskOf(client: ApiClient, caseId: string, activityId: string): Promise<TaskItem> {
  const list = await client.get<{ items: TaskItem[] }>(
    `/api/tasks?caseId=${caseId}&activityId=${activityId}`,
  );
  expect(list.status).toBe(200);
  expect(list.body.items).toHaveLength(1);
  return list.body.items[0];
}

async function complete(client: ApiClient, caseId: string, activityId: string, body: unknown) {
  const task = await taskOf(client, caseId, activityId);
  const done = await client.post(`/api/tasks/${task.id}/complete`, body);
  expect([activityId, done.status, done.body.detail ?? null]).toEqual([activityId, 200, null]);
  await plan.api.h.drain();
  return task;
}

test('the full grade-3 case driven only through the API by four people', async () => {
  const { h } = plan.api;
  const monitor = await plan.api.as('monitor');
  const leader = await plan.api.as('leader');
  const office = await plan.api.as('office');
  const writer = await plan.api.as('writer');

  const reported = await monitor.post<{ id: string; status: string }>('/api/cases', incident(h, 3));
  expect(reported.status).toBe(201);
  expect(reported.headers.get('location')).toBe(`/api/cases/${reported.body.id}`);
  const id = reported.body.id;
  await h.drain();

  // The writer sees nothing yet; the leader sees the consultation, due at the reply deadline.
  expect((await writer.get<{ items: unknown[] }>('/api/tasks')).body.items).toEqual([]);
  const consult = await taskOf(leader, id, 'Consult');
  const detail = await leader.get<{ form: { key: string; schema: object }; dueAt: string; mayAct: boolean }>(
    `/api/tasks/${consult.id}`,
  );
  expect(detail.body).toMatchObject({ form: { key: 'consultation' }, mayAct: true });
  expect((await leader.post(`/api/tasks/${consult.id}/claim`)).status).toBe(200);
  await complete(leader, id, 'Consult', data.consultation);

  // A release with errors is refused field by field; nothing moves.
  const draft = await taskOf(office, id, 'DraftRelease');
  const bad = await office.post<{ errors: Array<{ path: string }> }>(`/api/tasks/${draft.id}/complete`, {
    releaseTitle: '',
    extra: 1,
  });
  expect(bad.status).toBe(400);
  expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(bad.body.errors.map((e) => e.path).sort()).toEqual([
    '/basis',
    '/extra',
    '/releaseText',
    '/releaseTitle',
  ]);
  await complete(office, id, 'DraftRelease', data['release-draft']);
  await complete(leader, id, 'SignOff', data.rejected);
  // The redraft starts from the last draft.
  const redraft = await taskOf(office, id, 'DraftRelease');
  expect((await office.get(`/api/tasks/${redraft.id}`)).body.prefill).toMatchObject({
    releaseTitle: data['release-draft'].releaseTitle,
  });
  await complete(office, id, 'DraftRelease', data['release-draft']);

  // Two people sign off at the same moment: one wins, the other gets a conflict.
  const deputy = await plan.api.as('deputy');
  const signOff = await taskOf(leader, id, 'SignOff');
  const both = await Promise.all([
    leader.post(`/api/tasks/${signOff.id}/complete`, data.approved),
    deputy.post(`/api/tasks/${signOff.id}/complete`, data.approved),
  ]);
  expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
  await h.drain();

  await complete(writer, id, 'WriteCommentary', data['commentary-record']);
  await complete(monitor, id, 'Track', data.subsided);
  await complete(office, id, 'ConfirmSubsided', data['subsidence-confirmation']);
  await complete(office, id, 'Review', data['closing-review']);

  const closed = await leader.get<{
    status: string;
    deadlines: { reply: { state: string } };
    publications: unknown[];
    tasks: Array<{ activityId: string; completedBy?: string; status: string }>;
  }>(`/api/cases/${id}`);
  expect(closed.body).toMatchObject({ status: 'closed', deadlines: { reply: { state: 'met' } } });
  expect(closed.body.publications).toHaveLength(2);
  const by = (activity: string) =>
    closed.body.tasks
      .filter((t) => t.activityId === activity && t.status === 'completed')
      .map((t) => t.completedBy);
  expect(by('Consult')).toEqual(['leader1']);
  expect(by('DraftRelease')).toEqual(['office1', 'office1']);
  expect(by('WriteCommentary')).toEqual(['writer1']);
  expect(by('Track')).toEqual(['monitor1']);

  // Every change carries who made it and the request it came from.
  const auditor = await plan.api.as('auditor');
  const child = closed.body.tasks.find((t) => t.activityId === 'Consult') as unknown as {
    instanceId: string;
  };
  const history = await auditor.get<{
    events: Array<{ type: string; actor?: string; requestId?: string }>;
    integrity: { ok: boolean };
  }>(`/api/instances/${child.instanceId}/history`);
  expect(history.body.integrity.ok).toBe(true);
  const completions = history.body.events.filter(
    (e) => e.type === 'task.completed' || e.type === 'task.claimed',
  );
  expect(completions.length).toBeGreaterThan(5);
  for (const event of completions)
    expect(event).toMatchObject({ actor: expect.any(String), requestId: expect.any(String) });
});
