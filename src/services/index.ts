import type { ServiceDeps, ServiceRegistry } from './service-types.js';
import { createNotify } from './notify.js';
import { createReportToCounty } from './report-to-county.js';
import { createPublish } from './publish.js';

/**
 * Every service a diagram may name in `camunda:topic`, by id = file name in this folder.
 * Deploy refuses a service task whose topic is not listed here.
 */
export const serviceNames = ['notify', 'report-to-county', 'publish'];

/**
 * The plan's outside services, built from the node's channels, directory, case records and
 * links. `case-record` and `open-cases` work on preplan's own cases and are built with them
 * (src/app/preplan-node.ts).
 */
export function createServices(deps: ServiceDeps): ServiceRegistry {
  return {
    notify: createNotify(deps),
    'report-to-county': createReportToCounty(deps),
    publish: createPublish(deps),
  };
}
