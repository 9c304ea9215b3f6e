import type { Request, RequestHandler, Response } from 'express';
import { decide, type Operation } from './access-policy.js';
import { callerOf, requestIdOf } from './authenticate.js';
import { sendProblem } from './problem.js';
import type { Actor } from '../auth/actor.js';

export interface Call {
  req: Request;
  res: Response;
  /** Set for every operation that is not public. */
  actor: Actor;
  requestId: string;
}

/**
 * A route's handler behind its access decision: it runs only when the policy allows the caller,
 * and an error it throws becomes a problem document (Express 5 forwards rejected promises).
 */
export function guard(operation: Operation, handler: (call: Call) => Promise<void> | void): RequestHandler {
  return async (req, res) => {
    const { actor } = callerOf(req);
    const decision = decide(operation, actor);
    if (decision === 'unauthenticated')
      return sendProblem(res, 401, 'unauthenticated', { detail: '请先登录' });
    if (decision === 'forbidden')
      return sendProblem(res, 403, 'forbidden', { detail: `你的角色不能执行此操作（${operation}）` });
    await handler({ req, res, actor: actor as Actor, requestId: requestIdOf(req) });
  };
}

/** A JSON body is expected: anything else is 415 before validation. */
export function jsonBody(req: Request): unknown {
  if (!req.is('application/json'))
    throw Object.assign(new Error('unsupported media type'), { type: 'unsupported.media', status: 415 });
  return req.body;
}
