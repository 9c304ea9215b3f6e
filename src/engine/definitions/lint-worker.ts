import { serveRequests } from '../../workers/serve-requests.js';
import { validateBpmn } from './validate-bpmn.js';
import type { DeploymentCatalog } from './lint-rules/rule-types.js';

/** The diagram checker's thread (see validate-diagram.ts). */
serveRequests((request: { xml: string; catalog: DeploymentCatalog }) =>
  validateBpmn(request.xml, request.catalog),
);
