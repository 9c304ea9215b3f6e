import { Router } from 'express';
import type { ApiDeps } from '../api-deps.js';
import { guard } from '../guard.js';
import { checkId, queryChecker } from '../validation.js';
import { readableCase } from '../../cases/case-queries.js';
import { caseHistory } from '../../cases/case-history.js';
import { verifyAll } from '../../audit/verify-all.js';
import { verifyDigests } from '../../audit/daily-digest.js';
import { stateAt } from '../../audit/instance-state.js';
import { roles } from '../../roles.js';
import { PreplanError } from '../../errors.js';

const stateQuery = queryChecker<{ at?: number }>({ properties: { at: { type: 'integer', minimum: 0 } } });
const verifyQuery = queryChecker<{ caseId?: string }>({
  properties: { caseId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,40}$' } },
});
const DAY = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const digestQuery = queryChecker<{ from?: string; to?: string }>({ properties: { from: DAY, to: DAY } });

/** What auditors, designers and the UI read: diagrams and histories of a case, states, catalog. */
export function auditRoutes({ node }: ApiDeps): Router {
  const router = Router();
  const caseDeps = { ...node.stores, clock: node.clock };
  const instancesOf = async (caseId: string) =>
    (await node.stores.instances.list({ businessKey: caseId }, 1000)).sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
    );

  router.get(
    '/api/catalog',
    guard('catalog.read', async ({ res }) => {
      const catalog = await node.domain.catalog();
      res.json({
        services: catalog.services,
        forms: catalog.formKeys.map((key) => ({ key, title: String(node.forms.schema(key)?.title ?? key) })),
        roles: Object.entries(roles).map(([id, label]) => ({ id, label })),
      });
    }),
  );

  router.get(
    '/api/forms/:key',
    guard('form.read', ({ req, res }) => {
      const key = checkId(req.params.key, '表单');
      const schema = node.forms.schema(key);
      if (!schema) throw new PreplanError('not-found', `表单 ${key} 不存在`);
      res.json({ key, schema, uiSchema: node.forms.uiSchema(key) ?? {} });
    }),
  );

  router.get(
    '/api/cases/:id/diagrams',
    guard('case.read', async ({ req, res, actor }) => {
      const record = await readableCase(caseDeps, actor, checkId(req.params.id, '案件'));
      const items = [];
      for (const instance of await instancesOf(record._id)) {
        const definition = await node.stores.definitions.byId(instance.definitionId);
        items.push({
          instanceId: instance._id,
          definitionKey: instance.definitionKey,
          definitionVersion: instance.definitionVersion,
          name: definition?.name ?? instance.definitionKey,
          status: instance.status,
          xml: definition?.source ?? null,
        });
      }
      res.json({ items });
    }),
  );

  router.get(
    '/api/cases/:id/history',
    guard('case.read', async ({ req, res, actor }) => {
      const record = await readableCase(caseDeps, actor, checkId(req.params.id, '案件'));
      const { events, instances } = await caseHistory(node.stores, record._id);
      const integrity = instances.map((item) => item.integrity);
      res.json({ events, integrity });
    }),
  );

  router.get(
    '/api/instances/:id/state',
    guard('instance.read', async ({ req, res }) => {
      const id = checkId(req.params.id, '流程实例');
      const instance = await node.stores.instances.variablesOf(id);
      if (!instance) throw new PreplanError('not-found', `流程实例 ${id} 不存在`);
      const events = await node.stores.history.forInstance(id);
      const { at } = stateQuery({ ...req.query });
      const state = stateAt(events, at ?? Number.MAX_SAFE_INTEGER);
      const tasks = await node.stores.tasks.forInstance(id);
      res.json({
        ...state,
        openTasks: state.openTasks.map((open) => {
          const task = tasks.find((t) => t.executionId === open.executionId);
          return {
            activityId: open.activityId,
            name: task?.name,
            candidateGroups: task?.candidateGroups ?? [],
            claimedBy: task?.claimedBy,
          };
        }),
      });
    }),
  );

  router.get(
    '/api/audit/verify',
    guard('audit.verify', async ({ req, res }) => {
      const { caseId } = verifyQuery({ ...req.query });
      const items = await verifyAll(node.stores, { caseId });
      const instanceIds = caseId ? new Set(items.map((item) => item.instanceId)) : undefined;
      const digests = node.digestKeys
        ? {
            enabled: true,
            ...(await verifyDigests(node.stores, node.digestKeys, node.clock.now(), { instanceIds })),
          }
        : { enabled: false, ok: true };
      res.json({ items, digests });
    }),
  );

  router.get(
    '/api/audit/digests',
    guard('audit.digests', async ({ req, res }) => {
      const range = digestQuery({ ...req.query });
      const items = await node.stores.digests.list(range);
      res.json({
        enabled: node.digestKeys !== null,
        keyId: node.digestKeys?.signing.id ?? null,
        items: items.reverse().map(({ _id, ...digest }) => ({ day: _id, ...digest })),
      });
    }),
  );
  return router;
}
