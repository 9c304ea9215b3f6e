import type { Transferable, Worker } from 'node:worker_threads';
import { startModuleWorker } from './module-worker.js';

export interface ThreadLimits {
  /** Longest one request may take; then the thread is stopped. */
  timeMs: number;
  /** Heap the thread may use. */
  memoryMb: number;
}

/**
 * Why a request got no answer: its thread ran out of memory, took too long, crashed or stopped.
 * `limit` is the limit passed (MB or ms); `together` how many requests the thread held then.
 */
export class ThreadFailure extends Error {
  constructor(
    readonly reason: 'memory' | 'time' | 'crash' | 'exit',
    readonly detail: string,
    readonly limit: number,
    readonly together: number,
  ) {
    super(`worker thread ${reason}: ${detail}`);
    this.name = 'ThreadFailure';
  }
}

interface Pending<Answer> {
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  worker: Worker;
}

/**
 * Requests answered by one of preplan's modules in a worker thread of its own (the module calls
 * `serveRequests`), so untrusted or heavy work costs that thread, not the service. The thread
 * starts with the first request. A request it cannot answer (out of memory, over time, a crash)
 * is rejected with a ThreadFailure, as is everything else it held; the next request starts a
 * new thread. An error the module itself throws rejects with that error's message.
 */
export class RequestThread<Request, Answer> {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending<Answer>>();

  constructor(
    private readonly module: string,
    private readonly base: string,
    private limits: ThreadLimits,
  ) {}

  /** New limits, for the next thread: the current one stops once its requests are answered. */
  limit(limits: ThreadLimits): void {
    this.limits = limits;
    const current = this.worker;
    this.worker = null;
    if (current && !this.holds(current)) void current.terminate();
  }

  request(payload: Request, transfer?: Transferable[]): Promise<Answer> {
    this.worker ??= this.start();
    const current = this.worker;
    const id = this.nextId++;
    const { timeMs } = this.limits;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.worker === current) this.worker = null;
        this.settle(id, new ThreadFailure('time', `over ${timeMs} ms`, timeMs, 1));
        // Whatever else the thread held fails with it (its 'exit').
        void current.terminate();
      }, timeMs);
      this.pending.set(id, { resolve, reject, timer, worker: current });
      current.postMessage({ id, payload }, transfer);
    });
  }

  /** Stops the thread (shutdown, tests); what it held fails, the next request starts another. */
  async stop(): Promise<void> {
    const current = this.worker;
    this.worker = null;
    await current?.terminate();
  }

  private holds(worker: Worker): boolean {
    return [...this.pending.values()].some((entry) => entry.worker === worker);
  }

  private start(): Worker {
    const { memoryMb } = this.limits;
    const created = startModuleWorker(this.module, this.base, { maxOldGenerationSizeMb: memoryMb });
    created.on('message', (message: { id: number; answer?: Answer; error?: string }) =>
      this.settle(
        message.id,
        message.error !== undefined ? new Error(message.error) : { answer: message.answer! },
      ),
    );
    let death: { reason: 'memory' | 'crash'; detail: string } | undefined;
    created.on('error', (error: Error & { code?: string }) => {
      death =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { reason: 'memory', detail: `over ${memoryMb} MB` }
          : { reason: 'crash', detail: error.message };
    });
    created.on('exit', (code) => {
      if (this.worker === created) this.worker = null;
      // Only its own requests: a thread replaced after a time-out may stop after its successor started.
      const held = [...this.pending].filter(([, entry]) => entry.worker === created);
      for (const [id] of held)
        this.settle(
          id,
          new ThreadFailure(death?.reason ?? 'exit', death?.detail ?? `exit ${code}`, memoryMb, held.length),
        );
    });
    return created;
  }

  private settle(id: number, outcome: { answer: Answer } | Error): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (outcome instanceof Error) entry.reject(outcome);
    else entry.resolve(outcome.answer);
    // A thread retired by new limits stops once its last request is answered.
    if (entry.worker !== this.worker && !this.holds(entry.worker)) void entry.worker.terminate();
  }
}
