import type { Connection } from 'mongoose';
import { DefinitionStore } from './definition-store.js';
import { InstanceStore } from './instance-store.js';
import { HistoryStore } from './history-store.js';
import { TaskStore } from './task-store.js';
import { JobStore } from './job-store.js';
import { CaseStore } from './case-store.js';
import { UserStore } from './user-store.js';
import { LinkStore } from './link-store.js';
import { SecretStore } from './secret-store.js';
import { DeliveryStore } from './delivery-store.js';
import { CredentialStore } from './credential-store.js';
import { SessionStore } from './session-store.js';
import { TokenStore } from './token-store.js';
import { DigestStore } from './digest-store.js';

/** Every store preplan keeps, on one connection. */
export interface Stores {
  definitions: DefinitionStore;
  instances: InstanceStore;
  history: HistoryStore;
  tasks: TaskStore;
  jobs: JobStore;
  cases: CaseStore;
  users: UserStore;
  links: LinkStore;
  secrets: SecretStore;
  deliveries: DeliveryStore;
  credentials: CredentialStore;
  sessions: SessionStore;
  tokens: TokenStore;
  digests: DigestStore;
}

/** Builds the stores and makes sure their collections and indexes exist. */
export async function openStores(connection: Connection): Promise<Stores> {
  const stores: Stores = {
    definitions: new DefinitionStore(connection),
    instances: new InstanceStore(connection),
    history: new HistoryStore(connection),
    tasks: new TaskStore(connection),
    jobs: new JobStore(connection),
    cases: new CaseStore(connection),
    users: new UserStore(connection),
    links: new LinkStore(connection),
    secrets: new SecretStore(connection),
    deliveries: new DeliveryStore(connection),
    credentials: new CredentialStore(connection),
    sessions: new SessionStore(connection),
    tokens: new TokenStore(connection),
    digests: new DigestStore(connection),
  };
  await Promise.all(Object.values(stores).map((store) => store.init()));
  return stores;
}
