import { parseArgs } from 'node:util';
import { EmbeddedMongoServer } from './server.js';

const USAGE = `usage: embedded-mongo [--port 27017] [--data DIR] [--host 127.0.0.1 | --bind-all]

  --port N      TCP port (0 picks a free one; default 27017)
  --data DIR    keep data in an fsynced journal in DIR (default: in memory only)
  --host ADDR   address to listen on (default 127.0.0.1)
  --bind-all    listen on every interface; the server has NO authentication
`;

/** `npm run mongo` / `preplan mongo`: the embedded server on its own, for mongosh or Compass. */
export async function runEmbeddedMongo(argv: string[]): Promise<EmbeddedMongoServer> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '27017' },
      data: { type: 'string' },
      host: { type: 'string' },
      'bind-all': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, not ${values.port}`);
  const host = values['bind-all'] ? '0.0.0.0' : (values.host ?? '127.0.0.1');
  const server = await EmbeddedMongoServer.start({ port, host, dataDir: values.data });
  const storage = values.data ? `journal in ${values.data}` : 'in memory, nothing kept on exit';
  const exposure =
    host === '127.0.0.1' || host === '::1' || host === 'localhost'
      ? 'loopback only, no authentication'
      : `WARNING: listening on ${host} with NO authentication`;
  process.stdout.write(`embedded-mongo listening on ${server.uri} (${storage}; ${exposure})\n`);
  const shutdown = (): void => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return server;
}

if (process.argv[1] && /embedded-mongo\/main\.[jt]s$/.test(process.argv[1])) {
  runEmbeddedMongo(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`embedded-mongo: ${error.message}\n`);
    process.exit(1);
  });
}
