import { Router } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiDeps } from '../api-deps.js';
import { guard } from '../guard.js';
import { openApiDocument, openApiHtml } from '../openapi.js';

/** Metrics of one node: process defaults, HTTP latency by route, and the work waiting in the store. */
export function createMetrics(deps: ApiDeps) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'preplan_' });
  const http = new Histogram({
    name: 'preplan_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: 'preplan_open_tasks',
    help: 'Open user tasks',
    registers: [registry],
    async collect() {
      this.set(await deps.node.stores.tasks.countOpen());
    },
  });
  new Gauge({
    name: 'preplan_incidents',
    help: 'Jobs whose retries ran out (need an admin)',
    registers: [registry],
    async collect() {
      this.set(await deps.node.stores.jobs.count({ status: 'incident' }));
    },
  });
  const logins = new Counter({
    name: 'preplan_login_failures_total',
    help: 'Refused sign-ins',
    registers: [registry],
  });
  return { registry, http, logins };
}

export function systemRoutes(deps: ApiDeps, metrics: ReturnType<typeof createMetrics>): Router {
  const router = Router();

  router.get(
    '/healthz',
    guard('system.health', ({ res }) => {
      res.json({ status: 'ok' });
    }),
  );

  router.get(
    '/readyz',
    guard('system.health', async ({ res }) => {
      let store = false;
      try {
        await deps.node.connection.db!.admin().ping();
        store = true;
      } catch {
        store = false;
      }
      const scheduler = deps.node.schedulerEnabled ? deps.node.runner.polling : 'off';
      const ready = store && scheduler !== false;
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', store, scheduler });
    }),
  );

  router.get(
    '/metrics',
    guard('system.metrics', async ({ res }) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    }),
  );

  router.get(
    '/api/openapi.json',
    guard('system.docs', ({ res }) => {
      res.json(openApiDocument());
    }),
  );

  router.get(
    '/api/docs',
    guard('system.docs', ({ res }) => {
      res.type('html').send(openApiHtml());
    }),
  );
  return router;
}
