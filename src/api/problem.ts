import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { PreplanError } from '../errors.js';

const TITLES: Record<number, string> = {
  400: '请求无效',
  401: '需要登录',
  403: '无权操作',
  404: '不存在',
  408: '请求超时',
  409: '冲突',
  413: '请求体过大',
  415: '不支持的内容类型',
  422: '无法处理',
  429: '请求过于频繁',
  431: '请求头过大',
  500: '服务器内部错误',
  503: '服务暂不可用',
};

export interface ProblemFields {
  detail?: string;
  errors?: unknown[];
  [key: string]: unknown;
}

/** RFC 9457 problem details; `type` names the kind of problem in preplan's own vocabulary. */
export function sendProblem(res: Response, status: number, type: string, fields: ProblemFields = {}): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: `https://preplan.local/problems/${type}`,
      title: TITLES[status] ?? 'Error',
      status,
      ...fields,
      instance: res.req.originalUrl.split('?')[0],
      requestId: res.locals.requestId,
    });
}

/**
 * A whole HTTP response carrying a problem document, for requests Node's HTTP parser refuses
 * before Express sees them (a path with bytes no URL may hold, a head too large): they get the
 * same kind of answer as every other bad request instead of a bare status line.
 */
export function rawProblemResponse(status: number, type: string, detail: string): string {
  const body = JSON.stringify({
    type: `https://preplan.local/problems/${type}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
  });
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

export const notFound: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'not-found', { detail: `${req.method} ${req.originalUrl.split('?')[0]} 不存在` });
};

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/**
 * More field errors or diagram problems than anyone reads: a 200 KiB body built to fail 60,000
 * times got a 4 MiB answer. The first ones are listed and the rest counted.
 */
export const MAX_LISTED_PROBLEMS = 100;

/** Longest text kept in one listed problem: a problem may quote a 100,000-character id or expression. */
export const MAX_PROBLEM_TEXT = 300;

function clipped(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return value.length > MAX_PROBLEM_TEXT ? `${value.slice(0, MAX_PROBLEM_TEXT)}…` : value;
  if (depth > 3 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, MAX_LISTED_PROBLEMS).map((v) => clipped(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clipped(v, depth + 1)]));
}

/** `errors` and `problems` lists cut to their first ones, with `errorCount` / `problemCount` when cut. */
export function capped(fields: Record<string, unknown>): Record<string, unknown> {
  const result = { ...fields };
  for (const [list, count] of [
    ['errors', 'errorCount'],
    ['problems', 'problemCount'],
  ] as const) {
    const items = result[list];
    if (!Array.isArray(items)) continue;
    if (items.length > MAX_LISTED_PROBLEMS) result[count] = items.length;
    result[list] = items.slice(0, MAX_LISTED_PROBLEMS).map((item) => clipped(item));
  }
  return result;
}

/** Every error becomes a problem document; nothing internal (stack, driver message) leaks. */
export function errorHandler(log: (error: unknown, requestId: string) => void): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (res.headersSent) return;
    if (error instanceof PreplanError) {
      const { errors, ...details } = error.details as { errors?: unknown[] };
      sendProblem(
        res,
        error.status,
        error.kind,
        capped({ detail: error.message, ...details, ...(errors ? { errors } : {}) }),
      );
      return;
    }
    const parser = error as BodyParserError;
    if (parser.type === 'entity.too.large')
      return sendProblem(res, 413, 'too-large', { detail: '请求体超过大小限制' });
    if (parser.type === 'entity.parse.failed')
      return sendProblem(res, 400, 'malformed-json', { detail: '请求体不是合法的 JSON' });
    if (parser.type === 'unsupported.media')
      return sendProblem(res, 415, 'unsupported-media-type', { detail: '请求体须为 application/json' });
    if (parser.type === 'charset.unsupported' || parser.type === 'encoding.unsupported')
      return sendProblem(res, 415, 'unsupported-encoding', { detail: '不支持的字符集或编码' });
    // The router's own 400 for a path parameter that is not valid percent-encoding (not `expose`d).
    if (error instanceof URIError && parser.status === 400)
      return sendProblem(res, 400, 'bad-path', { detail: '路径中的百分号编码无效' });
    if (parser.expose && typeof parser.status === 'number' && parser.status < 500)
      return sendProblem(res, parser.status, 'bad-request', { detail: '请求无效' });
    log(error, String(res.locals.requestId));
    sendProblem(res, 500, 'internal', { detail: '服务器内部错误，已记录（请求号见 requestId）' });
  };
}
