import type { Request, RequestHandler } from 'express';
import { parse as parseCookie } from 'cookie';
import { randomUUID } from 'node:crypto';
import type { Authenticator } from '../auth/authenticator.js';
import type { Actor } from '../auth/actor.js';
import { sendProblem } from './problem.js';

export const SESSION_COOKIE = 'preplan_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Caller {
  actor?: Actor;
  /** Set for cookie sessions: unsafe requests must echo it in `X-CSRF-Token`. */
  csrf?: string;
  sessionId?: string;
}

export function callerOf(req: Request): Caller {
  return (req.res?.locals.caller as Caller | undefined) ?? {};
}

export function requestIdOf(req: Request): string {
  return String(req.res?.locals.requestId ?? '');
}

/** Gives every request an id (echoed in `X-Request-Id`, kept in the history of what it changed). */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  res.locals.requestId = given && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
  res.set('X-Request-Id', res.locals.requestId as string);
  next();
};

/**
 * Who is calling: `Authorization: Bearer pp_…` (an integration's token) or the session cookie
 * (a person). A cookie session's unsafe request without the matching CSRF token is refused
 * before any handler runs.
 */
export function authenticate(auth: Authenticator): RequestHandler {
  return async (req, res, next) => {
    const caller: Caller = {};
    const header = req.get('authorization');
    if (header) {
      const [scheme, token] = header.split(' ');
      const actor = scheme === 'Bearer' && token ? await auth.fromToken(token) : null;
      if (!actor) return sendProblem(res, 401, 'bad-token', { detail: 'API 令牌无效或已吊销' });
      caller.actor = actor;
    } else {
      const sessionId = parseCookie(req.get('cookie') ?? '')[SESSION_COOKIE];
      const session = sessionId ? await auth.fromSession(sessionId) : null;
      if (session) {
        caller.actor = session.actor;
        caller.csrf = session.csrf;
        caller.sessionId = sessionId;
        if (!SAFE_METHODS.has(req.method) && req.get('x-csrf-token') !== session.csrf)
          return sendProblem(res, 403, 'csrf', { detail: '缺少或错误的 CSRF 令牌（X-CSRF-Token）' });
      }
    }
    res.locals.caller = caller;
    next();
  };
}
