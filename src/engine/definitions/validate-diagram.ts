import { Worker } from 'node:worker_threads';
import type { DeploymentCatalog } from './lint-rules/rule-types.js';
import type { ValidatedDiagram } from './validate-bpmn.js';

/**
 * Uploaded diagrams are untrusted input, so they are parsed and linted in a worker thread with
 * a memory cap and a time limit: a pathological diagram costs that worker, not the service.
 * (It also keeps bpmnlint, a CommonJS package that requires ESM-only min-dash, out of
 * jest's module system, which cannot load it.)
 */
const TIME_LIMIT_MS = 15_000;
const MEMORY_LIMIT_MB = 256;

interface Pending {
  resolve: (result: ValidatedDiagram) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function startWorker(): Worker {
  const url = new URL(`./lint-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  const options = { resourceLimits: { maxOldGenerationSizeMb: MEMORY_LIMIT_MB } };
  // From a TypeScript checkout (tests, `npm run preplan`) the worker loads through tsx.
  const created = url.pathname.endsWith('.ts')
    ? new Worker(
        `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`,
        { ...options, eval: true },
      )
    : new Worker(url, options);
  created.unref();
  created.on('message', (message: { id: number; result?: ValidatedDiagram; error?: string }) => {
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    clearTimeout(entry.timer);
    if (message.result) entry.resolve(message.result);
    else entry.reject(new Error(message.error ?? 'diagram check failed'));
  });
  const fail = (error: Error): void => {
    if (worker === created) worker = null;
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      entry.reject(error);
      pending.delete(id);
    }
  };
  created.on('error', fail);
  created.on('exit', (code) => fail(new Error(`diagram checker stopped (exit ${code})`)));
  return created;
}

export function validateDiagram(xml: string, catalog: DeploymentCatalog): Promise<ValidatedDiagram> {
  worker ??= startWorker();
  const current = worker;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      resolve({
        key: undefined,
        name: undefined,
        startTimers: [],
        problems: [
          { rule: 'parse', severity: 'error', message: `checking the diagram took over ${TIME_LIMIT_MS} ms` },
        ],
      });
      if (worker === current) worker = null;
      void current.terminate();
    }, TIME_LIMIT_MS);
    pending.set(id, { resolve, reject, timer });
    current.postMessage({ id, xml, catalog });
  });
}

/** Stops the checker thread (tests and shutdown). */
export async function stopDiagramValidator(): Promise<void> {
  const current = worker;
  worker = null;
  await current?.terminate();
}
