/**
 * What a service implementation (one file per service in this folder) gets and returns. The
 * job machinery — leases, retries, incidents, delivering the result — is written once, in
 * src/engine/jobs; a service only does its one outside thing.
 */
export interface ServiceCall {
  /** The service's id, which is the `camunda:topic` in the diagram and its file name. */
  topic: string;
  instanceId: string;
  activityId: string;
  /**
   * Stable across retries of this one task execution: pass it on to the outside system
   * (message id, `Idempotency-Key` header) so a retried call is recognised there.
   */
  idempotencyKey: string;
  attempt: number;
  /** The process variables when the task started. */
  variables: Record<string, unknown>;
}

/** Resolves with the output (merged into process variables) or throws; never returns errors. */
export type ServiceImplementation = (call: ServiceCall) => Promise<Record<string, unknown> | void>;

export type ServiceRegistry = Record<string, ServiceImplementation>;
