import { createHmac } from 'node:crypto';
import type { WebhookChannel } from './channel-config.js';
import type { Message } from '../templates.js';

/** How long any outside HTTP call may take before it counts as failed (and is retried). */
export const HTTP_TIMEOUT_MS = 10_000;

/** An endpoint as it may be logged or stored: without its query string (robot keys, tokens). */
export function endpointOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** The `X-Preplan-Signature` of a body: `sha256=` and the hex HMAC-SHA256 of its exact bytes. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export interface PostOptions {
  idempotencyKey: string;
  /** Signs the body with `X-Preplan-Signature`. */
  secret?: string;
}

/**
 * POSTs JSON and resolves with the JSON answer (`{}` for an empty one). A network error, a
 * timeout or a non-2xx answer throws, so the job retries; messages never show the query string.
 */
export async function postJson(url: string, body: unknown, options: PostOptions): Promise<unknown> {
  const payload = JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'idempotency-key': options.idempotencyKey,
  };
  if (options.secret) headers['x-preplan-signature'] = signBody(options.secret, payload);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: payload,
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new Error(`POST ${endpointOf(url)} failed: ${cause ?? (error as Error).message}`);
  }
  const answer = await response.text();
  if (!response.ok)
    throw new Error(`POST ${endpointOf(url)} answered ${response.status}: ${answer.slice(0, 200)}`);
  if (!answer.trim()) return {};
  try {
    return JSON.parse(answer) as unknown;
  } catch {
    throw new Error(`POST ${endpointOf(url)} answered ${response.status} with a body that is not JSON`);
  }
}

/** WeCom and DingTalk robots answer 200 with `errcode` 0, or another code saying why not. */
export function expectErrcodeZero(robot: string, url: string, answer: unknown): void {
  const { errcode, errmsg } = (answer ?? {}) as { errcode?: unknown; errmsg?: unknown };
  if (errcode !== 0)
    throw new Error(
      `${robot} robot ${endpointOf(url)} refused the message: errcode ${String(errcode)} ${String(errmsg ?? '')}`,
    );
}

/**
 * A generic webhook gets the message and the facts it is about (`data`: caseId, drill, a county
 * link…), signed when a secret is set.
 */
export async function sendWebhook(
  channel: WebhookChannel,
  message: Message,
  idempotencyKey: string,
  data: Record<string, unknown>,
): Promise<void> {
  const { template, subject, text, markdown } = message;
  await postJson(
    channel.url,
    { ...data, idempotencyKey, template, subject, text, markdown },
    { idempotencyKey, secret: channel.secret },
  );
}
