import type { ChannelsConfig } from './channels/channel-config.js';
import type { DeliveryStore } from '../store/delivery-store.js';

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
  /** The process variables when the job runs. */
  variables: Record<string, unknown>;
  /**
   * The task's `camunda:inputParameter`s, resolved against the variables when the task was
   * reached (e.g. which template `notify` sends, to which roles).
   */
  input: Record<string, unknown>;
}

/** Resolves with the output (merged into process variables) or throws; never returns errors. */
export type ServiceImplementation = (call: ServiceCall) => Promise<Record<string, unknown> | void>;

export type ServiceRegistry = Record<string, ServiceImplementation>;

/** A person notifications can reach; the directory answers who holds which role. */
export interface Recipient {
  userId: string;
  displayName: string;
  email?: string;
  roles: string[];
}

export interface Directory {
  /** Active users holding any of the roles. */
  usersInRoles(roles: string[]): Promise<Recipient[]>;
}

/** A public message put out under the office's name, kept on the case (never edited). */
export interface PublicationEntry {
  /** Idempotent: the service's idempotency key, or the task id for a manual record. */
  id: string;
  kind: 'reply' | 'answer' | 'commentary';
  channel: string;
  url?: string;
  title: string;
  text?: string;
  author: string;
  approver?: string;
  publishedAt: Date;
  via: 'channel' | 'manual';
  drill: boolean;
}

/** What services may write onto a case. */
export interface CaseRecorder {
  recordPublication(caseId: string, entry: PublicationEntry): Promise<void>;
}

/** Signed, single-use, expiring links that let the county act without an account. */
export interface CountyLinkIssuer {
  issue(request: {
    caseId: string;
    instanceId: string;
    /** The user task the link opens once it is reached (e.g. `CountyGuidance`). */
    activityId: string;
    purpose: 'county-guidance' | 'release-signoff';
  }): Promise<{ url: string; expiresAt: Date }>;
}

/** What the plan's services are built from (src/services/index.ts `createServices`). */
export interface ServiceDeps {
  channels: ChannelsConfig;
  directory: Directory;
  cases: CaseRecorder;
  links: CountyLinkIssuer;
  deliveries: DeliveryStore;
  clock: { now(): Date };
  log?: (msg: string) => void;
}
