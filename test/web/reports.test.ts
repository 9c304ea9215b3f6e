import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { startWebHarness, type WebHarness } from './web-harness.js';
import { data, HOUR, incident } from '../plan/plan-support.js';

/**
 * The reports page (报表) in Debian's chromium against the real API and plan node, on cases
 * whose outcomes are known: one grade-3 case handled on time to the end, one grade-3 case
 * reported late and never replied to (its consultation done late, its draft overdue), one
 * grade-4 case still open, and a drill that must count nowhere. Screenshot to docs/screenshots/.
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
async function reportCase(grade: number, overrides: Record<string, unknown>): Promise<string> {
  sources += 1;
  const monitor = await web.api('monitor');
  const reported = await monitor.post<{ id: string }>(
    '/api/cases',
    incident(web.h, grade, {
      sourceUrls: [`https://weibo.example.com/reports/${Date.now()}-${sources}`],
      ...overrides,
    }),
  );
  expect(reported.status).toBe(201);
  await web.run();
  return reported.body.id;
}

async function signedIn(user: string): Promise<Page> {
  const page = await (await web.context()).newPage();
  await web.signIn(page, user);
  return page;
}

const cells = (row: Locator) => row.locator('td').allTextContents();

/** Follows a CSV link as the browser does (a download with the session cookie). */
async function downloadCsv(page: Page, link: Locator): Promise<{ name: string; lines: string[] }> {
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const text = await readFile(await download.path(), 'utf8');
  expect(text.startsWith('\ufeff')).toBe(true);
  return { name: download.suggestedFilename(), lines: text.slice(1).trim().split('\r\n') };
}

/** `YYYY-MM` / `YYYY-MM-DD` in Asia/Shanghai. */
const shanghai = (at: number) => new Date(at + 8 * HOUR).toISOString();

test('the reports page shows compliance, accountability and the monthly summary, and exports CSV', async () => {
  const { h } = web;
  await web.run();
  const now = h.clock.now().getTime();

  // On time to the end: reported and replied within the deadlines, closed.
  const onTime = await reportCase(3, { title: '网民反映幸福路路灯不亮' });
  for (const [activity, role, submitted] of [
    ['Consult', 'leader', data.consultation],
    ['DraftRelease', 'office', data['release-draft']],
    ['SignOff', 'leader', data.approved],
    ['WriteCommentary', 'writer', data['commentary-record']],
    ['Track', 'monitor', data.subsided],
    ['ConfirmSubsided', 'office', data['subsidence-confirmation']],
    ['Review', 'office', data['closing-review']],
  ] as const)
    await h.complete(onTime, activity, role, submitted);
  expect((await h.caseOf(onTime)).status).toBe('closed');

  // Seen 5 hours ago (grade 3 reports within 4) and occurred 13 hours ago: reported an hour late,
  // the 12-hour reply already missed; the consultation done late by leader1, the draft overdue.
  await web.run();
  const before = (hours: number) => new Date(h.clock.now().getTime() - hours * HOUR).toISOString();
  const late = await reportCase(3, {
    title: '网民称和平社区垃圾清运不及时',
    firstSeenAt: before(5),
    occurredAt: before(13),
  });
  await h.complete(late, 'Consult', 'leader', data.consultation);

  // Grade 4: no report deadline of its own; the reply not due yet.
  await reportCase(4, { title: '网民询问公园开放时间', category: 'ecology' });

  // A drill as late as the second case: left out of every report.
  await reportCase(3, {
    title: '【演练】网民反映道路积水',
    drill: true,
    firstSeenAt: before(5),
    occurredAt: before(13),
  });

  const page = await signedIn('leader1');
  await page.getByRole('link', { name: '报表', exact: true }).click();
  await page.waitForURL('**/reports');
  await page.getByRole('heading', { level: 1, name: '报表' }).waitFor();

  // Deadline compliance per grade, with the rates and a total.
  const compliance = page.locator('[data-testid="compliance"]');
  const grade = (g: string) => compliance.locator(`[data-testid="compliance-rows"] tr[data-grade="${g}"]`);
  await grade('3').waitFor();
  expect(await cells(grade('3'))).toEqual([
    '3级 一般',
    '2',
    '1',
    '1（逾期完成 1，超时未完成 0）',
    '50%',
    '1',
    '1（逾期完成 0，超时未完成 1）',
    '50%',
  ]);
  expect(await cells(grade('4'))).toEqual([
    '4级 影响较小',
    '1',
    '0',
    '0',
    '无报告时限（纳入月报）',
    '0',
    '0',
    '—（另 1 件未到期）',
  ]);
  expect(await cells(grade('total'))).toEqual([
    '合计',
    '3',
    '1',
    '1（逾期完成 1，超时未完成 0）',
    '50%',
    '1',
    '1（逾期完成 0，超时未完成 1）',
    '50%（另 1 件未到期）',
  ]);
  // The misses: the late case's two deadlines, each linking to the case.
  const misses = compliance.locator('[data-testid="compliance-misses"] tbody tr');
  await expect(misses.count()).resolves.toBe(2);
  await expect(misses.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case')))).resolves.toEqual([
    late,
    late,
  ]);
  const reportMiss = await cells(misses.nth(1));
  expect(reportMiss.slice(0, 5)).toEqual([
    late,
    '网民称和平社区垃圾清运不及时',
    '3级 一般',
    '报告领导小组',
    '逾期完成',
  ]);
  expect(reportMiss[7]).toMatch(/^1 小时 \d+ 分$/);
  const replyMiss = await cells(misses.nth(0));
  expect(replyMiss.slice(3, 7)).toEqual(['12 小时内正面回复', '超时未完成', expect.any(String), '尚未完成']);

  // 责任追究: the consultation done late by leader1, the draft still waiting for the office.
  const accountability = page.locator('[data-testid="accountability-entries"] tbody tr');
  await expect(accountability.count()).resolves.toBe(2);
  const consult = await cells(
    page.locator('[data-testid="accountability-entries"] tr[data-activity="Consult"]'),
  );
  expect(consult.slice(0, 6)).toEqual([
    late,
    '网民称和平社区垃圾清运不及时',
    '3级 一般',
    '领导小组会商措施',
    'leader1',
    '逾期完成',
  ]);
  expect(consult[8]).toMatch(/^1 小时 \d+ 分$/);
  const draft = await cells(
    page.locator('[data-testid="accountability-entries"] tr[data-activity="DraftRelease"]'),
  );
  expect(draft.slice(3, 6)).toEqual(['办公室起草通稿', '待领导小组办公室认领', '超时未办']);

  // The monthly summary of this month: the three real cases.
  const thisMonth = shanghai(now).slice(0, 7);
  const monthly = page.locator('[data-testid="monthly"]');
  await expect(page.getByLabel('月份').inputValue()).resolves.toBe(thisMonth);
  const total = monthly.locator('[data-testid="monthly-total"]');
  await total.filter({ hasText: '共 3 件' }).waitFor();
  const counted = (table: string) =>
    monthly
      .locator(`[data-testid="${table}"] tbody tr`)
      .evaluateAll((rows) =>
        Object.fromEntries(rows.map((r) => [r.getAttribute('data-key'), r.lastElementChild?.textContent])),
      );
  await expect(counted('monthly-grades')).resolves.toEqual({ '3': '2', '4': '1' });
  await expect(counted('monthly-categories')).resolves.toEqual({ 'land-demolition': '2', ecology: '1' });
  await expect(counted('monthly-outcomes')).resolves.toEqual({ open: '2', closed: '1' });
  await expect(monthly.locator('[data-testid="monthly-outcomes"]').textContent()).resolves.toContain(
    '处置完毕，已结案',
  );
  // Seen to reported: 10 minutes twice (grade 4 reports too, without a deadline) and 5 hours.
  await expect(monthly.locator('[data-testid="monthly-medians"] div').first().textContent()).resolves.toBe(
    '发现到报告领导小组10 分钟',
  );
  const consultStep = monthly.locator('[data-testid="monthly-steps"] tr[data-step="领导小组会商措施"] td');
  await expect(consultStep.nth(1).textContent()).resolves.toBe('2');
  await web.screenshot(page, 'reports');

  // The CSV downloads: plain links to the API, the session cookie along.
  const complianceCsv = await downloadCsv(page, page.locator('[data-testid="compliance-csv"]'));
  expect(complianceCsv.name).toBe('deadline-misses.csv');
  expect(complianceCsv.lines[0]).toBe('caseId,title,grade,deadline,outcome,dueAt,doneAt,minutesLate');
  expect(complianceCsv.lines.slice(1).map((line) => line.split(',').slice(0, 5))).toEqual([
    [late, '网民称和平社区垃圾清运不及时', '3', 'reply', 'missed'],
    [late, '网民称和平社区垃圾清运不及时', '3', 'report', 'late'],
  ]);
  const accountabilityCsv = await downloadCsv(page, page.locator('[data-testid="accountability-csv"]'));
  expect(accountabilityCsv.name).toBe('accountability.csv');
  expect(accountabilityCsv.lines).toHaveLength(3);
  expect(accountabilityCsv.lines.join('\n')).toContain(',Consult,leader1,late,');
  const monthlyCsv = await downloadCsv(page, page.locator('[data-testid="monthly-csv"]'));
  expect(monthlyCsv.name).toBe(`monthly-${thisMonth}.csv`);
  expect(monthlyCsv.lines[0]).toBe('step,completed,medianMinutes');
  expect(monthlyCsv.lines).toContainEqual(expect.stringMatching(/^领导小组会商措施,2,/));

  // Another month: nothing; back to this one.
  const previous = shanghai(new Date(`${thisMonth}-01T00:00:00+08:00`).getTime() - HOUR).slice(0, 7);
  await page.getByLabel('月份').fill(previous);
  await total.filter({ hasText: `${previous} 共 0 件` }).waitFor();
  await expect(page.locator('[data-testid="monthly-csv"]').getAttribute('href')).resolves.toBe(
    `/api/reports/monthly?month=${previous}&format=csv`,
  );
  await page.getByLabel('月份').fill(thisMonth);
  await total.filter({ hasText: '共 3 件' }).waitFor();

  // A period after today: no cases, and the CSV link carries the period.
  const tomorrow = shanghai(now + 24 * HOUR).slice(0, 10);
  await page.getByLabel('起始日期').fill(tomorrow);
  await page.getByRole('button', { name: '查询' }).click();
  await compliance.getByText('这一期间没有案件。').waitFor();
  await page.getByText('没有逾期或超时的任务。').waitFor();
  await expect(page.locator('[data-testid="compliance-csv"]').getAttribute('href')).resolves.toBe(
    `/api/reports/compliance?from=${tomorrow}&format=csv`,
  );
  // Today only: the same numbers as all time.
  const today = shanghai(now).slice(0, 10);
  await page.getByLabel('起始日期').fill(today);
  await page.getByLabel('截止日期').fill(today);
  await page.getByRole('button', { name: '查询' }).click();
  await page
    .locator('[data-testid="report-period"]')
    .filter({ hasText: `${today} 至 ${today}` })
    .waitFor();
  await grade('3').waitFor();
  await expect(misses.count()).resolves.toBe(2);

  // A miss leads to its case.
  await misses.first().getByRole('link', { name: late }).click();
  await page.waitForURL(`**/cases/${late}`);
  await page.context().close();

  // Only the roles that read reports are offered the page.
  const writer = await signedIn('writer1');
  await expect(writer.locator('.main-nav a').allTextContents()).resolves.not.toContain('报表');
  await writer.goto('/reports');
  await writer.getByRole('heading', { level: 1, name: '页面不存在' }).waitFor();
  await writer.context().close();
}, 180_000);
