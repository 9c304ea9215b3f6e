import type { WecomChannel } from './channel-config.js';
import type { Message } from '../templates.js';
import { expectErrcodeZero, postJson } from './webhook.js';

/** WeCom's limit on a markdown message's content, in UTF-8 bytes. */
const MAX_BYTES = 4096;

function fit(content: string): string {
  if (Buffer.byteLength(content, 'utf8') <= MAX_BYTES) return content;
  let cut = content;
  while (Buffer.byteLength(`${cut}…`, 'utf8') > MAX_BYTES) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  return `${cut}…`;
}

/** A WeCom (企业微信) group robot: `{ msgtype: 'markdown', markdown: { content } }`. */
export async function sendWecom(
  channel: WecomChannel,
  message: Message,
  idempotencyKey: string,
): Promise<void> {
  const answer = await postJson(
    channel.url,
    { msgtype: 'markdown', markdown: { content: fit(message.markdown) } },
    { idempotencyKey },
  );
  expectErrcodeZero('WeCom', channel.url, answer);
}
