import { Router } from 'express';
import type { ApiDeps } from '../api-deps.js';
import { guard, jsonBody } from '../guard.js';
import { bodyChecker, checkId, queryChecker } from '../validation.js';
import { caseDetail, listCases } from '../../cases/case-queries.js';
import { regradeCase } from '../../cases/regrade-case.js';
import { PreplanError } from '../../errors.js';
import type { CaseStatus } from '../../store/case-store.js';

const listQuery = queryChecker<{
  status?: CaseStatus;
  grade?: number;
  category?: string;
  drill?: boolean;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}>({
  properties: {
    status: { enum: ['open', 'closed', 'cancelled'] },
    grade: { type: 'integer', minimum: 1, maximum: 4 },
    category: { type: 'string', pattern: '^[a-z-]{1,40}$' },
    drill: { type: 'boolean' },
    from: { type: 'string', format: 'date' },
    to: { type: 'string', format: 'date' },
    page: { type: 'integer', minimum: 1, maximum: 10_000, default: 1 },
    pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
});

const regradeBody = bodyChecker<{ newGrade: number; reason: string }>({
  required: ['newGrade', 'reason'],
  properties: {
    newGrade: { type: 'integer', minimum: 1, maximum: 4 },
    reason: { type: 'string', minLength: 1, maxLength: 1000 },
  },
});

const IDEMPOTENCY_KEY = /^[\w.:-]{8,100}$/;

export function caseRoutes({ node }: ApiDeps): Router {
  const router = Router();
  const queryDeps = { ...node.stores, clock: node.clock };

  router.post(
    '/api/cases',
    guard('case.create', async ({ req, res, actor, requestId }) => {
      const body = jsonBody(req);
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new PreplanError('invalid', '请求体必须是 JSON 对象');
      const key = req.get('idempotency-key');
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
        throw new PreplanError('invalid', 'Idempotency-Key 须为 8–100 个字母、数字或 ._:- 字符');
      const opened = await node.domain.openCase(body, {
        actor: actor.id,
        via: actor.kind === 'token' ? 'api' : 'form',
        ...(key ? { externalId: `${actor.id}:${key}` } : {}),
        requestId,
      });
      res
        .status(opened.created ? 201 : 200)
        .location(`/api/cases/${opened.case._id}`)
        .json(await caseDetail(queryDeps, actor, opened.case._id));
    }),
  );

  router.get(
    '/api/cases',
    guard('case.list', async ({ req, res, actor }) => {
      const q = listQuery({ ...req.query });
      const items = await listCases(
        queryDeps,
        actor,
        {
          status: q.status,
          grade: q.grade,
          category: q.category,
          drill: q.drill,
          createdFrom: q.from ? new Date(`${q.from}T00:00:00+08:00`) : undefined,
          createdTo: q.to ? new Date(new Date(`${q.to}T00:00:00+08:00`).getTime() + 86_400_000) : undefined,
        },
        { skip: (q.page - 1) * q.pageSize, limit: q.pageSize },
      );
      res.json({ items, page: q.page, pageSize: q.pageSize });
    }),
  );

  router.get(
    '/api/cases/:id',
    guard('case.read', async ({ req, res, actor }) => {
      res.json(await caseDetail(queryDeps, actor, checkId(req.params.id, '案件')));
    }),
  );

  router.post(
    '/api/cases/:id/regrade',
    guard('case.regrade', async ({ req, res, actor, requestId }) => {
      const id = checkId(req.params.id, '案件');
      const body = regradeBody(jsonBody(req));
      await regradeCase({ ...node.stores, runtime: node.runtime }, actor, id, body, { requestId });
      // Accepted: the re-grade is recorded and the higher grade's process starts as jobs run.
      res.status(202).json(await caseDetail(queryDeps, actor, id));
    }),
  );
  return router;
}
