/**
 * Runs an exported function of a bench module in a worker thread (its own event loop, so a
 * bench's clients or loopback peers do not queue behind the node under test). The module is
 * loaded through tsx; the function gets `workerData` and the worker's port, and what it
 * resolves with comes back as `{ result }` (a rejection as `{ error }`).
 */
import { Worker } from 'node:worker_threads';

export function spawnWorker(moduleUrl: string, exportName: string, input: unknown): Worker {
  const source = `
    const { parentPort, workerData } = await import('node:worker_threads');
    const { register } = await import('tsx/esm/api');
    register();
    const module = await import(${JSON.stringify(moduleUrl)});
    module[${JSON.stringify(exportName)}](workerData, parentPort).then(
      (result) => parentPort.postMessage({ result }),
      (error) => parentPort.postMessage({ error: error?.stack ?? String(error) }),
    );
  `;
  return new Worker(`(async () => {${source}})()`, { eval: true, workerData: input });
}

/** The `{ result }` a spawned worker posts (other messages go to `onMessage`), then stops it. */
export function workerResult<T>(worker: Worker, onMessage?: (message: unknown) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const onData = (message: { result?: T; error?: string }): void => {
      if (message && typeof message === 'object' && ('result' in message || 'error' in message)) {
        worker.off('message', onData);
        if (message.error) reject(new Error(`the worker failed: ${message.error}`));
        else resolve(message.result as T);
        void worker.terminate();
      } else onMessage?.(message);
    };
    worker.on('message', onData);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker exited (${code}) without a result`)));
  });
}
