import { PreplanError } from '../errors.js';
import { RequestThread, ThreadFailure } from '../workers/request-thread.js';
import type { CaseReport } from './case-report.js';

/**
 * Drawing a case's PDF takes the CPU for half a second to over a second (fonts, diagrams, every
 * step), which on the main thread would hold up every request and job of the node meanwhile;
 * on an incident day that is the leaders' task lists. So reports are drawn in a thread of
 * their own, started on the first report and kept while the node runs.
 */
const renderer = new RequestThread<CaseReport, Uint8Array>('./case-report-worker', import.meta.url, {
  timeMs: 60_000,
  memoryMb: 512,
});

function why(failure: ThreadFailure): string {
  switch (failure.reason) {
    case 'memory':
      return `drawing it needed more than ${failure.limit} MB`;
    case 'time':
      return `drawing it took over ${failure.limit / 1000} s`;
    case 'crash':
      return `the report thread failed: ${failure.detail}`;
    case 'exit':
      return 'the report thread stopped';
  }
}

/** The case report as a PDF, drawn off the main thread (see renderCaseReportPdf). */
export async function renderCaseReport(report: CaseReport): Promise<Buffer> {
  let bytes: Uint8Array;
  try {
    bytes = await renderer.request(report);
  } catch (error) {
    if (error instanceof ThreadFailure)
      throw new PreplanError(
        'unavailable',
        `the report could not be made just now (${why(error)}); try again`,
      );
    throw new Error(`drawing the report failed: ${(error as Error).message}`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Stops the report thread (node shutdown and tests); the next report starts a new one. */
export function stopReportRenderer(): Promise<void> {
  return renderer.stop();
}
