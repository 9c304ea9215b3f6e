import { parentPort } from 'node:worker_threads';
import { validateBpmn } from './validate-bpmn.js';
import type { DeploymentCatalog } from './lint-rules/rule-types.js';

interface LintRequest {
  id: number;
  xml: string;
  catalog: DeploymentCatalog;
}

parentPort?.on('message', (request: LintRequest) => {
  validateBpmn(request.xml, request.catalog).then(
    (result) => parentPort?.postMessage({ id: request.id, result }),
    (error: Error) => parentPort?.postMessage({ id: request.id, error: error.message }),
  );
});
