import { useApiHarness, type ApiClient } from '../support/api-harness.js';
import { pdfText } from '../support/pdf-text.js';
import { data, incident } from '../plan/plan-support.js';

const plan = useApiHarness({ shared: true });

async function complete(client: ApiClient, caseId: string, activityId: string, body: unknown) {
  const list = await client.get<{ items: Array<{ id: string }> }>(
    `/api/tasks?caseId=${caseId}&activityId=${activityId}`,
  );
  expect([activityId, list.body.items.length]).toEqual([activityId, 1]);
  const done = await client.post(`/api/tasks/${list.body.items[0].id}/complete`, body);
  expect([activityId, done.status, done.body.detail ?? null]).toEqual([activityId, 200, null]);
  await plan.api.h.drain();
}

/** The report as bytes: the JSON client would mangle a binary body. */
async function fetchReport(client: ApiClient, caseId: string) {
  const response = await fetch(`${plan.api.server.url}/api/cases/${caseId}/report.pdf`, {
    headers: client.cookie ? { cookie: client.cookie } : {},
  });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

let caseId: string;

beforeAll(async () => {
  const { h } = plan.api;
  const monitor = await plan.api.as('monitor');
  const reported = await monitor.post<{ id: string }>('/api/cases', incident(h, 3));
  expect(reported.status).toBe(201);
  caseId = reported.body.id;
  await h.drain();
  await complete(monitor, caseId, 'Monitor', data.stable);
  await complete(await plan.api.as('leader'), caseId, 'Consult', data.consultation);
  await complete(await plan.api.as('office'), caseId, 'DraftRelease', data['release-draft']);
  await complete(await plan.api.as('deputy'), caseId, 'SignOff', data.approved);
  await complete(await plan.api.as('writer'), caseId, 'WriteCommentary', data['commentary-record']);
});

test('the case report of a grade-3 case is a PDF with its facts, every step, publications and chain heads', async () => {
  const leader = await plan.api.as('leader');
  const { response, bytes } = await fetchReport(leader, caseId);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/pdf');
  expect(response.headers.get('content-disposition')).toBe(`inline; filename="${caseId}.pdf"`);
  expect(response.headers.get('cache-control')).toContain('no-store');
  expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');

  const { pages, info } = await pdfText(bytes);
  const text = pages.join('\n');
  expect(info.Title).toBe(`网络舆情案件报告 ${caseId}`);
  expect(text).toContain(caseId);
  expect(text).toContain('3级（一般）');
  // Element names from the timeline, in the diagrams' words.
  for (const name of [
    '网络舆情接报',
    '领导小组会商措施',
    '办公室起草通稿',
    '领导小组审签通稿',
    '网评员撰写网评文章',
  ])
    expect([name, text.includes(name)]).toEqual([name, true]);
  // The public reply, published on sign-off, and the deadlines.
  expect(text).toContain(String(data['release-draft'].releaseTitle));
  expect(text).toContain('正面回复（事发后 12 小时内）');
  expect(text).toContain('按时完成');
  for (const actor of ['monitor1', 'leader1', 'office1', 'deputy1', 'writer1'])
    expect([actor, text.includes(actor)]).toEqual([actor, true]);
  expect(text).not.toContain('【演练】');

  // Every page's footer: its number, and the chain head of every instance of the case.
  const instances = await plan.api.h.node.stores.instances.list({ businessKey: caseId });
  expect(instances).toHaveLength(2);
  pages.forEach((page, i) => {
    expect(page).toContain(`第 ${i + 1} / ${pages.length} 页`);
    for (const instance of instances) expect(page).toContain(instance.historyHead);
  });
  // The diagrams: a legend for the path taken, and the grade process's sub-process drawn on its own.
  expect(text).toContain('已完成的环节与经过的连线');
  expect(text).toContain('一般网络舆情处置（3级响应） › 应急处置（事发12小时内正面回复）');
});

test('a writer with work in the case gets its report; a member without gets 404, a designer 403', async () => {
  const writer = await plan.api.as('writer');
  expect((await fetchReport(writer, caseId)).response.status).toBe(200);

  const member = await plan.api.as('member');
  const hidden = await member.get(`/api/cases/${caseId}/report.pdf`);
  expect([hidden.status, hidden.headers.get('content-type'), hidden.body.type]).toEqual([
    404,
    expect.stringMatching(/^application\/problem\+json/),
    'https://preplan.local/problems/not-found',
  ]);
  const designer = await plan.api.as('designer');
  const refused = await designer.get(`/api/cases/${caseId}/report.pdf`);
  expect([refused.status, refused.body.type]).toEqual([403, 'https://preplan.local/problems/forbidden']);
  expect((await plan.api.anonymous().get(`/api/cases/${caseId}/report.pdf`)).status).toBe(401);
});

test('an unknown case is a 404 problem', async () => {
  const auditor = await plan.api.as('auditor');
  const missing = await auditor.get('/api/cases/YQ-20370314-9999/report.pdf');
  expect([missing.status, missing.headers.get('content-type'), missing.body.detail]).toEqual([
    404,
    expect.stringMatching(/^application\/problem\+json/),
    '案件 YQ-20370314-9999 不存在',
  ]);
  expect((await auditor.get('/api/cases/$where/report.pdf')).status).toBe(404);
});

test('a drill’s report is marked 【演练】 on its title and every page', async () => {
  const monitor = await plan.api.as('monitor');
  const reported = await monitor.post<{ id: string }>('/api/cases', incident(plan.api.h, 4, { drill: true }));
  expect(reported.status).toBe(201);
  await plan.api.h.drain();
  const { response, bytes } = await fetchReport(await plan.api.as('auditor'), reported.body.id);
  expect(response.status).toBe(200);
  const { pages } = await pdfText(bytes);
  expect(pages[0]).toContain('网络舆情案件报告 【演练】');
  for (const page of pages) expect(page).toContain(`【演练】 ${reported.body.id}`);
});
