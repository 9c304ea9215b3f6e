/**
 * A body built to fail tens of thousands of times gets the first hundred errors and their count,
 * not an answer twenty times its own size (a 120 KiB report once got 4 MiB back). Found by the
 * generated bad-input run (test/api/fuzz-every-endpoint.test.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { useApiHarness } from '../support/api-harness.js';
import { incident } from '../plan/plan-support.js';

const plan = useApiHarness({ shared: true });

test('60,000 invalid source URLs: 100 errors listed, all counted, nothing stored', async () => {
  const monitor = await plan.api.as('monitor');
  const report = { ...incident(plan.api.h, 3), sourceUrls: Array(60_000).fill(1) };
  const refused = await monitor.post<{ errors: unknown[]; errorCount: number }>('/api/cases', report);
  expect([refused.status, refused.body.errors.length]).toEqual([400, 100]);
  expect(refused.body.errorCount).toBeGreaterThanOrEqual(60_000);
  expect(refused.text.length).toBeLessThan(50_000);
  expect(await plan.api.h.node.stores.cases.list({}, { skip: 0, limit: 10 })).toEqual([]);
});

test('a few errors are all listed, without a count', async () => {
  const monitor = await plan.api.as('monitor');
  const refused = await monitor.post<Record<string, unknown>>('/api/cases', { title: 1 });
  expect(refused.status).toBe(400);
  expect((refused.body.errors as unknown[]).length).toBeLessThan(100);
  expect(refused.body).not.toHaveProperty('errorCount');
});

/** The deployable diagram with 2,500 unconnected end events: two problems each. */
const manyProblems = readFileSync(
  path.join(import.meta.dirname, '../resources/deployable.bpmn'),
  'utf8',
).replace(
  '  </process>',
  `${Array.from({ length: 2500 }, (_, i) => `<endEvent id="e${i}" name="e"/>`).join('')}\n  </process>`,
);

test('a diagram with 5,000 problems: 100 listed, all counted', async () => {
  const designer = await plan.api.as('designer');
  const xml = manyProblems;
  const refused = await designer.request<{ problems: unknown[]; problemCount: number }>(
    'POST',
    '/api/definitions',
    undefined,
    { raw: xml, contentType: 'application/xml' },
  );
  expect([refused.status, refused.body.problems.length]).toEqual([422, 100]);
  expect(refused.body.problemCount).toBeGreaterThanOrEqual(5000);
});

test('linting a diagram with 5,000 problems lists 100 and counts them all', async () => {
  const designer = await plan.api.as('designer');
  const lint = await designer.request<{ ok: boolean; problems: unknown[]; problemCount: number }>(
    'POST',
    '/api/definitions/lint',
    undefined,
    { raw: manyProblems, contentType: 'application/xml' },
  );
  expect([lint.status, lint.body.ok, lint.body.problems.length]).toEqual([200, false, 100]);
  expect(lint.body.problemCount).toBeGreaterThanOrEqual(5000);
});

test('a problem quoting a 30,000-character id is cut short in the answer', async () => {
  const designer = await plan.api.as('designer');
  const id = `n${'x'.repeat(30_000)}`;
  const xml = readFileSync(path.join(import.meta.dirname, '../resources/deployable.bpmn'), 'utf8').replace(
    '  </process>',
    `<endEvent id="${id}" name="${'名'.repeat(30_000)}"/>\n  </process>`,
  );
  const refused = await designer.request<{ problems: Array<Record<string, string>> }>(
    'POST',
    '/api/definitions',
    undefined,
    { raw: xml, contentType: 'application/xml' },
  );
  expect(refused.status).toBe(422);
  expect(refused.text.length).toBeLessThan(20_000);
  for (const problem of refused.body.problems)
    for (const text of Object.values(problem)) expect(String(text).length).toBeLessThanOrEqual(301);
});
