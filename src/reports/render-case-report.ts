import type { Worker } from 'node:worker_threads';
import { PreplanError } from '../errors.js';
import { startModuleWorker } from '../workers/module-worker.js';
import type { CaseReport } from './case-report.js';

/**
 * Drawing a case's PDF takes the CPU for half a second to over a second (fonts, diagrams, every
 * step), which on the main thread would hold up every request and job of the node meanwhile;
 * on an incident day that is the leaders' task lists. So reports are drawn in a thread of
 * their own, started on the first report and kept while the node runs.
 */
const TIME_LIMIT_MS = 60_000;
const MEMORY_LIMIT_MB = 512;

interface Pending {
  resolve: (pdf: Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  worker: Worker;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function unavailable(why: string): PreplanError {
  return new PreplanError('unavailable', `the report could not be made just now (${why}); try again`);
}

function settle(id: number, outcome: { pdf: Buffer } | { error: Error }): void {
  const entry = pending.get(id);
  if (!entry) return;
  pending.delete(id);
  clearTimeout(entry.timer);
  if ('pdf' in outcome) entry.resolve(outcome.pdf);
  else entry.reject(outcome.error);
}

function startWorker(): Worker {
  const created = startModuleWorker('./case-report-worker', import.meta.url, {
    maxOldGenerationSizeMb: MEMORY_LIMIT_MB,
  });
  created.on('message', (message: { id: number; pdf?: Uint8Array; error?: string }) => {
    if (message.pdf)
      settle(message.id, {
        pdf: Buffer.from(message.pdf.buffer, message.pdf.byteOffset, message.pdf.byteLength),
      });
    else settle(message.id, { error: new Error(`drawing the report failed: ${message.error}`) });
  });
  let death = 'the report thread stopped';
  created.on('error', (error: Error & { code?: string }) => {
    death =
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `drawing it needed more than ${MEMORY_LIMIT_MB} MB`
        : `the report thread failed: ${error.message}`;
  });
  created.on('exit', () => {
    if (worker === created) worker = null;
    // Only its own reports: a thread replaced after a time-out may stop after its successor started.
    for (const [id, entry] of [...pending])
      if (entry.worker === created) settle(id, { error: unavailable(death) });
  });
  return created;
}

/** The case report as a PDF, drawn off the main thread (see renderCaseReportPdf). */
export function renderCaseReport(report: CaseReport): Promise<Buffer> {
  worker ??= startWorker();
  const current = worker;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      settle(id, { error: unavailable(`drawing it took over ${TIME_LIMIT_MS / 1000} s`) });
      if (worker === current) worker = null;
      void current.terminate();
    }, TIME_LIMIT_MS);
    pending.set(id, { resolve, reject, timer, worker: current });
    current.postMessage({ id, report });
  });
}

/** Stops the report thread (node shutdown and tests); the next report starts a new one. */
export async function stopReportRenderer(): Promise<void> {
  const current = worker;
  worker = null;
  await current?.terminate();
}
