import net from 'node:net';
import type { Connection } from 'mongoose';
import type { Config } from '../config.js';
import { connectStore } from '../store/connection.js';
import { EmbeddedMongoServer } from '../embedded-mongo/server.js';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The store for a one-off command (user admin): MONGODB_URI, else the embedded store of a
 * running node, else the embedded store opened on the data directory for the command's time
 * (its lock keeps a node from starting on it meanwhile).
 */
export async function openStoreForCommand(
  config: Config,
): Promise<{ connection: Connection; close(): Promise<void> }> {
  let embedded: EmbeddedMongoServer | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    if (await listening(config.embeddedMongoPort)) uri = `mongodb://127.0.0.1:${config.embeddedMongoPort}/`;
    else {
      embedded = await EmbeddedMongoServer.start({ port: 0, dataDir: config.dataDir, log: () => undefined });
      uri = embedded.uri;
    }
  }
  const connection = await connectStore(uri, config.database);
  return {
    connection,
    async close() {
      await connection.close();
      await embedded?.stop();
    },
  };
}
