/*
 * Uploaded diagrams are untrusted input, so they are parsed and linted in a worker thread with
 * a memory cap and a time limit: a pathological diagram costs that worker, not the service.
 * (It also keeps bpmnlint, a CommonJS package that requires ESM-only min-dash, out of
 * jest's module system, which cannot load it.)
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../workers/module-worker.js';
import type { DeploymentCatalog } from './lint-rules/rule-types.js';
import type { ValidatedDiagram } from './validate-bpmn.js';

export interface DiagramCheckerLimits {
  /** Longest a check may take before the diagram is refused (PREPLAN_DIAGRAM_CHECK_MS). */
  timeMs: number;
  /** Heap the checker thread may use (PREPLAN_DIAGRAM_CHECK_MB). */
  memoryMb: number;
}

export const DIAGRAM_CHECKER_DEFAULTS: DiagramCheckerLimits = { timeMs: 15_000, memoryMb: 256 };
let limits: DiagramCheckerLimits = { ...DIAGRAM_CHECKER_DEFAULTS };

/** Sets the checker's limits; a running checker thread is replaced on its next use. */
export function limitDiagramChecker(next: { [K in keyof DiagramCheckerLimits]?: number | undefined }): void {
  const given = Object.entries(next).filter(([, value]) => value !== undefined);
  if (given.length === 0) return;
  limits = { ...limits, ...Object.fromEntries(given) };
  const current = worker;
  worker = null;
  // Checks already sent finish on the old thread, which stops once they have.
  if (current && ![...pending.values()].some((entry) => entry.worker === current)) void current.terminate();
}

interface Pending {
  resolve: (result: ValidatedDiagram) => void;
  timer: NodeJS.Timeout;
  worker: Worker;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function refusal(message: string): ValidatedDiagram {
  return {
    key: undefined,
    name: undefined,
    startTimers: [],
    problems: [{ rule: 'parse', severity: 'error', message }],
  };
}

function startWorker(): Worker {
  const { memoryMb } = limits;
  const created = startModuleWorker('./lint-worker', import.meta.url, { maxOldGenerationSizeMb: memoryMb });
  created.on('message', (message: { id: number; result?: ValidatedDiagram; error?: string }) => {
    const entry = pending.get(message.id);
    if (!entry) return;
    settle(
      message.id,
      message.result ?? refusal(`the diagram could not be checked: ${message.error ?? 'unknown failure'}`),
    );
  });
  // A checker that dies (out of memory, most likely on a pathological diagram) refuses what it
  // was checking, with a reason, instead of failing the request; the next check gets a new one.
  let death: string | undefined;
  created.on('error', (error: Error & { code?: string }) => {
    death =
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `checking the diagram needed more than ${memoryMb} MB of memory`
        : `the diagram checker failed while checking it (${error.message})`;
  });
  created.on('exit', (code) => {
    if (worker === created) worker = null;
    const caught = [...pending].filter(([, entry]) => entry.worker === created);
    const reason = death ?? `the diagram checker stopped while checking it (exit ${code})`;
    for (const [id] of caught)
      settle(
        id,
        refusal(
          caught.length > 1
            ? `${reason}; ${caught.length} diagrams were being checked at once, check again`
            : reason,
        ),
      );
  });
  return created;
}

function settle(id: number, result: ValidatedDiagram): void {
  const entry = pending.get(id);
  if (!entry) return;
  pending.delete(id);
  clearTimeout(entry.timer);
  entry.resolve(result);
  // A thread replaced by new limits stops once its last check is answered.
  if (entry.worker !== worker && ![...pending.values()].some((other) => other.worker === entry.worker))
    void entry.worker.terminate();
}

/**
 * Parses and lints a diagram in the checker thread. Always answers with a result: a diagram the
 * checker cannot finish (time, memory, a crash) comes back refused with the reason.
 */
export function validateDiagram(xml: string, catalog: DeploymentCatalog): Promise<ValidatedDiagram> {
  worker ??= startWorker();
  const current = worker;
  const id = nextId++;
  const { timeMs } = limits;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (worker === current) worker = null;
      settle(id, refusal(`checking the diagram took over ${timeMs} ms`));
      // Whatever else this thread was checking is refused with it (the 'exit' handler).
      void current.terminate();
    }, timeMs);
    pending.set(id, { resolve, timer, worker: current });
    current.postMessage({ id, xml, catalog });
  });
}

/** Stops the checker thread (tests and shutdown). */
export async function stopDiagramValidator(): Promise<void> {
  const current = worker;
  worker = null;
  await current?.terminate();
}
