/**
 * A preplan node as `preplan serve` runs one, for the API benches: the embedded store in a child
 * process (in memory), the node with the real processes/, forms/ and config/plan.json in this
 * process, and its HTTP server (the whole REST API) on a free loopback port.
 */
import path from 'node:path';
import { pino } from 'pino';
import { startPreplanNode, type PreplanNode } from '../../src/app/preplan-node.js';
import { startPreplanServer, type PreplanServer } from '../../src/app/preplan-server.js';
import { startServer, stopServer, type ServerProcess } from '../support/embedded-server.js';
import { ROOT } from '../support/paths.js';

export interface PreplanUnderTest {
  store: ServerProcess;
  node: PreplanNode;
  server: PreplanServer;
  stop(): Promise<void>;
}

export interface UnderTestOptions {
  database: string;
  scheduler: boolean;
  schedulerPollMs?: number;
  /** Outside channels (PREPLAN_CHANNELS_FILE); none: nothing leaves the node. */
  channelsFile?: string;
  /** Runs the store with --cpu-prof into this directory. */
  storeProfileDir?: string;
}

export async function startPreplanUnderTest(options: UnderTestOptions): Promise<PreplanUnderTest> {
  const store = await startServer(undefined, options.storeProfileDir);
  let node: PreplanNode | undefined;
  try {
    const quiet = pino({ level: 'silent' });
    node = await startPreplanNode({
      mongodbUri: store.uri,
      database: options.database,
      processesDir: path.join(ROOT, 'processes'),
      formsDir: path.join(ROOT, 'forms'),
      planFile: path.join(ROOT, 'config/plan.json'),
      channelsFile: options.channelsFile,
      scheduler: options.scheduler,
      schedulerPollMs: options.schedulerPollMs ?? 1000,
      log: quiet,
    });
    const server = await startPreplanServer(node, {
      port: 0,
      host: '127.0.0.1',
      secureCookies: false,
      trustProxy: false,
      loginAttempts: 1000,
      log: quiet,
    });
    const started = node;
    return {
      store,
      node: started,
      server,
      async stop() {
        await server.stop();
        await started.stop();
        await stopServer(store.child);
      },
    };
  } catch (error) {
    await node?.stop().catch(() => undefined);
    await stopServer(store.child);
    throw error;
  }
}
