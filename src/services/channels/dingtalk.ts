import { createHmac } from 'node:crypto';
import type { DingtalkChannel } from './channel-config.js';
import type { Message } from '../templates.js';
import { expectErrcodeZero, postJson } from './webhook.js';

/**
 * DingTalk's robot signature (自定义机器人 加签): base64 of HMAC-SHA256 keyed with the secret
 * over `${timestamp}\n${secret}`, timestamp in ms (DingTalk refuses one more than an hour off).
 * It goes URL-encoded into the `sign` query parameter, next to `timestamp`.
 */
export function dingtalkSign(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/** The robot's URL with `timestamp` and `sign` added (URLSearchParams does the URL-encoding). */
export function signedDingtalkUrl(url: string, secret: string, timestamp: number): string {
  const signed = new URL(url);
  signed.searchParams.set('timestamp', String(timestamp));
  signed.searchParams.set('sign', dingtalkSign(secret, timestamp));
  return signed.toString();
}

/**
 * A DingTalk (钉钉) group robot: `{ msgtype: 'markdown', markdown: { title, text } }`. The
 * signature uses the wall clock, which DingTalk checks, not preplan's (possibly virtual) clock.
 */
export async function sendDingtalk(
  channel: DingtalkChannel,
  message: Message,
  idempotencyKey: string,
  timestamp = Date.now(),
): Promise<void> {
  const url = channel.secret ? signedDingtalkUrl(channel.url, channel.secret, timestamp) : channel.url;
  const answer = await postJson(
    url,
    { msgtype: 'markdown', markdown: { title: message.subject, text: message.markdown } },
    { idempotencyKey },
  );
  expectErrcodeZero('DingTalk', channel.url, answer);
}
