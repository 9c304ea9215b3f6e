import type { Document } from 'bson';
import { commands } from './commands/index.js';
import type { CommandContext, ServerInfo } from './commands/context.js';
import type { Storage } from './storage.js';
import type { CursorRegistry } from './cursors.js';
import { ErrorCode, MongoCommandError } from './errors.js';

export interface DispatcherDeps {
  storage: Storage;
  cursors: CursorRegistry;
  server: ServerInfo;
  log: (message: string) => void;
}

function isTransactional(body: Document): boolean {
  return body.txnNumber !== undefined || body.startTransaction !== undefined || body.autocommit !== undefined;
}

/**
 * Runs one command and turns every failure into a MongoDB error reply. What the command changed
 * is made durable before the reply leaves, whether it succeeded or not.
 */
export async function dispatch(
  deps: DispatcherDeps,
  database: string,
  body: Document,
  connectionId: number,
): Promise<Document> {
  const name = Object.keys(body)[0];
  const handler = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
  const context: CommandContext = { database, connectionId, changes: [], ...deps };
  let reply: Document;
  try {
    if (!handler) throw new MongoCommandError(ErrorCode.CommandNotFound, `no such command: '${name ?? ''}'`);
    if (isTransactional(body))
      throw new MongoCommandError(
        ErrorCode.IllegalOperation,
        'Transaction numbers are only allowed on a replica set member or mongos',
      );
    reply = handler(body, context);
  } catch (error) {
    if (error instanceof MongoCommandError) reply = error.toReply();
    else {
      deps.log(
        `embedded-mongo: command ${name} failed unexpectedly: ${(error as Error)?.stack ?? String(error)}`,
      );
      reply = new MongoCommandError(
        ErrorCode.InternalError,
        `internal error in ${name}: ${(error as Error)?.message ?? String(error)}`,
      ).toReply();
    }
  }
  await deps.storage.commit(context.changes);
  return reply;
}
