import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The body exactly as received (signatures are over these bytes). */
  rawBody: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: unknown;
  /** Date.now() when the whole request had arrived. */
  receivedAt: number;
}

export interface Reply {
  status?: number;
  body?: unknown;
  /** Answers only after this long (a slow system; lets a test kill the caller mid-call). */
  delayMs?: number;
}

export interface HttpPeer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  requestsTo(path: string): RecordedRequest[];
  /** Answers requests to `path` with this (default: 200 `{ errcode: 0, errmsg: 'ok' }`). */
  reply(path: string, reply: Reply): void;
  /** The next `times` requests to `path` get `status` (default 500), then the usual reply. */
  failFirst(path: string, times: number, status?: number): void;
  close(): Promise<void>;
}

/** A node:http server on loopback that records every request and answers as told per path. */
export async function startHttpPeer(): Promise<HttpPeer> {
  const requests: RecordedRequest[] = [];
  const replies = new Map<string, Reply>();
  const failures = new Map<string, { times: number; status: number }>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    // A caller that dies mid-request (a node killed) only ends this request.
    request.on('error', () => undefined);
    response.on('error', () => undefined);
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://peer');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      requests.push({
        method: request.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: request.headers,
        rawBody,
        body,
        receivedAt: Date.now(),
      });
      const failure = failures.get(url.pathname);
      let reply: Reply = replies.get(url.pathname) ?? { status: 200, body: { errcode: 0, errmsg: 'ok' } };
      if (failure && failure.times > 0) {
        failure.times--;
        reply = { status: failure.status, body: { error: 'failing as told' } };
      }
      const answer = (): void => {
        if (response.destroyed) return;
        response.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
        response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    reply(path, reply) {
      replies.set(path, reply);
    },
    failFirst(path, times, status = 500) {
      failures.set(path, { times, status });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
