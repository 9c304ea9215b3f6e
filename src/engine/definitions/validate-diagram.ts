/*
 * Uploaded diagrams are untrusted input, so they are parsed and linted in a worker thread with
 * a memory cap and a time limit: a pathological diagram costs that worker, not the service.
 * (It also keeps bpmnlint, a CommonJS package that requires ESM-only min-dash, out of
 * jest's module system, which cannot load it.)
 */
import { RequestThread, ThreadFailure, type ThreadLimits } from '../../workers/request-thread.js';
import type { DeploymentCatalog } from './lint-rules/rule-types.js';
import type { ValidatedDiagram } from './validate-bpmn.js';

/** `timeMs`: PREPLAN_DIAGRAM_CHECK_MS; `memoryMb`: PREPLAN_DIAGRAM_CHECK_MB. */
export const DIAGRAM_CHECKER_DEFAULTS: ThreadLimits = { timeMs: 15_000, memoryMb: 256 };
let limits: ThreadLimits = { ...DIAGRAM_CHECKER_DEFAULTS };

const checker = new RequestThread<{ xml: string; catalog: DeploymentCatalog }, ValidatedDiagram>(
  './lint-worker',
  import.meta.url,
  limits,
);

/** Sets the checker's limits; a running checker thread is replaced on its next use. */
export function limitDiagramChecker(next: { [K in keyof ThreadLimits]?: number | undefined }): void {
  const given = Object.entries(next).filter(([, value]) => value !== undefined);
  if (given.length === 0) return;
  limits = { ...limits, ...Object.fromEntries(given) };
  checker.limit(limits);
}

function refusal(message: string): ValidatedDiagram {
  return {
    key: undefined,
    name: undefined,
    startTimers: [],
    problems: [{ rule: 'parse', severity: 'error', message }],
  };
}

/**
 * A checker that cannot finish (out of memory, most likely on a pathological diagram; over
 * time; a crash) refuses what it was checking, with the reason, rather than failing the request.
 */
function uncheckedBecause(error: unknown): string {
  if (!(error instanceof ThreadFailure))
    return `the diagram could not be checked: ${(error as Error).message}`;
  const reason = {
    memory: `checking the diagram needed more than ${error.limit} MB of memory`,
    time: `checking the diagram took over ${error.limit} ms`,
    crash: `the diagram checker failed while checking it (${error.detail})`,
    exit: `the diagram checker stopped while checking it (${error.detail})`,
  }[error.reason];
  return error.together > 1
    ? `${reason}; ${error.together} diagrams were being checked at once, check again`
    : reason;
}

/**
 * Parses and lints a diagram in the checker thread. Always answers with a result: a diagram the
 * checker cannot finish comes back refused with the reason.
 */
export async function validateDiagram(xml: string, catalog: DeploymentCatalog): Promise<ValidatedDiagram> {
  try {
    return await checker.request({ xml, catalog });
  } catch (error) {
    return refusal(uncheckedBecause(error));
  }
}

/** Stops the checker thread (tests and shutdown). */
export function stopDiagramValidator(): Promise<void> {
  return checker.stop();
}
