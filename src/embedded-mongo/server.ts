import net from 'node:net';
import { Storage } from './storage.js';
import { CursorRegistry } from './cursors.js';
import { dispatch, type DispatcherDeps } from './dispatcher.js';
import {
  HEADER_SIZE,
  MAX_MESSAGE_SIZE,
  OpCode,
  encodeReply,
  parseMessage,
  readHeader,
} from './wire-protocol.js';
import { ErrorCode, MongoCommandError } from './errors.js';
import { startTtlMonitor } from './ttl-monitor.js';

export interface EmbeddedMongoOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: the server has no authentication. */
  host?: string;
  /** Journal directory; in memory when absent. */
  dataDir?: string;
  compactMinBytes?: number;
  log?: (message: string) => void;
}

/** A MongoDB-wire-compatible server for mongoose and the official driver. */
export class EmbeddedMongoServer {
  private readonly sockets = new Set<net.Socket>();
  private nextConnectionId = 1;
  private stopTimers: () => void = () => {};

  private constructor(
    private readonly tcp: net.Server,
    private readonly deps: DispatcherDeps,
  ) {}

  static async start(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongoServer> {
    const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
    const storage = await Storage.open({
      dataDir: options.dataDir,
      compactMinBytes: options.compactMinBytes,
      log,
    });
    const host = options.host ?? '127.0.0.1';
    const tcp = net.createServer();
    const deps: DispatcherDeps = {
      storage,
      cursors: new CursorRegistry(),
      server: { host, port: 0, startedAt: new Date() },
      log,
    };
    const server = new EmbeddedMongoServer(tcp, deps);
    tcp.on('connection', (socket) => server.accept(socket));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(options.port ?? 0, host, () => resolve());
    });
    deps.server.port = (tcp.address() as net.AddressInfo).port;
    const ttl = startTtlMonitor(storage, log);
    const cursorSweep = setInterval(() => deps.cursors.expireIdle(), 60_000).unref();
    server.stopTimers = () => {
      ttl();
      clearInterval(cursorSweep);
    };
    return server;
  }

  get port(): number {
    return this.deps.server.port;
  }

  get host(): string {
    return this.deps.server.host;
  }

  get uri(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `mongodb://${host}:${this.port}/`;
  }

  get durable(): boolean {
    return this.deps.storage.durable;
  }

  async stop(): Promise<void> {
    this.stopTimers();
    const closed = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    await this.deps.storage.close();
  }

  private accept(socket: net.Socket): void {
    const connectionId = this.nextConnectionId++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let chain = Promise.resolve();
    let hangingUp = false;
    const send = (reply: Buffer): void => {
      if (!socket.destroyed && !socket.writableEnded) socket.write(reply);
    };

    socket.on('data', (chunk: Buffer) => {
      if (hangingUp) return;
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= 4) {
        const head = pending.length === 1 ? pending[0] : Buffer.concat(pending);
        pending = [head];
        const length = head.readInt32LE(0);
        if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
          // The stream cannot be re-framed after a bad length: answer once, then hang up.
          const requestId = head.length >= 8 ? head.readInt32LE(4) : 0;
          const error = new MongoCommandError(
            ErrorCode.ProtocolError,
            `message length ${length} is outside the allowed range ${HEADER_SIZE}..${MAX_MESSAGE_SIZE}`,
          );
          // Messages already framed are answered first; nothing that arrives later is run.
          hangingUp = true;
          chain = chain.then(() => {
            send(encodeReply(OpCode.MSG, requestId, error.toReply()));
            socket.end(() => socket.destroy());
          });
          pending = [];
          pendingBytes = 0;
          return;
        }
        if (pendingBytes < length) break;
        const message = head.subarray(0, length);
        const rest = head.subarray(length);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
        chain = chain.then(() => this.handle(message, connectionId, send));
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private async handle(message: Buffer, connectionId: number, send: (reply: Buffer) => void): Promise<void> {
    const header = readHeader(message);
    const replyOpCode = header.opCode === OpCode.QUERY ? OpCode.QUERY : OpCode.MSG;
    try {
      const request = parseMessage(message);
      const reply = await dispatch(this.deps, request.database, request.body, connectionId);
      if (!request.noReply) send(encodeReply(request.opCode, header.requestId, reply));
    } catch (error) {
      const failure =
        error instanceof MongoCommandError
          ? error
          : new MongoCommandError(ErrorCode.InternalError, `could not process message: ${String(error)}`);
      try {
        send(encodeReply(replyOpCode, header.requestId, failure.toReply()));
      } catch {
        // nothing sensible left to tell this client
      }
    }
  }
}
