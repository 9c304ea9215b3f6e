import type { Page } from 'playwright-core';
import { startWebHarness, type WebHarness } from './web-harness.js';
import {
  ensureItem,
  field,
  fieldError,
  fillIncident,
  openTask,
  shanghaiWall,
  submitTask as submitStep,
} from './web-steps.js';
import { data, incident } from '../plan/plan-support.js';
import { PASSWORD } from '../support/api-harness.js';

/**
 * The browser UI against the real API and plan node, in Debian's chromium: sign in, report an
 * incident, a form refused then completed, a grade-3 case to its end by four people, a phone.
 * Screenshots of each main page go to docs/screenshots/.
 */
let web: WebHarness;

beforeAll(async () => {
  web = await startWebHarness();
}, 120_000);

afterEach(() => {
  // No script error and no Content-Security-Policy refusal on any page.
  expect(web.problems.splice(0)).toEqual([]);
});

afterAll(async () => {
  await web?.close();
});

const MINUTE = 60_000;
let sources = 0;
/** Source URLs no other case of this run has (a source is one case only). */
function freshSources(): string[] {
  sources += 1;
  return [`https://weibo.example.com/web-test/${Date.now()}-${sources}`];
}

const submitTask = (page: Page, taskName: string | RegExp) => submitStep(web, page, taskName);

test('signs in: a wrong password is refused, then the task list opens; the language switches', async () => {
  const context = await web.context();
  const page = await context.newPage();
  await page.goto('/');
  await page.waitForURL('**/login');
  expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  await page.getByLabel('用户名').fill('monitor1');
  await page.getByLabel('密码').fill('not the password');
  await web.screenshot(page, 'login');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByLabel('用户名').fill('');

  await page.getByLabel('用户名').fill('monitor1');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL('**/tasks');
  await page.getByRole('heading', { level: 1, name: '我的任务' }).waitFor();

  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { level: 1, name: 'My tasks' }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'My tasks' }).waitFor();
  await page.getByRole('button', { name: '切换到中文' }).click();
  await page.getByRole('heading', { level: 1, name: '我的任务' }).waitFor();

  await page.getByRole('button', { name: '退出' }).click();
  await page.waitForURL('**/login');
  await context.close();
}, 60_000);

test('reports an incident from the one-click button; a field the server refuses shows on the field', async () => {
  const context = await web.context();
  const page = await context.newPage();
  await web.signIn(page, 'monitor1');
  await page.getByRole('link', { name: '报告舆情' }).click();
  await page.getByRole('heading', { level: 1, name: '报告舆情' }).waitFor();
  await page.locator('#root_title').waitFor();
  // Nothing is chosen for the reporter: the grade starts empty.
  expect(await field(page, 'grade').inputValue()).toBe('');

  // Seen "in 30 minutes": the schema allows it, the server does not.
  await fillIncident(page, {
    title: '网民反映幸福路片区施工噪音扰民',
    grade: '一般',
    sources: freshSources(),
    firstSeenAt: Date.now() + 30 * MINUTE,
  });
  await web.screenshot(page, 'report-form');
  await page.getByRole('button', { name: '提交报告' }).click();
  await expect(fieldError(page, 'firstSeenAt').textContent()).resolves.toContain('发现时间不能晚于现在');
  await expect(page.locator('.error-summary').textContent()).resolves.toContain('发现时间');

  await field(page, 'firstSeenAt').fill(shanghaiWall(Date.now() - 10 * MINUTE));
  await page.getByRole('button', { name: '提交报告' }).click();
  await page.waitForURL(/\/cases\/YQ-\d{8}-\d{4}$/);
  const id = page.url().split('/').pop()!;
  await page
    .getByRole('status')
    .filter({ hasText: `已立案：${id}` })
    .waitFor();
  await page.getByRole('heading', { level: 1, name: '网民反映幸福路片区施工噪音扰民' }).waitFor();

  const record = await web.h.caseOf(id);
  expect(record).toMatchObject({
    grade: 3,
    category: 'land-demolition',
    reportedBy: 'monitor1',
    via: 'form',
  });
  await web.run();
  await context.close();
}, 60_000);

test('completes a task: an error shows on its field first, then the corrected form goes through', async () => {
  const monitor = await web.api('monitor');
  const leader = await web.api('leader');
  const reported = await monitor.post<{ id: string }>(
    '/api/cases',
    incident(web.h, 3, { sourceUrls: freshSources(), title: '网民反映和平社区停车收费不透明' }),
  );
  expect(reported.status).toBe(201);
  const id = reported.body.id;
  await web.run();
  const consult = await leader.get<{ items: Array<{ id: string }> }>(
    `/api/tasks?caseId=${id}&activityId=Consult`,
  );
  expect(
    (await leader.post(`/api/tasks/${consult.body.items[0].id}/complete`, data.consultation)).status,
  ).toBe(200);
  await web.run();

  const context = await web.context();
  const page = await context.newPage();
  await web.signIn(page, 'office1');
  await openTask(page, id, '办公室起草通稿');
  await page.getByRole('button', { name: '认领' }).click();
  await page.getByText('已由你认领').waitFor();
  await page.getByRole('button', { name: '退回' }).click();
  await page.getByText('尚未认领').waitFor();
  await page.getByRole('button', { name: '认领' }).click();
  await page.getByText('已由你认领').waitFor();
  expect(
    (await web.h.node.stores.tasks.byId(decodeURIComponent(page.url().split('/').pop()!)))?.claimedBy,
  ).toBe('office1');

  await field(page, 'releaseTitle').fill(data['release-draft'].releaseTitle);
  await field(page, 'releaseText').fill('情况说明');
  await page.getByRole('button', { name: '提交并完成任务' }).click();
  // Checked in the browser with the form's own schema: the text is too short, the basis missing.
  await expect(fieldError(page, 'releaseText').textContent()).resolves.toMatch(/不应少于 10 个字符/);
  await expect(fieldError(page, 'basis').textContent()).resolves.toContain('必填');
  await expect(page.locator('.error-summary').textContent()).resolves.toContain('通稿正文');
  // The first field in error has the focus.
  const focused = await page.evaluate(() => document.activeElement?.id);
  expect(focused).toBe('root_releaseText');
  await web.screenshot(page, 'task-form-error');

  await field(page, 'releaseText').fill(data['release-draft'].releaseText);
  await field(page, 'basis').fill(data['release-draft'].basis);
  await submitTask(page, '办公室起草通稿');
  const detail = await leader.get<{
    tasks: Array<{ activityId: string; status: string; completedBy?: string }>;
  }>(`/api/cases/${id}`);
  expect(detail.body.tasks.find((t) => t.activityId === 'DraftRelease')).toMatchObject({
    status: 'completed',
    completedBy: 'office1',
  });
  await context.close();
}, 60_000);

test('a grade-3 case to its end in the browser: monitor, leader, office and writer', async () => {
  const people = Object.fromEntries(
    await Promise.all(
      ['monitor1', 'leader1', 'office1', 'writer1'].map(async (user) => {
        const context = await web.context();
        const page = await context.newPage();
        await web.signIn(page, user);
        return [user, page] as const;
      }),
    ),
  );
  const { monitor1: monitor, leader1: leader, office1: office, writer1: writer } = people;

  // The monitor reports (快报事实).
  await monitor.getByRole('link', { name: '报告舆情' }).click();
  await monitor.locator('#root_title').waitFor();
  await fillIncident(monitor, {
    title: '网民发帖称幸福路片区拆迁补偿款迟迟未发放',
    grade: '一般',
    sources: freshSources(),
    firstSeenAt: Date.now() - 10 * MINUTE,
  });
  await monitor.getByRole('button', { name: '提交报告' }).click();
  await monitor.waitForURL(/\/cases\/YQ-/);
  const id = monitor.url().split('/').pop()!;
  await web.run();

  // The leader's task list: the consultation, with its case, grade and the reply countdown.
  await leader.goto('/tasks');
  const card = leader.locator('li.task-card').filter({ hasText: id });
  await card.filter({ hasText: '领导小组会商措施' }).waitFor();
  await expect(card.locator('.badge.grade').first().textContent()).resolves.toBe('3级 一般');
  await expect(card.locator('.countdown-large').first().textContent()).resolves.toMatch(
    /12 小时回复时限剩余 11:[0-5]\d/,
  );
  await web.screenshot(leader, 'task-list');

  // 会商措施
  await openTask(leader, id, '领导小组会商措施');
  await leader.getByRole('button', { name: '认领' }).click();
  await leader.getByText('已由你认领').waitFor();
  const consultation = data.consultation;
  await field(leader, 'meetingAt').fill(shanghaiWall(Date.now() - 5 * MINUTE));
  for (const [i, name] of consultation.participants.slice(0, 2).entries()) {
    await ensureItem(leader, 'participants', i);
    await field(leader, `participants_${i}`).fill(name);
  }
  await field(leader, 'minutes').fill(consultation.minutes);
  await ensureItem(leader, 'measures', 0);
  await field(leader, 'measures_0_measure').fill(consultation.measures[0].measure);
  await field(leader, 'measures_0_owner').fill(consultation.measures[0].owner);
  await submitTask(leader, '领导小组会商措施');

  // 形成通稿
  await openTask(office, id, '办公室起草通稿');
  await field(office, 'releaseTitle').fill(data['release-draft'].releaseTitle);
  await field(office, 'releaseText').fill(data['release-draft'].releaseText);
  await field(office, 'basis').fill(data['release-draft'].basis);
  await submitTask(office, '办公室起草通稿');

  // 通稿审签: approved; the reply is published through the office's channel.
  await openTask(leader, id, '领导小组审签通稿');
  await field(leader, 'signOffDecision').selectOption({ label: '同意发布' });
  await field(leader, 'signOffReasons').fill(data.approved.signOffReasons);
  await submitTask(leader, '领导小组审签通稿');

  // An auditor sees where the case stands on the diagram.
  const auditorContext = await web.context();
  const auditor = await auditorContext.newPage();
  await web.signIn(auditor, 'auditor1');
  await auditor.goto(`/cases/${id}`);
  await auditor.locator('[data-testid="diagram"] .djs-element.is-active').first().waitFor();
  await auditor.getByRole('cell', { name: '网评员撰写网评文章' }).first().waitFor();
  await web.screenshot(auditor, 'case-page');
  await auditorContext.close();

  // 网评文章
  await openTask(writer, id, '网评员撰写网评文章');
  const article = data['commentary-record'].articles[0];
  await ensureItem(writer, 'articles', 0);
  await field(writer, 'articles_0_title').fill(article.title);
  await field(writer, 'articles_0_channel').selectOption({ label: '微信公众号' });
  await field(writer, 'articles_0_url').fill(article.url);
  await field(writer, 'articles_0_publishedAt').fill(shanghaiWall(Date.now() - MINUTE));
  await field(writer, 'articles_0_approver').fill(article.approver);
  await submitTask(writer, '网评员撰写网评文章');

  // 跟踪引导 until it subsides
  await openTask(monitor, id, '跟踪引导');
  await field(monitor, 'reactions').fill(data.subsided.reactions);
  await field(monitor, 'trackingStatus').selectOption({ label: '已平息' });
  await submitTask(monitor, '跟踪引导');

  // 确认平息, 总结评估
  await openTask(office, id, '办公室确认舆情平息');
  await field(office, 'confirmed').check();
  await field(office, 'note').fill(data['subsidence-confirmation'].note);
  await submitTask(office, '办公室确认舆情平息');

  await openTask(office, id, '总结评估');
  const review = data['closing-review'];
  await field(office, 'reviewSummary').fill(review.reviewSummary);
  await ensureItem(office, 'lessons', 0);
  await field(office, 'lessons_0').fill(review.lessons[0]);
  await field(office, 'underlyingProblem').fill(review.underlyingProblem);
  await field(office, 'followUpOwner').fill(review.followUpOwner);
  await field(office, 'rating').selectOption({ label: '基本得当' });
  await submitTask(office, '总结评估');

  // The leader follows it to the end: closed, the reply on time, two publications with links.
  await leader.goto(`/cases/${id}`);
  await leader.locator('.status-closed').first().waitFor();
  await expect(leader.locator('.deadline-reply').textContent()).resolves.toContain('按时完成');
  const publications = leader.locator('section[aria-labelledby="pubs-title"] tbody tr');
  expect(await publications.count()).toBe(2);
  expect(await publications.getByRole('link').first().getAttribute('href')).toMatch(/^https:\/\//);
  const record = await web.h.caseOf(id);
  expect(record.status).toBe('closed');

  await leader.goto('/cases');
  await leader.locator('table.case-table').getByRole('link', { name: id }).waitFor();
  await web.screenshot(leader, 'case-list');
  await leader.getByLabel('状态').selectOption({ label: '已结案' });
  await leader.getByRole('button', { name: '筛选', exact: true }).click();
  await leader.waitForURL(/status=closed/);
  await leader.locator('table.case-table').getByRole('link', { name: id }).waitFor();

  for (const page of Object.values(people)) await page.context().close();
}, 150_000);

test('on a phone (390×844) the task list fits the screen without horizontal scrolling; overdue is red', async () => {
  const monitor = await web.api('monitor');
  await web.run();
  // It occurred 13 hours ago: the 12-hour reply deadline has passed.
  const late = await monitor.post<{ id: string }>(
    '/api/cases',
    incident(web.h, 2, {
      sourceUrls: freshSources(),
      title: '网民质疑和平社区老旧小区改造工程质量',
      occurredAt: new Date(Date.now() - 13 * 60 * MINUTE).toISOString(),
      firstSeenAt: new Date(Date.now() - 12.5 * 60 * MINUTE).toISOString(),
    }),
  );
  expect(late.status).toBe(201);
  await web.run();

  const context = await web.context({ phone: true });
  const page = await context.newPage();
  await web.signIn(page, 'monitor1');
  await page.goto('/tasks');
  await page.locator('li.task-card').first().waitFor();
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  // The overdue one comes first.
  await expect(page.locator('li.task-card').first().textContent()).resolves.toContain(late.body.id);
  const overdue = page.locator('li.task-card.is-overdue').filter({ hasText: late.body.id }).first();
  const countdown = overdue.locator('.countdown.overdue .countdown-value').first();
  await expect(countdown.textContent()).resolves.toMatch(/超时 [01]:\d\d/);
  await expect(countdown.evaluate((el) => getComputedStyle(el).color)).resolves.toBe('rgb(185, 28, 28)');
  await expect(page.getByRole('link', { name: '报告舆情' }).isVisible()).resolves.toBe(true);
  await web.screenshot(page, 'task-list-phone');
  await context.close();
}, 60_000);
