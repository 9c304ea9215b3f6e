import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * A worker thread running one of preplan's own modules, given by its path without extension
 * relative to `base` (the caller's `import.meta.url`). Built, that is the `.js` beside the
 * caller; from a TypeScript checkout (tests, `npm run preplan`) the `.ts` loads through tsx.
 * The thread does not keep the process alive.
 */
export function startModuleWorker(name: string, base: string, resourceLimits?: ResourceLimits): Worker {
  const url = new URL(`${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
  const options = resourceLimits ? { resourceLimits } : {};
  const worker = url.pathname.endsWith('.ts')
    ? new Worker(
        `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`,
        { ...options, eval: true },
      )
    : new Worker(url, options);
  worker.unref();
  return worker;
}
