import { readFile } from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';
import { startWebHarness, type WebHarness } from './web-harness.js';
import { data, incident } from '../plan/plan-support.js';
import { ApiClient, PASSWORD } from '../support/api-harness.js';

/**
 * The designer, audit replay and admin pages in Debian's chromium against the real API and plan
 * node: a designer changes opinion-grade-4 and deploys version 2 (after an invalid change is
 * refused), uploads and deploys a new diagram; an auditor replays a finished grade-3 case and
 * exports its history; an admin manages users, tokens and an incident. Screenshots to
 * docs/screenshots/.
 */
let web: WebHarness;

beforeAll(async () => {
  web = await startWebHarness();
}, 120_000);

afterEach(() => {
  expect(web.problems.splice(0)).toEqual([]);
});

afterAll(async () => {
  await web?.close();
});

let sources = 0;
function freshSources(): string[] {
  sources += 1;
  return [`https://weibo.example.com/designer-audit/${Date.now()}-${sources}`];
}

async function signedIn(user: string): Promise<Page> {
  const context = await web.context();
  const page = await context.newPage();
  await web.signIn(page, user);
  return page;
}

async function downloaded(
  page: Page,
  click: () => Promise<void>,
): Promise<{ download: Download; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await download.path();
  return { download, text: await readFile(file, 'utf8') };
}

/** The modeler's shape of an element (its visual, not the label beside it). */
const shape = (page: Page, id: string) =>
  page.locator(`[data-testid="modeler"] .djs-shape[data-element-id="${id}"]`);
const properties = (page: Page) => page.locator('[data-testid="properties"]');
/** The replay shows the server's state for the step it is at (each step is fetched from the API). */
const replaySettled = (page: Page) => page.locator('[data-testid="replay"][aria-busy="false"]').waitFor();
const lintState = (page: Page) => page.locator('[data-testid="lint"] .lint-state');

test('a designer: an invalid change is flagged live and refused on deploy; a renamed task deploys as version 2', async () => {
  const page = await signedIn('designer1');
  await page.getByRole('link', { name: '流程设计' }).click();
  await page.getByRole('heading', { level: 1, name: '流程设计' }).waitFor();
  await page.getByRole('link', { name: '影响较小网络舆情处置（4级响应）' }).click();
  await page.waitForURL('**/designer/opinion-grade-4');
  await shape(page, 'Review').waitFor();
  // The shipped diagram passes the deploy checks.
  await expect(lintState(page).filter({ hasText: '通过' }).waitFor()).resolves.toBeUndefined();

  // Select the closing review: its properties as preplan reads them.
  await shape(page, 'Review').click();
  await expect(properties(page).getByLabel('名称', { exact: true }).inputValue()).resolves.toBe('总结评估');
  await expect(properties(page).getByLabel('表单', { exact: true }).inputValue()).resolves.toBe(
    'closing-review',
  );
  await expect(
    properties(page)
      .getByRole('checkbox', { name: /领导小组办公室/ })
      .isChecked(),
  ).resolves.toBe(true);

  // No form: the live check names the task, and the canvas marks it.
  await properties(page).getByLabel('表单', { exact: true }).selectOption('');
  const problem = page.locator('[data-testid="lint"] .problem').filter({ hasText: '用户任务须有表单' });
  await problem.waitFor();
  await expect(problem.textContent()).resolves.toContain('总结评估');
  await expect(lintState(page).textContent()).resolves.toBe('1 个错误');
  await expect(shape(page, 'Review').getAttribute('class')).resolves.toContain('lint-error');
  await page.locator('[data-testid="dirty"]').waitFor();
  await web.screenshot(page, 'designer-with-lint-problem');

  // Deploy is refused whole, with the same problem; nothing new is deployed.
  await page.getByRole('button', { name: '部署', exact: true }).click();
  await page.locator('[data-testid="deploy-refused"]').waitFor();
  await expect(page.locator('[data-testid="deploy-refused"]').textContent()).resolves.toContain('1 处问题');
  await problem.waitFor();
  expect(
    (await web.h.node.stores.definitions.list()).filter((d) => d.key === 'opinion-grade-4'),
  ).toHaveLength(1);

  // Clicking the problem selects its element; the form is chosen again and the check passes.
  await shape(page, 'WriteCommentary').click();
  await expect(properties(page).getByLabel('名称', { exact: true }).inputValue()).resolves.toBe(
    '网评员撰写网评文章',
  );
  await problem.getByRole('button').click();
  await expect(properties(page).getByLabel('名称', { exact: true }).inputValue()).resolves.toBe('总结评估');
  await properties(page).getByLabel('表单', { exact: true }).selectOption('closing-review');
  await lintState(page).filter({ hasText: '通过' }).waitFor();
  await expect(problem.count()).resolves.toBe(0);

  // Rename it and deploy: version 2, listed with the versions.
  await properties(page).getByLabel('名称', { exact: true }).fill('总结评估（含整改跟踪）');
  await properties(page).getByLabel('名称', { exact: true }).press('Enter');
  await page
    .locator('[data-testid="modeler"] [data-element-id="Review"]')
    .filter({ hasText: '整改跟踪' })
    .first()
    .waitFor();
  await lintState(page).filter({ hasText: '通过' }).waitFor();
  await page.getByRole('button', { name: '部署', exact: true }).click();
  await expect(page.locator('[data-testid="deploy-result"]').textContent()).resolves.toBe(
    '已部署：opinion-grade-4 第 2 版',
  );
  await page.locator('[data-testid="versions"]').getByRole('link', { name: '第 2 版' }).waitFor();
  await page.getByText('最新版：第 2 版').waitFor();
  await web.screenshot(page, 'designer');

  const designer = await web.api('designer');
  const v2 = await designer.get('/api/definitions/opinion-grade-4/versions/2/xml');
  expect(v2.status).toBe(200);
  expect(v2.text).toContain('name="总结评估（含整改跟踪）"');
  expect(v2.text).toContain('camunda:formKey="closing-review"');

  // Version 1 opens read-only, with its old name.
  await page.locator('[data-testid="versions"]').getByRole('link', { name: '第 1 版' }).click();
  await page.waitForURL('**/designer/opinion-grade-4?version=1');
  await page.getByText('历史版本：第 1 版（只读）').waitFor();
  const viewerReview = page.locator('[data-testid="viewer"] .djs-shape[data-element-id="Review"]');
  await viewerReview.waitFor();
  await expect(viewerReview.textContent()).resolves.toContain('总结评估');
  await expect(viewerReview.textContent()).resolves.not.toContain('整改跟踪');
  await expect(page.getByRole('button', { name: '部署', exact: true }).count()).resolves.toBe(0);
  await viewerReview.click();
  await expect(
    properties(page).getByLabel('名称', { exact: true }).getAttribute('readonly'),
  ).resolves.not.toBeNull();
  await page.context().close();
}, 120_000);

test('the properties panel writes service inputs, timers and conditions as Camunda Modeler does', async () => {
  const page = await signedIn('designer1');
  await page.goto('/designer/opinion-grade-2');
  await shape(page, 'RecordRegrade').waitFor();
  await lintState(page).filter({ hasText: '通过' }).waitFor();

  // A service task: the service from the registered ones, its input parameters as rows.
  await shape(page, 'RecordRegrade').click();
  const panel = properties(page);
  await expect(panel.getByLabel('服务（外部任务主题）').inputValue()).resolves.toBe('case-record');
  await expect(panel.getByLabel('第 1 个参数的名称').inputValue()).resolves.toBe('event');
  await expect(panel.getByLabel('第 2 个参数的值').inputValue()).resolves.toBe('${completedBy.Monitor}');
  await panel.getByRole('button', { name: '添加参数' }).click();
  await panel.getByLabel('第 3 个参数的名称').fill('note');
  await panel.getByLabel('第 3 个参数的名称').press('Tab');
  await panel.getByLabel('第 3 个参数的值').fill('${grade}');
  await panel.getByLabel('第 3 个参数的值').press('Enter');

  // A timer: type and value.
  await shape(page, 'ReplyReminder1').click();
  await expect(panel.getByLabel('定时器类型').inputValue()).resolves.toBe('timeDate');
  await expect(panel.getByLabel('定时器取值').inputValue()).resolves.toBe('${replyReminder1At}');
  await panel.getByLabel('定时器类型').selectOption('timeDuration');
  await panel.getByLabel('定时器取值').fill('PT8H');
  await panel.getByLabel('定时器取值').press('Enter');

  // A flow out of a gateway: its condition (selected through its label).
  await page.locator('[data-testid="modeler"] [data-element-id="Flow_Worsened_RecordRegrade_label"]').click();
  await expect(panel.getByLabel('条件表达式').inputValue()).resolves.toBe(
    "${trend == 'worsened' && newGrade < grade}",
  );
  await panel.getByLabel('条件表达式').fill("${trend == 'worsened'}");
  await panel.getByLabel('条件表达式').press('Enter');
  // An unsafe expression is flagged by the same rules as deploy.
  await panel.getByLabel('条件表达式').fill('${trend.toString()}');
  await panel.getByLabel('条件表达式').press('Enter');
  await page.locator('[data-testid="lint"] .problem').filter({ hasText: '表达式' }).waitFor();
  await page.getByRole('button', { name: '撤销', exact: true }).click();
  await expect(panel.getByLabel('条件表达式').inputValue()).resolves.toBe("${trend == 'worsened'}");
  await lintState(page).filter({ hasText: '通过' }).waitFor();

  const { text } = await downloaded(page, () => page.getByRole('button', { name: '下载 XML' }).click());
  expect(text).toContain('<camunda:inputParameter name="note">${grade}</camunda:inputParameter>');
  expect(text).toContain('<camunda:inputParameter name="event">regraded</camunda:inputParameter>');
  expect(text).toMatch(
    /<bpmn:timerEventDefinition id="ReplyReminder1_Timer">\s*<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT8H<\/bpmn:timeDuration>/,
  );
  expect(text).toContain(
    `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${trend == 'worsened'}</bpmn:conditionExpression>`,
  );
  // Nothing was deployed.
  expect(
    (await web.h.node.stores.definitions.list()).filter((d) => d.key === 'opinion-grade-2'),
  ).toHaveLength(1);
  await page.context().close();
}, 90_000);

const SMALL_DIAGRAM = (key: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="${key}-defs" targetNamespace="https://preplan.local/test">
  <bpmn:process id="${key}" name="网页上传的测试流程" isExecutable="true">
    <bpmn:startEvent id="Start" name="开始"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Note" name="办公室登记" camunda:formKey="instruction-request" camunda:candidateGroups="office"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End" name="结束"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Note" />
    <bpmn:sequenceFlow id="F2" sourceRef="Note" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="${key}-diagram">
    <bpmndi:BPMNPlane id="${key}-plane" bpmnElement="${key}">
      <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Note_di" bpmnElement="Note"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;

/** A designer's page with a new process into which `xml` was uploaded from a file. */
async function uploadedAsNewProcess(name: string, xml: string): Promise<Page> {
  const page = await signedIn('designer1');
  await page.goto('/designer');
  await page.getByRole('button', { name: '新建流程' }).click();
  await page.waitForURL(/\/designer\/new\?key=/);
  await page.locator('[data-testid="modeler"] .djs-shape[data-element-id="Started"]').waitFor();
  await page.locator('[data-testid="upload-input"]').setInputFiles({
    name,
    mimeType: 'application/xml',
    buffer: Buffer.from(xml),
  });
  return page;
}

test('a designer uploads a diagram made elsewhere, deploys it as a new process, and downloads its XML', async () => {
  const page = await uploadedAsNewProcess('web-upload.bpmn', SMALL_DIAGRAM('web-upload'));
  await page.getByText('已载入 web-upload.bpmn，尚未部署。').waitFor();
  await shape(page, 'Note').waitFor();
  await lintState(page).filter({ hasText: '通过' }).waitFor();

  // The process itself (nothing selected): its key and name.
  await expect(properties(page).getByLabel('流程标识（流程键）').inputValue()).resolves.toBe('web-upload');
  await page.getByRole('button', { name: '部署', exact: true }).click();
  await page.waitForURL('**/designer/web-upload');
  await page.getByRole('status').filter({ hasText: '已部署：web-upload 第 1 版' }).waitFor();
  await page.locator('[data-testid="versions"]').getByRole('link', { name: '第 1 版' }).waitFor();

  const { download, text } = await downloaded(page, () =>
    page.getByRole('button', { name: '下载 XML' }).click(),
  );
  expect(download.suggestedFilename()).toBe('web-upload.bpmn');
  expect(text).toContain('<bpmn:process id="web-upload" name="网页上传的测试流程" isExecutable="true">');
  expect(text).toContain('camunda:formKey="instruction-request"');
  await page.context().close();
}, 90_000);

/** SMALL_DIAGRAM with `tasks` unnamed, unconnected tasks laid out in a grid: several problems each. */
const MANY_PROBLEMS = (key: string, tasks: number) => {
  const ids = Array.from({ length: tasks }, (_, i) => `Loose${i}`);
  return SMALL_DIAGRAM(key)
    .replace(
      '  </bpmn:process>',
      `${ids.map((id) => `    <bpmn:task id="${id}" />`).join('\n')}\n  </bpmn:process>`,
    )
    .replace(
      '    </bpmndi:BPMNPlane>',
      ids
        .map(
          (id, i) =>
            `      <bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${150 + (i % 12) * 120}" y="${240 + Math.floor(i / 12) * 100}" width="100" height="80" /></bpmndi:BPMNShape>`,
        )
        .join('\n') + '\n    </bpmndi:BPMNPlane>',
    );
};

test('a diagram with more problems than are listed says how many more, in the checks and when deploy refuses it', async () => {
  const page = await uploadedAsNewProcess('many-problems.bpmn', MANY_PROBLEMS('many-problems', 120));
  await shape(page, 'Loose119').waitFor();

  const unlisted = page.locator('[data-testid="unlisted-problems"]');
  await unlisted.waitFor();
  const more = Number(
    /^另有 (\d+) 处问题未列出：先改正以上问题，再检查。$/.exec((await unlisted.textContent()) ?? '')?.[1],
  );
  expect(more).toBeGreaterThanOrEqual(120 * 2 - 100);
  await expect(page.locator('[data-testid="lint"] .problem').count()).resolves.toBe(100);

  await page.getByRole('button', { name: '部署', exact: true }).click();
  await expect(page.locator('[data-testid="deploy-refused"]').textContent()).resolves.toBe(
    `未部署：有 ${more + 100} 处问题，见下方检查结果`,
  );
  await expect(unlisted.textContent()).resolves.toContain(`另有 ${more} 处问题未列出`);
  await page.context().close();
}, 90_000);

test('an auditor replays a finished grade-3 case: markers per step, who did what, integrity, CSV export', async () => {
  const { h } = web;
  await web.run();
  const monitor = await web.api('monitor');
  const reported = await monitor.post<{ id: string }>(
    '/api/cases',
    incident(h, 3, { sourceUrls: freshSources(), title: '网民反映幸福路片区路灯长期不亮' }),
  );
  expect(reported.status).toBe(201);
  const id = reported.body.id;
  await web.run();
  await h.complete(id, 'Consult', 'leader', data.consultation);
  await h.complete(id, 'DraftRelease', 'office', data['release-draft']);
  await h.complete(id, 'SignOff', 'leader', data.approved);
  await h.complete(id, 'WriteCommentary', 'writer', data['commentary-record']);
  await h.complete(id, 'Track', 'monitor', data.subsided);
  await h.complete(id, 'ConfirmSubsided', 'office', data['subsidence-confirmation']);
  await h.complete(id, 'Review', 'office', data['closing-review']);
  expect((await h.caseOf(id)).status).toBe('closed');

  const page = await signedIn('auditor1');
  await page.goto(`/cases/${id}`);
  await page.locator('main').getByRole('link', { name: '审计回放' }).click();
  await page.waitForURL(`**/audit/${id}`);
  await page.getByRole('heading', { level: 1, name: /审计回放/ }).waitFor();
  await expect(page.locator('[data-testid="integrity"]').textContent()).resolves.toContain('记录完整');
  await expect(page.locator('.integrity-list li.ok').count()).resolves.toBe(2);

  const diagram = page.locator('[data-testid="replay-diagram"]');
  const element = (elementId: string) => diagram.locator(`[data-element-id="${elementId}"]`).first();
  const classes = (elementId: string) => element(elementId).getAttribute('class');
  await element('Review').waitFor({ state: 'attached' });
  await replaySettled(page);
  // The first step: the grade process has started, nothing done yet.
  await expect(page.locator('[data-testid="replay-position"]').textContent()).resolves.toMatch(
    /^第 1 \/ \d+ 步$/,
  );
  await expect(classes('Review')).resolves.not.toContain('replay-completed');

  // To the end: every task done is green, the case closed (the main plane; the tasks inside the
  // collapsed sub-processes are drawn on planes of their own).
  await page.getByRole('button', { name: '结束', exact: true }).click();
  await replaySettled(page);
  for (const done of [
    'Respond',
    'WriteCommentary',
    'Tracking',
    'Subsided',
    'Review',
    'RecordClosed',
    'Closed',
  ])
    await expect([done, await classes(done)]).toEqual([done, expect.stringContaining('replay-completed')]);
  await expect(classes('Flow_Review_RecordClosed')).resolves.toContain('replay-completed');
  await expect(page.locator('[data-testid="replay-step"]').textContent()).resolves.toContain('流程已结束');
  const doneList = page.locator('[data-testid="replay-step"] .done-list li');
  await expect(doneList.count()).resolves.toBe(7);
  await expect(doneList.last().textContent()).resolves.toMatch(/office1 · 总结评估/);

  // Back one step at a time to the closing review being submitted: Review active, office1 and the data.
  const step = page.locator('[data-testid="replay-step"]');
  for (let i = 0; i < 10 && !(await step.textContent())?.includes('完成任务'); i++)
    await page.getByRole('button', { name: '上一步', exact: true }).click();
  await expect(step.locator('.step-event').textContent()).resolves.toContain('完成任务');
  await replaySettled(page);
  await expect(step.textContent()).resolves.toContain('office1');
  await expect(step.textContent()).resolves.toContain('总结评估');
  await expect(classes('Review')).resolves.toContain('replay-active');
  await expect(classes('Review')).resolves.toContain('replay-current');
  await expect(classes('Review')).resolves.not.toContain('replay-completed');
  await expect(classes('Respond')).resolves.toContain('replay-completed');
  // The data as submitted, under the form's own field titles.
  await expect(step.locator('.step-data').textContent()).resolves.toContain(
    String(data['closing-review'].reviewSummary).slice(0, 20),
  );

  // The history: filter to task completions, then show one in the replay.
  const rows = page.locator('[data-testid="history"] tbody tr');
  await page.getByLabel('事件', { exact: true }).selectOption({ label: '完成任务' });
  await expect(rows.count()).resolves.toBe(7);
  await page.getByLabel('操作人').selectOption('leader1');
  await expect(rows.count()).resolves.toBe(2);
  await rows.first().getByRole('button', { name: '完成任务' }).click();
  await expect(step.textContent()).resolves.toContain('领导小组会商措施');
  // The replay follows the step into the collapsed sub-process it happened in.
  await element('Consult').waitFor();
  await replaySettled(page);
  await expect(classes('Consult')).resolves.toContain('replay-current');
  await expect(classes('Consult')).resolves.toContain('replay-active');
  await expect(classes('RespondStarted')).resolves.toContain('replay-completed');
  await expect(classes('DraftRelease')).resolves.not.toMatch(/replay-/);

  // Export: CSV of what is shown, one row per event with who, what and the data.
  const csv = await downloaded(page, () => page.getByRole('button', { name: '导出 CSV' }).click());
  expect(csv.download.suggestedFilename()).toMatch(new RegExp(`^${id}-history-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
  const lines = csv.text
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n');
  expect(lines[0]).toBe(
    'time_asia_shanghai,at,process,instance_id,seq,event,actor,activity_id,activity_name,request_id,data',
  );
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain(',task.completed,leader1,Consult,领导小组会商措施,');
  expect(lines[2]).toContain(',task.completed,leader1,SignOff,');
  // JSON: every event once the filters are cleared.
  await page.getByRole('button', { name: '显示全部' }).click();
  const json = await downloaded(page, () => page.getByRole('button', { name: '导出 JSON' }).click());
  const exported = JSON.parse(json.text) as { complete: boolean; events: unknown[]; integrity: unknown[] };
  expect(exported.complete).toBe(true);
  const history = await (await web.api('auditor')).get<{ events: unknown[] }>(`/api/cases/${id}/history`);
  expect(exported.events).toHaveLength(history.body.events.length);

  // For the screenshot: the review being submitted, and only the key events in the table.
  await page.getByLabel('隐藏流转细节（连线、网关、变量）').check();
  await page.getByLabel('事件', { exact: true }).selectOption({ label: '完成任务' });
  await rows.last().getByRole('button', { name: '完成任务' }).click();
  await replaySettled(page);
  await expect(classes('Review')).resolves.toContain('replay-current');
  await page.getByRole('button', { name: '重新校验' }).click();
  await page.locator('[data-testid="integrity"]').filter({ hasText: '校验于' }).waitFor();
  await web.screenshot(page, 'audit-replay');
  await page.context().close();

  // On a phone the page fits the screen.
  const phone = await (await web.context({ phone: true })).newPage();
  await web.signIn(phone, 'auditor1');
  await phone.goto(`/audit/${id}`);
  await phone.locator('[data-testid="replay-diagram"] [data-element-id="Review"]').waitFor();
  await phone.locator('[data-testid="history"]').waitFor();
  const widths = await phone.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  await phone.context().close();
}, 120_000);

test('an admin creates a user and a token, changes roles, deactivates, revokes, and retries an incident', async () => {
  const { h } = web;
  // An incident: the publication channel refuses every attempt.
  await web.run();
  const monitor = await web.api('monitor');
  const reported = await monitor.post<{ id: string }>(
    '/api/cases',
    incident(h, 3, { sourceUrls: freshSources(), title: '网民反映和平社区垃圾清运不及时' }),
  );
  const id = reported.body.id;
  await web.run();
  h.http.failFirst('/cms/publish', 5, 503);
  await h.complete(id, 'Consult', 'leader', data.consultation);
  await h.complete(id, 'DraftRelease', 'office', data['release-draft']);
  await h.complete(id, 'SignOff', 'leader', data.approved);
  for (let i = 0; i < 6; i++) await h.advance(20_000);
  const incidents = await h.node.stores.jobs.find({ status: 'incident' });
  expect(incidents).toHaveLength(1);

  const page = await signedIn('admin1');
  await page.getByRole('link', { name: '管理' }).click();
  await page.getByRole('heading', { level: 1, name: '管理' }).waitFor();

  // A user: the generated password is shown once, and works.
  await page.getByLabel('账号', { exact: true }).fill('zhao.lei');
  await page.getByLabel('姓名', { exact: true }).fill('赵磊');
  await page.getByLabel('电子邮件（可选）').first().fill('zhao.lei@street.example');
  await page.locator('form.subform').first().getByLabel('舆情监控员').check();
  await page.getByRole('button', { name: '创建用户' }).click();
  const password = await page.locator('[data-testid="new-password"]').inputValue();
  expect(password.length).toBeGreaterThanOrEqual(10);
  const row = page.locator('tr[data-user="zhao.lei"]');
  await expect(row.textContent()).resolves.toContain('舆情监控员');
  const zhao = new ApiClient(web.url);
  expect((await zhao.login('zhao.lei', password)).status).toBe(200);

  // Roles changed: writer too.
  await row.getByRole('button', { name: '编辑用户 zhao.lei' }).click();
  const edit = page.getByRole('form', { name: '编辑用户 zhao.lei' });
  await edit.getByLabel('网评员').check();
  await edit.getByRole('button', { name: '保存' }).click();
  await row.locator('td').nth(2).filter({ hasText: '舆情监控员、网评员' }).waitFor();
  expect((await h.node.stores.users.byId('zhao.lei'))?.roles).toEqual(['monitor', 'writer']);

  // A token for a monitoring tool: shown once, works as a bearer token, then revoked.
  await page.getByLabel('名称', { exact: true }).fill('web-monitor-tool');
  await page.locator('#new-token-role').selectOption('monitor');
  await page.getByRole('button', { name: '创建令牌' }).click();
  const token = await page.locator('[data-testid="new-token"]').inputValue();
  expect(token).toMatch(/^pp_/);
  const tool = new ApiClient(web.url);
  tool.bearer = token;
  expect((await tool.get('/api/tasks')).status).toBe(200);
  const tokenRow = page.locator('tr[data-token="web-monitor-tool"]');
  await expect(tokenRow.textContent()).resolves.toContain('有效');

  // The incident: listed with its error, retried once the channel answers again.
  const incidentRow = page.locator('[data-testid="incidents"] tbody tr');
  await expect(incidentRow.count()).resolves.toBe(1);
  await expect(incidentRow.textContent()).resolves.toContain('publish');
  await web.screenshot(page, 'admin');
  await incidentRow.getByRole('button', { name: '重试' }).click();
  await page.getByRole('status').filter({ hasText: '已安排重试' }).waitFor();
  await page.locator('[data-testid="no-incidents"]').waitFor();
  await h.drain();
  expect((await h.node.stores.jobs.byId(incidents[0]._id))?.status).not.toBe('incident');
  expect((await h.caseOf(id)).publications).toHaveLength(1);

  // Deactivate the user; revoke the token.
  await row.getByRole('button', { name: '停用用户 zhao.lei' }).click();
  await row.getByText('已停用').waitFor();
  expect((await new ApiClient(web.url).login('zhao.lei', password)).status).toBe(403);
  await tokenRow.getByRole('button', { name: '吊销令牌 web-monitor-tool' }).click();
  await tokenRow.getByRole('button', { name: '确认吊销 web-monitor-tool' }).click();
  await tokenRow.getByText(/已于 .* 吊销/).waitFor();
  expect((await tool.get('/api/tasks')).status).toBe(401);

  // Deployed definitions link to the designer.
  await page.getByRole('link', { name: '一般网络舆情处置（3级响应）' }).click();
  await page.waitForURL('**/designer/opinion-grade-3');
  await page.context().close();
}, 120_000);

test('each page is offered only to its roles', async () => {
  const links = async (user: string) => {
    const page = await signedIn(user);
    const names = await page.locator('.main-nav a').allTextContents();
    await page.context().close();
    return names;
  };
  expect(await links('designer1')).toEqual(['流程设计']);
  expect(await links('auditor1')).toEqual(['我的任务', '案件', '流程设计', '审计回放', '报表']);
  expect(await links('admin1')).toEqual(['案件', '流程设计', '审计回放', '报表', '管理']);
  expect(await links('office1')).toEqual(['我的任务', '案件', '报表']);
  expect(await links('writer1')).toEqual(['我的任务', '案件']);

  // An auditor reads a process but cannot change it.
  const page = await signedIn('auditor1');
  await page.goto('/designer/opinion-grade-3');
  await page.locator('[data-testid="viewer"] .djs-shape[data-element-id="Review"]').waitFor();
  await page.getByText('你的角色只能查看流程').waitFor();
  await expect(page.getByRole('button', { name: '部署', exact: true }).count()).resolves.toBe(0);
  await page.goto('/admin');
  await page.getByRole('heading', { level: 1, name: '页面不存在' }).waitFor();
  await page.context().close();

  // In English.
  const english = await (await web.context({ lang: 'en' })).newPage();
  await english.goto('/login');
  await english.getByLabel('User name').fill('designer1');
  await english.getByLabel('Password').fill(PASSWORD);
  await english.getByRole('button', { name: 'Sign in' }).click();
  await english.getByRole('heading', { level: 1, name: 'Process design' }).waitFor();
  await english.getByRole('link', { name: '一般网络舆情处置（3级响应）' }).click();
  await english.locator('[data-testid="lint"] .lint-state').filter({ hasText: 'Passed' }).waitFor();
  await english.getByRole('button', { name: 'Deploy', exact: true }).waitFor();
  await english.context().close();
}, 60_000);
