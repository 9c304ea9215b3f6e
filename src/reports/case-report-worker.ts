import { serveRequests } from '../workers/serve-requests.js';
import type { CaseReport } from './case-report.js';
import { renderCaseReportPdf } from './case-report-pdf.js';

/** The report renderer's thread (see render-case-report.ts): one PDF per request, in turn. */
serveRequests(
  // A copy the size of the PDF (a Buffer may be a slice of a shared pool), handed over whole.
  async (report: CaseReport) => new Uint8Array(await renderCaseReportPdf(report)),
  (bytes) => [bytes.buffer],
);
