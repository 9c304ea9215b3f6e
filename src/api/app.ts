import express, { type Express } from 'express';
import helmet from 'helmet';
import type { ApiDeps } from './api-deps.js';
import { authenticate, requestId } from './authenticate.js';
import { errorHandler, notFound } from './problem.js';
import { sessionRoutes } from './routes/session-routes.js';
import { caseRoutes } from './routes/case-routes.js';
import { taskRoutes } from './routes/task-routes.js';
import { definitionRoutes } from './routes/definition-routes.js';
import { instanceRoutes } from './routes/instance-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { externalRoutes } from './routes/external-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { caseReportRoutes } from './routes/case-report-routes.js';
import { createMetrics, systemRoutes } from './routes/system-routes.js';
import { MAX_DIAGRAM_BYTES } from '../engine/definitions/diagram-limits.js';

/** Bodies people and tools send are small; a diagram may be up to 2 MiB. */
export const JSON_LIMIT = '256kb';

export interface ApiOptions {
  log: (error: unknown, requestId: string) => void;
  /** Served after the API (the web UI's static files); optional. */
  extra?: (app: Express) => void;
  trustProxy?: boolean;
}

/** The REST API as an Express 5 app: security headers, request ids, auth, routes, problem errors. */
export function createApi(deps: ApiDeps, options: ApiOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  app.set('query parser', 'simple');
  const metrics = createMetrics(deps);
  app.use(helmet());
  app.use(requestId);
  app.use((req, res, next) => {
    const end = metrics.http.startTimer({ method: req.method });
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      end({ route, status: String(res.statusCode) });
    });
    next();
  });
  app.use('/api/definitions', express.json({ limit: MAX_DIAGRAM_BYTES }));
  app.use(express.json({ limit: JSON_LIMIT }));
  app.use(authenticate(deps.auth));
  app.use(systemRoutes(deps, metrics));
  app.use(sessionRoutes(deps));
  app.use(caseRoutes(deps));
  app.use(taskRoutes(deps));
  app.use(definitionRoutes(deps));
  app.use(instanceRoutes(deps));
  app.use(userRoutes(deps));
  app.use(externalRoutes(deps));
  app.use(auditRoutes(deps));
  app.use(reportRoutes(deps));
  app.use(caseReportRoutes(deps));
  app.use('/api', notFound);
  options.extra?.(app);
  app.use(notFound);
  app.use(errorHandler(options.log));
  return app;
}
