import { Router, type Response } from 'express';
import type { ApiDeps } from '../api-deps.js';
import { guard } from '../guard.js';
import { queryChecker } from '../validation.js';
import {
  accountabilityReport,
  complianceReport,
  csvColumns,
  monthlySummary,
  toCsv,
} from '../../reports/plan-reports.js';

const periodQuery = queryChecker<{ from?: string; to?: string; format: 'json' | 'csv' }>({
  properties: {
    from: { type: 'string', format: 'date' },
    to: { type: 'string', format: 'date' },
    format: { enum: ['json', 'csv'], default: 'json' },
  },
});
const monthQuery = queryChecker<{ month: string; format: 'json' | 'csv' }>({
  required: ['month'],
  properties: {
    month: { type: 'string', pattern: '^20\\d\\d-(0[1-9]|1[0-2])$' },
    format: { enum: ['json', 'csv'], default: 'json' },
  },
});

const DAY = 86_400_000;
/** Dates are the office's (Asia/Shanghai, UTC+8 all year). */
const dayStart = (date: string) => new Date(`${date}T00:00:00+08:00`);

function csv<T extends object>(
  res: Response,
  name: string,
  rows: readonly T[],
  columns: ReadonlyArray<keyof T & string>,
): void {
  res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(toCsv(rows, columns));
}

/** The plan's reports (drills excluded): deadline compliance, accountability, the monthly summary. */
export function reportRoutes({ node }: ApiDeps): Router {
  const router = Router();
  const casesIn = async (from?: Date, to?: Date) =>
    node.stores.cases.list({ createdFrom: from, createdTo: to, drill: false }, { skip: 0, limit: 100_000 });

  router.get(
    '/api/reports/compliance',
    guard('report.read', async ({ req, res }) => {
      const q = periodQuery({ ...req.query });
      const cases = await casesIn(
        q.from ? dayStart(q.from) : undefined,
        q.to ? new Date(dayStart(q.to).getTime() + DAY) : undefined,
      );
      const report = complianceReport(cases, node.clock.now());
      if (q.format === 'csv') return csv(res, 'deadline-misses', report.misses, csvColumns.misses);
      res.json(report);
    }),
  );

  router.get(
    '/api/reports/accountability',
    guard('report.read', async ({ req, res }) => {
      const q = periodQuery({ ...req.query });
      const cases = await casesIn(
        q.from ? dayStart(q.from) : undefined,
        q.to ? new Date(dayStart(q.to).getTime() + DAY) : undefined,
      );
      const tasks = await node.stores.tasks.forCases(cases.map((c) => c._id));
      const entries = accountabilityReport(cases, tasks, node.clock.now());
      if (q.format === 'csv') return csv(res, 'accountability', entries, csvColumns.accountability);
      res.json({ entries });
    }),
  );

  router.get(
    '/api/reports/monthly',
    guard('report.read', async ({ req, res }) => {
      const q = monthQuery({ ...req.query });
      const from = dayStart(`${q.month}-01`);
      const [year, month] = q.month.split('-').map(Number);
      const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
      const cases = await casesIn(from, dayStart(`${next}-01`));
      const summary = monthlySummary(cases, await node.stores.tasks.forCases(cases.map((c) => c._id)));
      if (q.format === 'csv') return csv(res, `monthly-${q.month}`, summary.steps, csvColumns.monthlySteps);
      res.json({ month: q.month, ...summary });
    }),
  );
  return router;
}
