import { Router } from 'express';
import type { ApiDeps } from '../api-deps.js';
import { guard, jsonBody } from '../guard.js';
import { bodyChecker, checkId } from '../validation.js';
import { roleNames } from '../../roles.js';
import { PreplanError } from '../../errors.js';
import type { UserRecord } from '../../store/user-store.js';

const roleList = { type: 'array', items: { enum: roleNames }, minItems: 1, maxItems: 10, uniqueItems: true };
const createBody = bodyChecker<{
  id: string;
  displayName: string;
  roles: string[];
  email?: string;
  password?: string;
}>({
  required: ['id', 'displayName', 'roles'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{1,39}$' },
    displayName: { type: 'string', minLength: 1, maxLength: 100 },
    roles: roleList,
    email: { type: 'string', format: 'email', maxLength: 200 },
    password: { type: 'string', minLength: 10, maxLength: 200 },
  },
});
const patchBody = bodyChecker<{
  displayName?: string;
  roles?: string[];
  email?: string | null;
  active?: boolean;
  password?: string;
}>({
  minProperties: 1,
  properties: {
    displayName: { type: 'string', minLength: 1, maxLength: 100 },
    roles: roleList,
    email: { type: ['string', 'null'], format: 'email', maxLength: 200 },
    active: { type: 'boolean' },
    password: { type: 'string', minLength: 10, maxLength: 200 },
  },
});
const tokenBody = bodyChecker<{ name: string; role: string }>({
  required: ['name', 'role'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9._-]{2,40}$' },
    role: { enum: roleNames.filter((role) => role !== 'admin') },
  },
});

const TOKEN_ID = /^[A-Za-z0-9_-]{12}$/;

function view(user: UserRecord) {
  return {
    id: user._id,
    displayName: user.displayName,
    roles: user.roles,
    email: user.email ?? null,
    active: user.active,
    demo: user.demo,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

export function userRoutes({ node, users, auth }: ApiDeps): Router {
  const router = Router();

  router.get(
    '/api/users',
    guard('user.list', async ({ res }) => {
      res.json({ items: (await node.stores.users.list()).map(view) });
    }),
  );

  router.post(
    '/api/users',
    guard('user.create', async ({ req, res }) => {
      const body = createBody(jsonBody(req));
      const { user, password } = await users.create(body);
      res
        .status(201)
        .location(`/api/users/${user._id}`)
        .json({ user: view(user), ...(body.password ? {} : { password }) });
    }),
  );

  router.patch(
    '/api/users/:id',
    guard('user.update', async ({ req, res }) => {
      const user = await users.update(checkId(req.params.id, '用户'), patchBody(jsonBody(req)));
      res.json({ user: view(user) });
    }),
  );

  router.get(
    '/api/tokens',
    guard('token.list', async ({ res }) => {
      res.json({
        items: (await node.stores.tokens.list()).map(({ hash: _hash, _id, ...t }) => ({ id: _id, ...t })),
      });
    }),
  );

  router.post(
    '/api/tokens',
    guard('token.create', async ({ req, res, actor }) => {
      const { name, role } = tokenBody(jsonBody(req));
      const { token, record } = await auth.createToken(name, role, actor.id);
      res.status(201).json({ id: record._id, name, role, token, createdAt: record.createdAt });
    }),
  );

  router.delete(
    '/api/tokens/:id',
    guard('token.revoke', async ({ req, res }) => {
      // Token ids are 9 random bytes in base64url: they may start with or contain `-` and `_`.
      const id = typeof req.params.id === 'string' && TOKEN_ID.test(req.params.id) ? req.params.id : null;
      if (!id) throw new PreplanError('not-found', '令牌不存在');
      if (!(await node.stores.tokens.revoke(id, node.clock.now())))
        throw new PreplanError('not-found', `令牌 ${id} 不存在或已吊销`);
      res.status(204).end();
    }),
  );
  return router;
}
