import { parentPort } from 'node:worker_threads';
import type { CaseReport } from './case-report.js';
import { renderCaseReportPdf } from './case-report-pdf.js';

/** The report renderer's thread (see render-case-report.ts): one PDF per request, in turn. */
parentPort?.on('message', (request: { id: number; report: CaseReport }) => {
  renderCaseReportPdf(request.report).then(
    (pdf) => {
      // A copy the size of the PDF (a Buffer may be a slice of a shared pool), handed over whole.
      const bytes = new Uint8Array(pdf);
      parentPort?.postMessage({ id: request.id, pdf: bytes }, [bytes.buffer]);
    },
    (error: Error) => parentPort?.postMessage({ id: request.id, error: error.message }),
  );
});
