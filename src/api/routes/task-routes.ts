import { Router } from 'express';
import type { ApiDeps } from '../api-deps.js';
import { guard, jsonBody } from '../guard.js';
import { checkId, queryChecker } from '../validation.js';
import { getTask, listTasks } from '../../tasks/task-queries.js';
import { claimTask, unclaimTask } from '../../tasks/claim-task.js';

const listQuery = queryChecker<{ caseId?: string; activityId?: string; mine?: boolean }>({
  properties: {
    caseId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,40}$' },
    activityId: { type: 'string', pattern: '^[A-Za-z][\\w-]{0,99}$' },
    mine: { type: 'boolean' },
  },
});

export function taskRoutes({ node }: ApiDeps): Router {
  const router = Router();
  const queryDeps = { tasks: node.stores.tasks, cases: node.stores.cases, forms: node.forms };
  const claimDeps = { tasks: node.stores.tasks, runtime: node.runtime, clock: node.clock };

  router.get(
    '/api/tasks',
    guard('task.list', async ({ req, res, actor }) => {
      res.json({ items: await listTasks(queryDeps, actor, listQuery({ ...req.query })) });
    }),
  );

  router.get(
    '/api/tasks/:id',
    guard('task.read', async ({ req, res, actor }) => {
      res.json(await getTask(queryDeps, actor, checkId(req.params.id, '任务')));
    }),
  );

  router.post(
    '/api/tasks/:id/claim',
    guard('task.claim', async ({ req, res, actor, requestId }) => {
      await claimTask(claimDeps, checkId(req.params.id, '任务'), actor, { requestId });
      res.json(await getTask(queryDeps, actor, String(req.params.id)));
    }),
  );

  router.post(
    '/api/tasks/:id/unclaim',
    guard('task.claim', async ({ req, res, actor, requestId }) => {
      await unclaimTask(claimDeps, checkId(req.params.id, '任务'), actor, { requestId });
      res.json(await getTask(queryDeps, actor, String(req.params.id)));
    }),
  );

  router.post(
    '/api/tasks/:id/complete',
    guard('task.complete', async ({ req, res, actor, requestId }) => {
      const id = checkId(req.params.id, '任务');
      const instance = await node.domain.completeTask(id, actor, jsonBody(req), { requestId });
      res.json({
        task: await getTask(queryDeps, actor, id),
        instance: { id: instance._id, status: instance.status },
      });
    }),
  );
  return router;
}
