import express, { Router } from 'express';
import type { ApiDeps } from '../api-deps.js';
import { guard } from '../guard.js';
import { capped } from '../problem.js';
import { checkId } from '../validation.js';
import { PreplanError } from '../../errors.js';
import { MAX_DIAGRAM_BYTES } from '../../engine/definitions/diagram-limits.js';

const xmlBody = express.text({ type: ['application/xml', 'text/xml'], limit: MAX_DIAGRAM_BYTES });

/** A diagram arrives as XML (`application/xml`) or as JSON `{ "xml": "…" }`; any other type is 415. */
function diagramOf(req: express.Request): string {
  if (req.is(['application/xml', 'text/xml']) && typeof req.body === 'string') return req.body;
  if (!req.is(['application/xml', 'text/xml', 'application/json']))
    throw Object.assign(new Error('unsupported media type'), { type: 'unsupported.media', status: 415 });
  const body = req.body as { xml?: unknown } | undefined;
  if (req.is('application/json') && body && typeof body.xml === 'string' && Object.keys(body).length === 1)
    return body.xml;
  throw new PreplanError('invalid', '请以 application/xml 发送 BPMN，或以 JSON {"xml": "…"} 发送');
}

export function definitionRoutes({ node }: ApiDeps): Router {
  const router = Router();

  router.get(
    '/api/definitions',
    guard('definition.list', async ({ res }) => {
      const all = await node.stores.definitions.list();
      const byKey = new Map<string, typeof all>();
      for (const d of all) byKey.set(d.key, [...(byKey.get(d.key) ?? []), d]);
      const items = [...byKey.entries()].map(([key, versions]) => {
        const sorted = versions.sort((a, b) => b.version - a.version);
        return {
          key,
          name: sorted[0].name,
          latestVersion: sorted[0].version,
          versions: sorted.map((v) => ({
            version: v.version,
            deployedAt: v.deployedAt,
            deployedBy: v.deployedBy,
            hash: v.hash,
          })),
        };
      });
      res.json({ items: items.sort((a, b) => a.key.localeCompare(b.key)) });
    }),
  );

  router.post(
    '/api/definitions',
    xmlBody,
    guard('definition.deploy', async ({ req, res, actor }) => {
      const result = await node.domain.deploy(diagramOf(req), actor.id);
      res
        .status(result.created ? 201 : 200)
        .location(`/api/definitions/${result.definition.key}/versions/${result.definition.version}/xml`)
        .json({
          key: result.definition.key,
          version: result.definition.version,
          created: result.created,
          warnings: result.warnings,
        });
    }),
  );

  router.post(
    '/api/definitions/lint',
    xmlBody,
    guard('definition.lint', async ({ req, res }) => {
      const { key, name, problems } = await node.domain.lint(diagramOf(req));
      res.json(
        capped({
          key: key ?? null,
          name: name ?? null,
          ok: !problems.some((p) => p.severity === 'error'),
          problems,
        }),
      );
    }),
  );

  router.get(
    '/api/definitions/:key/versions/:version/xml',
    guard('definition.read', async ({ req, res }) => {
      const key = checkId(req.params.key, '流程');
      const version = Number(req.params.version);
      const found =
        Number.isInteger(version) && version > 0 ? await node.stores.definitions.version(key, version) : null;
      if (!found) throw new PreplanError('not-found', `流程 ${key} 第 ${req.params.version} 版不存在`);
      res.type('application/xml').send(found.source);
    }),
  );
  return router;
}
