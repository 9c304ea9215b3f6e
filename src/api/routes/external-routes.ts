import { Router } from 'express';
import type { ApiDeps } from '../api-deps.js';
import { guard, jsonBody } from '../guard.js';
import { PreplanError } from '../../errors.js';

const TOKEN = /^[A-Za-z0-9_-]{10,64}\.[A-Za-z0-9_-]{10,100}$/;

function tokenOf(value: string | string[] | undefined): string {
  if (typeof value !== 'string' || !TOKEN.test(value)) throw new PreplanError('not-found', '链接无效');
  return value;
}

/** The county's signed single-use links: no account, the link itself is the permission. */
export function externalRoutes({ node }: ApiDeps): Router {
  const router = Router();

  router.get(
    '/api/external/:token',
    guard('external.read', async ({ req, res }) => {
      const { link, task, schema } = await node.domain.countyLinks.open(tokenOf(req.params.token));
      const record = await node.stores.cases.byId(link.caseId);
      res.set('Cache-Control', 'no-store').json({
        purpose: link.purpose,
        expiresAt: link.expiresAt,
        task: { name: task.name, activityId: task.activityId, dueAt: task.dueAt },
        case: record
          ? {
              id: record._id,
              title: record.title,
              summary: record.summary,
              grade: record.grade,
              drill: record.drill,
            }
          : null,
        form: {
          key: task.formKey,
          schema,
          uiSchema: task.formKey ? node.forms.uiSchema(task.formKey) : undefined,
        },
      });
    }),
  );

  router.post(
    '/api/external/:token',
    guard('external.submit', async ({ req, res }) => {
      const { taskId } = await node.domain.countyLinks.submit(tokenOf(req.params.token), jsonBody(req));
      res.json({ ok: true, taskId });
    }),
  );
  return router;
}
