/**
 * The one error type of preplan's domain. `kind` says what went wrong in terms an HTTP layer
 * maps to a status (`status`); `details` carries structured data such as lint problems.
 */
export type ErrorKind = 'invalid' | 'not-found' | 'conflict' | 'forbidden' | 'refused' | 'unavailable';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  refused: 422,
  unavailable: 503,
};

export class PreplanError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PreplanError';
  }

  get status(): number {
    return STATUS[this.kind];
  }
}

/**
 * An error after which this node must stop at once (its storage is gone, or a test simulates
 * a crash): never recorded as a job failure or turned into a reply.
 */
export class FatalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FatalError';
  }
}

/** Named points between durable writes where a test may simulate a crash. */
export type FaultPoint =
  | 'command.after-commit'
  | 'materialise.after-history'
  | 'job.after-claim'
  | 'job.after-service'
  | 'job.after-result';

export type FaultHook = (point: FaultPoint) => void;
