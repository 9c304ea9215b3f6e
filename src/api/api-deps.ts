import type { PreplanNode } from '../app/preplan-node.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { UserAdmin } from '../auth/user-admin.js';
import type { Clock } from '../engine/clock.js';

/** What the routers call: the node's domain and stores, and the sign-in machinery. */
export interface ApiDeps {
  node: PreplanNode;
  auth: Authenticator;
  users: UserAdmin;
  clock: Clock;
  /** Failed sign-ins allowed per user and address per 15 minutes. */
  loginAttempts: number;
  /** Cookies only over HTTPS (set behind a TLS proxy; `trust proxy` is on then). */
  secureCookies: boolean;
}
