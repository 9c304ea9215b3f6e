/**
 * bpmn-server's side of the comparison (https://github.com/bpmnServer/bpmn-server, from npm,
 * installed into bench/bpmn-server/node_modules by the bench): a BPMNServer on the same store
 * through its own MongoDB driver (3.x), running the same diagram. Its ServiceTask calls the app
 * delegate's `serviceCalled` for a task without an implementation (ours is camunda:type
 * external), inline, within the start; the user task is completed with engine.invoke.
 *
 * bpmn-server is loaded at run time by name, so preplan's typecheck does not need it installed;
 * the few members used are declared here.
 */
import { FLOW_KEY, FLOW_XML } from '../engine/diagrams.js';
import type { SideEngine } from '../compare/side.js';

interface Execution {
  instance: { id: string; status: string };
}

interface BpmnServerInstance {
  engine: {
    start(name: string, data: Record<string, unknown>): Promise<Execution>;
    invoke(query: Record<string, unknown>, data: Record<string, unknown>): Promise<Execution>;
  };
  dataStore: { install(): Promise<void>; db: MongoHolder };
  definitions: {
    install(): Promise<void>;
    save(name: string, xml: string, svg: null): Promise<unknown>;
    db: MongoHolder;
  };
  logger: { clear(): void; get(): unknown[] };
}

interface MongoHolder {
  client?: { close(): Promise<void> };
}

type Factory = (server: unknown) => unknown;
type Ctor<T = object> = new (...args: never[]) => T;

interface BpmnServerModule {
  BPMNServer: new (configuration: unknown, logger: unknown, options: { cron: boolean }) => BpmnServerInstance;
  Configuration: new (fields: Record<string, unknown>) => unknown;
  DefaultAppDelegate: Ctor;
  Logger: new (options: { toConsole: boolean }) => unknown;
  ModelsDatastoreDB: Ctor;
  DataStore: Ctor;
  NoCacheManager: Ctor;
  ScriptHandler: Ctor;
}

/** The package's version from its own package.json. */
async function installedVersion(): Promise<string> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  return (require('bpmn-server/package.json') as { version: string }).version;
}

export async function createSide(): Promise<SideEngine> {
  const name = 'bpmn-server';
  const loaded = (await import(name)) as { default?: BpmnServerModule } & BpmnServerModule;
  const bpmn: BpmnServerModule = loaded.default ?? loaded;
  const version = await installedVersion();
  let server: BpmnServerInstance | undefined;
  const ready = (): BpmnServerInstance => {
    if (!server) throw new Error('bpmn-server side used before setup');
    return server;
  };

  /** The service of the diagram's service task (no implementation given): answers at once. */
  class BenchDelegate extends (bpmn.DefaultAppDelegate as Ctor<Record<string, unknown>>) {
    startUp(): void {}
    async serviceCalled(): Promise<Record<string, unknown>> {
      return { notifySent: true };
    }
  }
  const make =
    (Class: Ctor): Factory =>
    (server) =>
      new (Class as unknown as new (server: unknown) => object)(server);

  return {
    name,
    version,
    async setup(uri, database) {
      const configuration = new bpmn.Configuration({
        definitionsPath: undefined,
        templatesPath: undefined,
        timers: { forceTimersDelay: 1000, precision: 3000 },
        database: { MongoDB: { db_url: uri, db: database } },
        apiKey: 'bench',
        logger: () => new bpmn.Logger({ toConsole: false }),
        // The models live in the store too (ModelsDatastoreDB), not in files.
        definitions: make(bpmn.ModelsDatastoreDB),
        appDelegate: (s: unknown) => new (BenchDelegate as unknown as new (server: unknown) => object)(s),
        dataStore: make(bpmn.DataStore),
        cacheManager: make(bpmn.NoCacheManager),
        scriptHandler: () => new (bpmn.ScriptHandler as unknown as new () => object)(),
      });
      // No cron: the diagram has no timers, and its start would scan the models directory.
      server = new bpmn.BPMNServer(configuration, new bpmn.Logger({ toConsole: false }), { cron: false });
      await server.dataStore.install();
      await server.definitions.install();
      await server.definitions.save(FLOW_KEY, FLOW_XML, null);
    },
    async instance() {
      const started = await ready().engine.start(FLOW_KEY, { grade: 1 });
      const id = started.instance.id;
      const done = await ready().engine.invoke({ id, 'items.elementId': 'review' }, { approved: true });
      if (done.instance.status !== 'end')
        throw new Error(`bpmn-server instance ${id} is ${done.instance.status}`);
    },
    async startWaiting() {
      const started = await ready().engine.start(FLOW_KEY, { grade: 1 });
      if (started.instance.status !== 'running')
        throw new Error(`bpmn-server instance ${started.instance.id} is ${started.instance.status}`);
    },
    async releaseOwnLogs() {
      // BPMNServer's logger keeps every message it was given, for as long as the server runs.
      const kept = ready().logger.get().length;
      ready().logger.clear();
      return `${kept} messages of its server logger`;
    },
    async close() {
      await server?.dataStore.db.client?.close();
      await server?.definitions.db.client?.close();
    },
  };
}
