import os from 'node:os';
import type { Document } from 'bson';
import type { CommandHandler, CommandTable } from './context.js';
import { MAX_BSON_OBJECT_SIZE } from '../storage.js';
import { MAX_MESSAGE_SIZE } from '../wire-protocol.js';
import { ErrorCode, MongoCommandError } from '../errors.js';

/** MongoDB 6.0's wire version: new enough for current drivers, no features we lack are implied. */
export const MAX_WIRE_VERSION = 17;
const VERSION = '6.0.0-preplan-embedded';

// `topologyVersion` is left out on purpose: with it the driver switches to streaming monitoring.
const hello: CommandHandler = (_command, context) => ({
  helloOk: true,
  isWritablePrimary: true,
  ismaster: true,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  maxMessageSizeBytes: MAX_MESSAGE_SIZE,
  maxWriteBatchSize: 100_000,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId: context.connectionId,
  minWireVersion: 0,
  maxWireVersion: MAX_WIRE_VERSION,
  readOnly: false,
  ok: 1,
});

const buildInfo: CommandHandler = () => ({
  version: VERSION,
  gitVersion: 'preplan',
  versionArray: [6, 0, 0, 0],
  bits: 64,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ['preplan-journal'],
  javascriptEngine: 'none',
  ok: 1,
});

const noTransactions: CommandHandler = () => {
  throw new MongoCommandError(
    ErrorCode.IllegalOperation,
    'Transaction numbers are only allowed on a replica set member or mongos',
  );
};

const unsupported =
  (what: string): CommandHandler =>
  () => {
    throw new MongoCommandError(ErrorCode.NotImplemented, `${what} is not supported by the embedded server`);
  };

const ok: CommandHandler = () => ({ ok: 1 });

export const serverCommands: CommandTable = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  endSessions: ok,
  killSessions: ok,
  refreshSessions: ok,
  commitTransaction: noTransactions,
  abortTransaction: noTransactions,
  whatsmyuri: (_c, context) => ({ you: `${context.server.host}:${context.connectionId}`, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getParameter: (command: Document) =>
    command.featureCompatibilityVersion
      ? { featureCompatibilityVersion: { version: '6.0' }, ok: 1 }
      : { ok: 1 },
  getCmdLineOpts: (_c, context) => ({
    argv: process.argv,
    parsed: { net: { bindIp: context.server.host, port: context.server.port } },
    ok: 1,
  }),
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  hostInfo: () => ({
    system: {
      hostname: os.hostname(),
      numCores: os.cpus().length,
      memSizeMB: Math.round(os.totalmem() / 2 ** 20),
    },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    ok: 1,
  }),
  serverStatus: (_c, context) => ({
    host: os.hostname(),
    version: VERSION,
    process: 'preplan-embedded-mongo',
    pid: process.pid,
    uptime: Math.floor((Date.now() - context.server.startedAt.getTime()) / 1000),
    localTime: new Date(),
    storageEngine: { name: 'preplan-journal', persistent: context.storage.durable },
    metrics: { cursor: { open: { total: context.cursors.size } } },
    ok: 1,
  }),
  saslStart: unsupported('authentication'),
  authenticate: unsupported('authentication'),
  mapReduce: unsupported('mapReduce'),
  eval: unsupported('eval'),
  shutdown: unsupported('shutdown over the wire'),
};
