/**
 * Sending generated requests and judging the answers. node:http rather than fetch, so that a GET
 * may carry a body, a path may hold raw bytes and `..` is not resolved on the client.
 */
import http from 'node:http';

export interface FuzzBody {
  bytes?: Buffer;
  contentType?: string;
  /** Short, for failure messages (the bytes may be megabytes). */
  label: string;
}

export interface FuzzRequest {
  method: string;
  /** Path and query as sent, already encoded (or deliberately not). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  label: string;
}

export interface FuzzReply {
  status: number;
  contentType: string;
  text: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** Sends one request; resolves with whatever came back, rejects only when no answer did. */
export function send(baseUrl: string, request: FuzzRequest): Promise<FuzzReply> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const outgoing = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.path,
        headers: {
          ...request.headers,
          ...(request.body ? { 'content-length': String(request.body.length) } : {}),
        },
        agent,
      },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    // A server that answers 413 may close before the whole body is written: the answer counts.
    outgoing.on('error', (error) => {
      if (!answered) reject(new Error(`no answer to ${request.label}: ${error.message}`));
    });
    outgoing.end(request.body);
  });
}

export function closeFuzzAgent(): void {
  agent.destroy();
}

/** A stack frame (`at fn (file:///…/x.ts:12:34)`), as a leaked stack trace would show it. */
const STACK_FRAME = /\bat (?:\S+ )?\(?(?:file:\/\/|node:|\/)[^\s)]*:\d+:\d+\)?/;
const INTERNAL =
  /\b(?:TypeError|RangeError|ReferenceError|SyntaxError|MongoServerError|MongoError|BSONError|CastError|ValidationError)\b/;

/** A hundred field errors fit in well under this; anything longer amplifies whoever sent it. */
const MAX_PROBLEM_BYTES = 64 * 1024;

/**
 * What is wrong with a 4xx answer, or null: a problem document (RFC 9457) with the answer's own
 * status, nothing of the server's insides.
 */
export function problemFault(reply: FuzzReply, sent: string): string | null {
  if (!/^application\/problem\+json/.test(reply.contentType))
    return `content-type ${reply.contentType || '(none)'}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(reply.text) as Record<string, unknown>;
  } catch {
    return 'not JSON';
  }
  if (typeof body.type !== 'string' || !/^https:\/\/preplan\.local\/problems\/[a-z-]+$/.test(body.type))
    return 'no problem type';
  if (body.status !== reply.status) return `status ${String(body.status)} in the body`;
  if (typeof body.title !== 'string' || typeof body.detail !== 'string') return 'no title or detail';
  if (/"stack"\s*:/.test(reply.text)) return 'a stack field';
  if (reply.text.length > MAX_PROBLEM_BYTES) return `${reply.text.length} bytes: a refusal should be short`;
  // Input is echoed in places (`instance`, an id in `detail`); only what the request did not hold counts.
  const fields = reply.text.replace(/"instance":"(?:[^"\\]|\\.)*"/, '');
  if (STACK_FRAME.test(fields) && !STACK_FRAME.test(sent)) return 'a stack frame';
  if (INTERNAL.test(fields) && !INTERNAL.test(sent)) return 'an internal error name';
  return null;
}
