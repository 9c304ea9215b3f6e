import { Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { ApiDeps } from '../api-deps.js';
import { guard, jsonBody } from '../guard.js';
import { bodyChecker } from '../validation.js';
import { SESSION_COOKIE, callerOf } from '../authenticate.js';
import { sendProblem } from '../problem.js';
import type { Actor } from '../../auth/actor.js';

const loginBody = bodyChecker<{ username: string; password: string }>({
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 100 },
    password: { type: 'string', minLength: 1, maxLength: 200 },
  },
});

function userView(actor: Actor) {
  return {
    id: actor.id,
    displayName: actor.displayName,
    roles: actor.roles,
    demo: actor.demo ?? false,
    kind: actor.kind,
  };
}

export function sessionRoutes(deps: ApiDeps): Router {
  const router = Router();
  // Failed sign-ins only: a person who types their password right is never slowed down.
  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: deps.loginAttempts,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const body = req.body as { username?: unknown } | undefined;
      return `${ipKeyGenerator(req.ip ?? '')}|${typeof body?.username === 'string' ? body.username.slice(0, 100) : ''}`;
    },
    handler: (_req, res) =>
      sendProblem(res, 429, 'too-many-logins', { detail: '登录失败次数过多，请 15 分钟后再试' }),
  });

  router.post(
    '/api/session',
    limiter,
    guard('session.create', async ({ req, res }) => {
      const { username, password } = loginBody(jsonBody(req));
      const session = await deps.auth.login(username, password);
      res.cookie(SESSION_COOKIE, session.sessionId, {
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.secureCookies,
        path: '/',
        expires: session.expiresAt,
      });
      res.json({ user: userView(session.actor), csrfToken: session.csrf, expiresAt: session.expiresAt });
    }),
  );

  router.delete(
    '/api/session',
    guard('session.delete', async ({ req, res }) => {
      const { sessionId } = callerOf(req);
      if (sessionId) await deps.auth.logout(sessionId);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.status(204).end();
    }),
  );

  router.get(
    '/api/me',
    guard('me.read', ({ req, res, actor }) => {
      res.json({ user: userView(actor), csrfToken: callerOf(req).csrf ?? null });
    }),
  );
  return router;
}
