import type { ServiceRegistry } from './service-types.js';

/**
 * Every service a diagram may name in `camunda:topic`, by id = file name in this folder.
 * Deploy refuses a service task whose topic is not listed here. (The plan's services —
 * notify, report-to-county, publish — arrive with the plan's processes.)
 */
export const services: ServiceRegistry = {};
