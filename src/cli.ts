import { pino } from 'pino';
import { loadConfig } from './config.js';
import { EmbeddedMongoServer } from './embedded-mongo/server.js';
import { runEmbeddedMongo } from './embedded-mongo/main.js';
import { startPreplanNode } from './app/preplan-node.js';

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
  log.info(
    { database: config.database, processes: node.deployed.length, scheduler: config.scheduler },
    'preplan is ready',
  );
  const stop = (): void => {
    node
      .stop()
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
