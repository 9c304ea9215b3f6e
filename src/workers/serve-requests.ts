import { parentPort, type Transferable } from 'node:worker_threads';

/**
 * The thread side of RequestThread: answers each request with `answer`, in the order they
 * come; an error it throws goes back as its message. `transferOf` names buffers handed over
 * rather than copied.
 */
export function serveRequests<Request, Answer>(
  answer: (payload: Request) => Promise<Answer>,
  transferOf?: (answer: Answer) => Transferable[],
): void {
  parentPort?.on('message', ({ id, payload }: { id: number; payload: Request }) => {
    answer(payload).then(
      (result) => parentPort?.postMessage({ id, answer: result }, transferOf?.(result)),
      (error: Error) => parentPort?.postMessage({ id, error: error.message }),
    );
  });
}
