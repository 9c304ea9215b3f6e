import type { Page } from 'playwright-core';
import { startWebHarness, type WebHarness } from './web-harness.js';
import { ensureItem, field, fillIncident, MINUTE, openTask, shanghaiWall, submitTask } from './web-steps.js';
import { data } from '../plan/plan-support.js';
import { PASSWORD } from '../support/api-harness.js';

/**
 * docs/walkthrough.md, played in the browser with the demo accounts a first start creates: a
 * grade-3 incident reported, consulted, drafted, signed off, replied to, tracked and closed;
 * then an auditor (created by the admin) replays it. The screenshots are the walkthrough's.
 */
let web: WebHarness;

const DEMO = [
  { id: 'demo-monitor', displayName: '演示：舆情监控员', roles: ['monitor'] },
  { id: 'demo-leader', displayName: '演示：领导小组组长', roles: ['leader'] },
  { id: 'demo-office', displayName: '演示：领导小组办公室', roles: ['office'] },
  { id: 'demo-writer', displayName: '演示：网评员', roles: ['writer'] },
];

beforeAll(async () => {
  web = await startWebHarness();
  for (const person of DEMO) await web.server.users.create({ ...person, demo: true, password: PASSWORD });
  await web.server.users.create({
    id: 'admin',
    displayName: '系统管理员',
    roles: ['admin'],
    password: PASSWORD,
  });
}, 120_000);

afterEach(() => {
  expect(web.problems.splice(0)).toEqual([]);
});

afterAll(async () => {
  await web?.close();
});

async function as(user: string): Promise<Page> {
  const page = await (await web.context()).newPage();
  await web.signIn(page, user);
  return page;
}

test('the walkthrough: report, grade, consult, draft, sign off, reply, track, close; then the audit replay', async () => {
  const monitor = await as('demo-monitor');
  const leader = await as('demo-leader');
  const office = await as('demo-office');
  const writer = await as('demo-writer');

  // 1. The monitor reports what was found and grades it (一般).
  await monitor.getByRole('link', { name: '报告舆情' }).click();
  await monitor.locator('#root_title').waitFor();
  await fillIncident(monitor, {
    title: '网民发帖称幸福路片区拆迁补偿款迟迟未发放',
    grade: '一般',
    sources: [`https://weibo.example.com/walkthrough/${Date.now()}`],
    firstSeenAt: Date.now() - 10 * MINUTE,
  });
  await web.screenshot(monitor, 'walkthrough-1-report');
  await monitor.getByRole('button', { name: '提交报告' }).click();
  await monitor.waitForURL(/\/cases\/YQ-/);
  const id = monitor.url().split('/').pop()!;
  await web.run();
  await monitor.reload();
  await monitor.getByRole('cell', { name: '领导小组会商措施' }).waitFor();
  await web.screenshot(monitor, 'walkthrough-2-case');

  // 2. The leader consults (会商措施).
  await leader.goto('/tasks');
  await leader
    .locator('li.task-card')
    .filter({ hasText: id })
    .filter({ hasText: '领导小组会商措施' })
    .waitFor();
  await web.screenshot(leader, 'walkthrough-3-tasks');
  await openTask(leader, id, '领导小组会商措施');
  await leader.getByRole('button', { name: '认领' }).click();
  await leader.getByText('已由你认领').waitFor();
  const consultation = data.consultation;
  await field(leader, 'meetingAt').fill(shanghaiWall(Date.now() - 5 * MINUTE));
  for (const [i, name] of consultation.participants.slice(0, 3).entries()) {
    await ensureItem(leader, 'participants', i);
    await field(leader, `participants_${i}`).fill(name);
  }
  await field(leader, 'minutes').fill(consultation.minutes);
  await ensureItem(leader, 'measures', 0);
  await field(leader, 'measures_0_measure').fill(consultation.measures[0].measure);
  await field(leader, 'measures_0_owner').fill(consultation.measures[0].owner);
  await web.screenshot(leader, 'walkthrough-4-consult');
  await submitTask(web, leader, '领导小组会商措施');

  // 3. The office drafts the release (形成通稿).
  await openTask(office, id, '办公室起草通稿');
  await field(office, 'releaseTitle').fill(data['release-draft'].releaseTitle);
  await field(office, 'releaseText').fill(data['release-draft'].releaseText);
  await field(office, 'basis').fill(data['release-draft'].basis);
  await web.screenshot(office, 'walkthrough-5-draft');
  await submitTask(web, office, '办公室起草通稿');

  // 4. The leader signs it off; the reply goes out through the office's publication channel.
  await openTask(leader, id, '领导小组审签通稿');
  await field(leader, 'signOffDecision').selectOption({ label: '同意发布' });
  await field(leader, 'signOffReasons').fill(data.approved.signOffReasons);
  await web.screenshot(leader, 'walkthrough-6-signoff');
  await submitTask(web, leader, '领导小组审签通稿');

  // 5. The writer records the commentary article written from the release.
  await openTask(writer, id, '网评员撰写网评文章');
  const article = data['commentary-record'].articles[0];
  await ensureItem(writer, 'articles', 0);
  await field(writer, 'articles_0_title').fill(article.title);
  await field(writer, 'articles_0_channel').selectOption({ label: '微信公众号' });
  await field(writer, 'articles_0_url').fill(article.url);
  await field(writer, 'articles_0_publishedAt').fill(shanghaiWall(Date.now() - MINUTE));
  await field(writer, 'articles_0_approver').fill(article.approver);
  await submitTask(web, writer, '网评员撰写网评文章');

  // 6. The monitor tracks reactions until it has subsided.
  await openTask(monitor, id, '跟踪引导');
  await field(monitor, 'reactions').fill(data.subsided.reactions);
  await field(monitor, 'trackingStatus').selectOption({ label: '已平息' });
  await web.screenshot(monitor, 'walkthrough-7-track');
  await submitTask(web, monitor, '跟踪引导');

  // 7. The office confirms and reviews: the case is closed.
  await openTask(office, id, '办公室确认舆情平息');
  await field(office, 'confirmed').check();
  await field(office, 'note').fill(data['subsidence-confirmation'].note);
  await submitTask(web, office, '办公室确认舆情平息');
  await openTask(office, id, '总结评估');
  const review = data['closing-review'];
  await field(office, 'reviewSummary').fill(review.reviewSummary);
  await ensureItem(office, 'lessons', 0);
  await field(office, 'lessons_0').fill(review.lessons[0]);
  await field(office, 'underlyingProblem').fill(review.underlyingProblem);
  await field(office, 'followUpOwner').fill(review.followUpOwner);
  await field(office, 'rating').selectOption({ label: '基本得当' });
  await submitTask(web, office, '总结评估');
  await leader.goto(`/cases/${id}`);
  await leader.locator('.status-closed').first().waitFor();
  await leader.locator('section[aria-labelledby="pubs-title"] tbody tr').nth(1).waitFor();
  await leader.locator('[data-testid="diagram"] .djs-element.is-done').first().waitFor();
  await web.screenshot(leader, 'walkthrough-8-closed');
  for (const page of [monitor, leader, office, writer]) await page.context().close();

  // 8. The admin gives an auditor an account.
  const admin = await as('admin');
  await admin.getByRole('link', { name: '管理' }).click();
  await admin.getByLabel('账号', { exact: true }).fill('audit.li');
  await admin.getByLabel('姓名', { exact: true }).fill('李审计');
  await admin.locator('form.subform').first().getByLabel('审计', { exact: true }).check();
  await admin.getByRole('button', { name: '创建用户' }).click();
  const password = await admin.locator('[data-testid="new-password"]').inputValue();
  await admin.context().close();

  // 9. The auditor opens the case and replays it.
  const auditor = await (await web.context()).newPage();
  await auditor.goto('/login');
  await auditor.getByLabel('用户名').fill('audit.li');
  await auditor.getByLabel('密码').fill(password);
  await auditor.getByRole('button', { name: '登录' }).click();
  await auditor.getByRole('button', { name: '退出' }).waitFor();
  await auditor.goto(`/cases/${id}`);
  await auditor.locator('main').getByRole('link', { name: '审计回放' }).click();
  await auditor.locator('[data-testid="integrity"]').filter({ hasText: '记录完整' }).waitFor();
  await auditor.getByLabel('事件', { exact: true }).selectOption({ label: '完成任务' });
  await auditor
    .locator('[data-testid="history"] tbody tr')
    .filter({ hasText: '领导小组审签通稿' })
    .getByRole('button', { name: '完成任务' })
    .click();
  await auditor.locator('[data-testid="replay-step"]').filter({ hasText: 'demo-leader' }).waitFor();
  await auditor
    .locator('[data-testid="replay-diagram"] [data-element-id="SignOff"].replay-current')
    .waitFor();
  await web.screenshot(auditor, 'walkthrough-9-replay');
  await auditor.getByRole('button', { name: '结束', exact: true }).click();
  await auditor
    .locator('[data-testid="replay-diagram"] [data-element-id="Review"].replay-completed')
    .waitFor({ state: 'attached' });
  await auditor.context().close();
}, 180_000);
