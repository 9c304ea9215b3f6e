import { pino } from 'pino';
import { loadConfig } from './config.js';
import { EmbeddedMongoServer } from './embedded-mongo/server.js';
import { runEmbeddedMongo } from './embedded-mongo/main.js';
import { startPreplanNode } from './app/preplan-node.js';
import { startPreplanServer } from './app/preplan-server.js';
import { openStoreForCommand } from './app/store-access.js';
import { serveWebUi } from './app/web-ui.js';
import { openStores } from './store/index.js';
import { UserAdmin } from './auth/user-admin.js';
import { randomPassword } from './auth/passwords.js';
import { systemClock } from './engine/clock.js';
import { verifyAll } from './audit/verify-all.js';
import { replayInstance } from './audit/replay.js';
import { DefinitionCache } from './engine/runtime/definition-cache.js';
import { sealCommand, verifyDigestsCommand } from './app/digest-commands.js';
import { loadDigestKeys } from './audit/digest-keys.js';

const USAGE = `usage: preplan <command>

  serve                       start a preplan node: store (embedded unless MONGODB_URI is set),
                              deploy processes/, scheduler, and the API and web UI (PREPLAN_PORT)
  users list                  list users and their roles
  users add ID ROLE[,ROLE] [DISPLAY NAME]
                              create a user; prints a generated password once
  users password ID           set a new generated password; prints it once
  users remove-demo           remove the demo accounts made on the first start
  audit verify [--case ID]    check every instance's hash-chained history (or one case's);
                              names the event altered, removed or inserted; and, with a digest
                              key, every signed daily digest against the history; exit 1 if any
  audit digest [--day YYYY-MM-DD]
                              seal the daily digest of chain heads (UTC days): that day, or every
                              ended day still unsealed up to yesterday; needs PREPLAN_DIGEST_KEY
  audit replay INSTANCE       re-run an instance's recorded inputs through its own diagram version
                              on virtual time; names the first step that differs; exit 1 if any
  mongo [...]                 run the embedded MongoDB-compatible server on its own (see: preplan mongo --help)
`;

async function auditCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'replay') return replayCommand(rest[0]);
  if (sub === 'digest') return digestCommand(rest);
  if (sub !== 'verify') throw new Error(`unknown audit command "${sub ?? ''}"\n${USAGE}`);
  const caseAt = rest.indexOf('--case');
  const caseId = caseAt >= 0 ? rest[caseAt + 1] : undefined;
  if (caseAt >= 0 && !caseId) throw new Error('usage: preplan audit verify [--case ID]');
  const config = loadConfig();
  const keys = loadDigestKeys(config);
  const store = await openStoreForCommand(config);
  try {
    const stores = await openStores(store.connection);
    const verdicts = await verifyAll(stores, { caseId });
    const bad = verdicts.filter((v) => !v.ok);
    for (const v of bad)
      process.stdout.write(
        `TAMPERED ${v.instanceId} event ${v.problem!.seq}: ${v.problem!.kind} (${v.problem!.detail})\n`,
      );
    process.stdout.write(
      `${verdicts.length} instance(s), ${verdicts.reduce((n, v) => n + v.events, 0)} events checked: ` +
        `${bad.length ? `${bad.length} tampered` : 'all intact'}\n`,
    );
    const instanceIds = caseId ? new Set(verdicts.map((v) => v.instanceId)) : undefined;
    const digestsAgree = await verifyDigestsCommand(stores, keys, instanceIds, (line) =>
      process.stdout.write(`${line}\n`),
    );
    if (bad.length || !digestsAgree) process.exitCode = 1;
  } finally {
    await store.close();
  }
}

async function digestCommand(args: string[]): Promise<void> {
  const config = loadConfig();
  const keys = loadDigestKeys(config);
  const store = await openStoreForCommand(config);
  try {
    await sealCommand(await openStores(store.connection), keys, args, (line) =>
      process.stdout.write(`${line}\n`),
    );
  } finally {
    await store.close();
  }
}

async function replayCommand(instanceId: string | undefined): Promise<void> {
  if (!instanceId) throw new Error('usage: preplan audit replay INSTANCE');
  const store = await openStoreForCommand(loadConfig());
  try {
    const stores = await openStores(store.connection);
    const record = await stores.instances.load(instanceId);
    if (!record) throw new Error(`instance ${instanceId} does not exist`);
    const definition = await new DefinitionCache(stores.definitions).get(record.definitionId);
    const result = await replayInstance(
      instanceId,
      definition,
      await stores.history.forInstance(instanceId),
      record.variables,
    );
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (!result.ok) process.exitCode = 1;
  } finally {
    await store.close();
  }
}

async function usersCommand(args: string[]): Promise<void> {
  const config = loadConfig();
  const store = await openStoreForCommand(config);
  try {
    const stores = await openStores(store.connection);
    const admin = new UserAdmin({ ...stores, clock: systemClock });
    const [sub, id, rolesArg, ...name] = args;
    switch (sub) {
      case 'list':
        for (const user of await stores.users.list())
          process.stdout.write(
            `${user._id.padEnd(24)} ${user.roles.join(',').padEnd(24)} ${user.active ? '' : 'inactive '}${user.demo ? 'demo' : ''}\n`,
          );
        return;
      case 'add': {
        if (!id || !rolesArg) throw new Error('usage: preplan users add ID ROLE[,ROLE] [DISPLAY NAME]');
        const { password } = await admin.create({
          id,
          roles: rolesArg.split(','),
          displayName: name.join(' ') || id,
        });
        process.stdout.write(`created ${id}; password (shown once): ${password}\n`);
        return;
      }
      case 'password': {
        if (!id) throw new Error('usage: preplan users password ID');
        const password = randomPassword();
        await admin.update(id, { password });
        process.stdout.write(`new password for ${id} (shown once): ${password}\n`);
        return;
      }
      case 'remove-demo': {
        const removed = await admin.removeDemoUsers();
        process.stdout.write(removed.length ? `removed ${removed.join(', ')}\n` : 'no demo accounts\n');
        return;
      }
      default:
        throw new Error(`unknown users command "${sub ?? ''}"\n${USAGE}`);
    }
  } finally {
    await store.close();
  }
}

async function serve(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel, base: { service: 'preplan', node: config.nodeName } });
  let store: EmbeddedMongoServer | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    store = await EmbeddedMongoServer.start({
      port: config.embeddedMongoPort,
      dataDir: config.dataDir,
      log: (message) => log.warn(message),
    });
    uri = store.uri;
    log.info({ uri, dataDir: config.dataDir }, 'embedded store listening (loopback only, no authentication)');
  }
  const node = await startPreplanNode({ ...config, mongodbUri: uri, log });
  const http = await startPreplanServer(node, {
    port: config.httpPort,
    host: config.httpHost,
    secureCookies: config.secureCookies,
    trustProxy: config.trustProxy,
    loginAttempts: config.loginAttempts,
    log,
    extra: serveWebUi(),
  });
  if (http.bootstrapped.length > 0) {
    // Shown once, on the console only: the store keeps nothing but argon2 hashes.
    const lines = http.bootstrapped.map(
      (u) => `  ${u.id.padEnd(22)} ${u.password}   ${u.roles.join(',')}${u.demo ? '  (demo)' : ''}`,
    );
    process.stdout.write(
      `\nFirst start: these accounts were created. Note the passwords now; they are not shown again.\n` +
        `${lines.join('\n')}\nRemove the demo accounts later with: npm run preplan -- users remove-demo\n\n`,
    );
  }
  log.info(
    {
      database: config.database,
      processes: node.deployed.length,
      scheduler: config.scheduler,
      // Job leases are held in this name (the node's name and a suffix new on every start).
      leaseOwner: node.runner.owner,
      url: http.url,
    },
    'preplan is ready',
  );
  const stop = (): void => {
    http
      .stop()
      .then(() => node.stop())
      .then(() => store?.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve();
    case 'mongo':
      await runEmbeddedMongo(rest);
      return;
    case 'users':
      return usersCommand(rest);
    case 'audit':
      return auditCommand(rest);
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(`preplan: unknown command "${command}"\n${USAGE}`);
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`preplan: ${error.message}\n`);
  process.exit(1);
});
