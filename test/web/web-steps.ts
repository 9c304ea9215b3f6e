import type { Locator, Page } from 'playwright-core';
import { formExamples } from '../forms/form-examples.js';
import type { WebHarness } from './web-harness.js';

/** What people do in the browser, shared by the browser tests and the walkthrough. */

export const MINUTE = 60_000;

/** `YYYY-MM-DDTHH:mm` of a moment, in Asia/Shanghai (what a datetime-local input takes there). */
export function shanghaiWall(at: number): string {
  return new Date(at + 8 * 3600_000).toISOString().slice(0, 16);
}

export function field(page: Page, pointer: string): Locator {
  return page.locator(`#root_${pointer}`);
}

/** The error list under a field (rjsf's `<id>__error`). */
export function fieldError(page: Page, pointer: string): Locator {
  return page.locator(`#root_${pointer}__error`);
}

/** Adds an item to an array field unless rjsf already shows one at that index. */
export async function ensureItem(page: Page, array: string, index: number): Promise<void> {
  if ((await field(page, `${array}_${index}`).count()) > 0) return;
  await page.locator(`fieldset#root_${array}`).getByRole('button', { name: '添加' }).last().click();
}

export async function fillIncident(
  page: Page,
  overrides: { title: string; grade: string; sources: string[]; firstSeenAt: number },
) {
  const example = formExamples['incident-report'];
  await field(page, 'title').fill(overrides.title);
  await field(page, 'summary').fill(example.summary);
  await field(page, 'category').selectOption({ label: '征地拆迁' });
  await field(page, 'platform').selectOption({ label: '微博' });
  for (const [i, url] of overrides.sources.entries()) {
    await ensureItem(page, 'sourceUrls', i);
    await field(page, `sourceUrls_${i}`).fill(url);
  }
  await field(page, 'firstSeenAt').fill(shanghaiWall(overrides.firstSeenAt));
  await field(page, 'occurredAt').fill(shanghaiWall(Date.now() - 40 * MINUTE));
  await field(page, 'grade').selectOption({ label: overrides.grade });
  await field(page, 'gradeReason').fill(example.gradeReason);
}

/** Opens a task of a case from the task list (the link in the card that names the case). */
export async function openTask(page: Page, caseId: string, taskName: string | RegExp): Promise<void> {
  await page.goto('/tasks');
  const card = page.locator('li.task-card').filter({ hasText: caseId }).filter({ hasText: taskName });
  await card.getByRole('link', { name: taskName }).click();
  await page.getByRole('heading', { level: 1, name: taskName }).waitFor();
  await page.locator('.schema-form form').waitFor();
}

/** Submits the open task's form, waits for the confirmation, and lets the node run what follows. */
export async function submitTask(web: WebHarness, page: Page, taskName: string | RegExp): Promise<void> {
  await page.getByRole('button', { name: '提交并完成任务' }).click();
  await page.getByRole('status').filter({ hasText: '已完成' }).filter({ hasText: taskName }).waitFor();
  await web.run();
}
