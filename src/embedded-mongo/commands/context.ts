import type { Document } from 'bson';
import type { Storage, ChangeSet } from '../storage.js';
import type { CursorRegistry } from '../cursors.js';

export interface ServerInfo {
  host: string;
  port: number;
  startedAt: Date;
}

export interface CommandContext {
  database: string;
  storage: Storage;
  cursors: CursorRegistry;
  /** Journal records of this command; made durable before the reply is sent. */
  changes: ChangeSet;
  connectionId: number;
  server: ServerInfo;
}

export type CommandHandler = (command: Document, context: CommandContext) => Document;

export type CommandTable = Record<string, CommandHandler>;
