import { loadConfig } from './config.js';
import { EmbeddedMongoServer } from './embedded-mongo/server.js';
import { runEmbeddedMongo } from './embedded-mongo/main.js';

const USAGE = `usage: preplan <command>

  serve          start preplan (for now: the embedded store unless MONGODB_URI is set)
  mongo [...]    run the embedded MongoDB-compatible server on its own (see: preplan mongo --help)
`;

async function serve(): Promise<void> {
  const config = loadConfig();
  if (config.mongodbUri) {
    process.stdout.write(`preplan: using MongoDB at ${config.mongodbUri.replace(/\/\/[^@]*@/, '//***@')}\n`);
    return;
  }
  const store = await EmbeddedMongoServer.start({
    port: config.embeddedMongoPort,
    dataDir: config.dataDir,
  });
  process.stdout.write(
    `preplan: embedded store listening on ${store.uri} (journal in ${config.dataDir}; loopback only, no authentication)\n`,
  );
  const stop = (): void => {
    store.stop().then(
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
