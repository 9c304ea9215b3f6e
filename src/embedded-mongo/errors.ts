import type { Document } from 'bson';

/** MongoDB's own error codes for the cases this server reports, so drivers react as they would to mongod. */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  NotImplemented: 238,
  InvalidBSON: 22,
  BSONObjectTooLarge: 10334,
  DuplicateKey: 11000,
  ProtocolError: 17,
} as const;

const codeNames = Object.fromEntries(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** The one error type of the embedded server; it becomes an `{ ok: 0, code, codeName, errmsg }` reply. */
export class MongoCommandError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
    this.name = 'MongoCommandError';
  }

  get codeName(): string {
    return codeNames[this.code] ?? 'UnknownError';
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

export const badValue = (message: string): MongoCommandError =>
  new MongoCommandError(ErrorCode.BadValue, message);

export const typeMismatch = (message: string): MongoCommandError =>
  new MongoCommandError(ErrorCode.TypeMismatch, message);
