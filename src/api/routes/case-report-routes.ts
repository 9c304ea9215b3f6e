import { Router } from 'express';
import type { ApiDeps } from '../api-deps.js';
import { guard } from '../guard.js';
import { checkId } from '../validation.js';
import { gatherCaseReport } from '../../reports/case-report.js';
import { renderCaseReport } from '../../reports/render-case-report.js';

/** The printable case report (PDF) for anyone who may read the case. */
export function caseReportRoutes({ node }: ApiDeps): Router {
  const router = Router();
  const deps = { ...node.stores, clock: node.clock, forms: node.forms };

  router.get(
    '/api/cases/:id/report.pdf',
    guard('case.report', async ({ req, res, actor }) => {
      const report = await gatherCaseReport(deps, actor, checkId(req.params.id, '案件'));
      const pdf = await renderCaseReport(report);
      res
        .type('application/pdf')
        // Opens in the browser's viewer to print; saved, it is named after the case.
        .set('Content-Disposition', `inline; filename="${report.facts.id}.pdf"`)
        .set('Cache-Control', 'private, no-store')
        .send(pdf);
    }),
  );
  return router;
}
