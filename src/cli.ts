import { pino } from 'pino';
import { loadConfig } from './config.js';
import { EmbeddedMongoServer } from './embedded-mongo/server.js';
import { runEmbeddedMongo } from './embedded-mongo/main.js';
import { startPreplanNode } from './app/preplan-node.js';
import { startPreplanServer } from './app/preplan-server.js';

const USAGE = `usage: preplan <command>

  serve          start a preplan node: store (embedded unless MONGODB_URI is set),
                 deploy processes/, scheduler for timers and service jobs
  mongo [...]    run the embedded MongoDB-compatible server on its own (see: preplan mongo --help)
`;

async function serve(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel, base: { service: 'preplan' } });
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
