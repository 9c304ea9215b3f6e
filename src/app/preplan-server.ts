import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { PreplanNode } from './preplan-node.js';
import { Authenticator } from '../auth/authenticator.js';
import { UserAdmin } from '../auth/user-admin.js';
import { createApi } from '../api/app.js';
import { answerClientError } from '../api/client-errors.js';

export interface ServerOptions {
  port: number;
  host: string;
  secureCookies: boolean;
  trustProxy: boolean;
  loginAttempts: number;
  log: Logger;
  /** Adds the web UI's routes after the API. */
  extra?: (app: Express) => void;
}

export interface PreplanServer {
  url: string;
  server: Server;
  users: UserAdmin;
  auth: Authenticator;
  /** Accounts made on this first start, with their one-time passwords. */
  bootstrapped: Array<{ id: string; password: string; roles: string[]; demo: boolean }>;
  stop(): Promise<void>;
}

/**
 * The HTTP side of a node: the REST API (and the UI), with users bootstrapped on an empty
 * store. Closing it stops taking requests; the node is stopped by its owner.
 */
export async function startPreplanServer(node: PreplanNode, options: ServerOptions): Promise<PreplanServer> {
  const stores = node.stores;
  const auth = new Authenticator({ ...stores, clock: node.clock });
  const users = new UserAdmin({ ...stores, clock: node.clock });
  const bootstrapped = await users.bootstrap();
  const app = createApi(
    {
      node,
      auth,
      users,
      clock: node.clock,
      loginAttempts: options.loginAttempts,
      secureCookies: options.secureCookies,
    },
    {
      trustProxy: options.trustProxy,
      extra: options.extra,
      log: (error, requestId) => options.log.error({ err: error, requestId }, 'request failed'),
    },
  );
  const server = createServer(app);
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    server,
    users,
    auth,
    bootstrapped,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
