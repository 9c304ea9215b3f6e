import type { Duplex } from 'node:stream';
import { rawProblemResponse } from './problem.js';

interface ClientError extends Error {
  code?: string;
}

/** The statuses Node's own answer would have had, by the parser's error code. */
const STATUS: Record<string, [status: number, type: string, detail: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers-too-large', '请求头超过大小限制'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'too-large', '请求体超过大小限制'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'timeout', '请求未在时限内发完'],
};

/**
 * The server's `clientError` listener: a request the HTTP parser cannot read (bytes outside
 * what a URL may hold, a head too large, a broken chunked body) is answered with a problem
 * document, as Express would answer it, rather than Node's bare `400 Bad Request`. When an
 * answer is already under way, or the peer has gone, the socket is only closed.
 */
export function answerClientError(error: ClientError, socket: Duplex): void {
  // Node's own handler looks at the response in flight the same way (keep-alive sockets have
  // written earlier answers, so bytes written says nothing).
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, type, detail] = STATUS[error.code ?? ''] ?? [
    400,
    'bad-request',
    '请求无法解析（路径或请求头格式错误）',
  ];
  socket.end(rawProblemResponse(status, type, detail));
}
