import { Router } from 'express';
import type { ApiDeps } from '../api-deps.js';
import { guard } from '../guard.js';
import { checkId } from '../validation.js';
import { PreplanError } from '../../errors.js';
import { verifyChain } from '../../engine/runtime/history-chain.js';

export function instanceRoutes({ node }: ApiDeps): Router {
  const router = Router();

  router.get(
    '/api/instances/:id',
    guard('instance.read', async ({ req, res }) => {
      const id = checkId(req.params.id, '流程实例');
      const record = await node.stores.instances.load(id);
      if (!record) throw new PreplanError('not-found', `流程实例 ${id} 不存在`);
      const {
        engineState: _state,
        outbox: _outbox,
        revision: _revision,
        historyHead: _head,
        ...view
      } = record;
      res.json({ ...view, id: record._id, tasks: await node.stores.tasks.forInstance(id) });
    }),
  );

  router.get(
    '/api/instances/:id/history',
    guard('instance.read', async ({ req, res }) => {
      const id = checkId(req.params.id, '流程实例');
      if (!(await node.stores.instances.variablesOf(id)))
        throw new PreplanError('not-found', `流程实例 ${id} 不存在`);
      const events = await node.stores.history.forInstance(id);
      const problem = verifyChain(events);
      res.json({
        events,
        integrity: problem ? { ok: false, ...problem } : { ok: true, events: events.length },
      });
    }),
  );

  router.get(
    '/api/incidents',
    guard('incident.list', async ({ res }) => {
      const jobs = await node.stores.jobs.find({ status: 'incident' });
      res.json({
        items: jobs.map((job) => ({
          id: job._id,
          instanceId: job.instanceId,
          activityId: job.activityId,
          kind: job.kind,
          topic: job.topic,
          attempts: job.attempts,
          error: job.lastError,
          since: job.updatedAt,
        })),
      });
    }),
  );

  router.post(
    '/api/incidents/:id/retry',
    guard('incident.retry', async ({ req, res, actor, requestId }) => {
      const id = checkId(req.params.id, '故障');
      const job = await node.stores.jobs.byId(id);
      if (!job) throw new PreplanError('not-found', `故障 ${id} 不存在`);
      if (!(await node.stores.jobs.retry(id, node.clock.now())))
        throw new PreplanError('conflict', `作业 ${id} 不在故障状态`);
      // A schedule's or a system job's incident (the daily digest) has no instance history.
      if (await node.stores.instances.variablesOf(job.instanceId))
        await node.runtime.appendHistory(job.instanceId, [
          {
            at: node.clock.now(),
            type: 'incident.retried',
            actor: actor.id,
            requestId,
            activityId: job.activityId,
            executionId: job.executionId,
            data: { jobId: id },
          },
        ]);
      res.json({ id, status: 'pending' });
    }),
  );
  return router;
}
