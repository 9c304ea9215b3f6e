import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { Message } from '../templates.js';
import { HTTP_TIMEOUT_MS } from './webhook.js';

export interface SmtpSettings {
  /** `smtp://user:pass@host:587` or `smtps://…:465`. */
  url: string;
  /** `preplan <noreply@example.gov.cn>` */
  from: string;
}

/**
 * The Message-ID of every mail sent for one idempotency key: a retried send carries the same
 * one, so mail systems and readers can tell a repeat. The domain is the sender's.
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'preplan.invalid';
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<preplan.${hash}@${domain}>`;
}

export interface Mailer {
  send(to: string, message: Message, idempotencyKey: string): Promise<void>;
  close(): void;
}

/**
 * An SMTP mailer (nodemailer) for one batch of messages; close it when the batch is done. The
 * batch's mails go over one connection: a fast report to a leading group is several mails, and
 * each new connection waits for the server's greeting (mail servers hold it back on purpose to
 * catch clients that talk too soon: 100 ms for the smtp-server package, seconds for some).
 */
export function createMailer(smtp: SmtpSettings): Mailer {
  const transport = createTransport({
    url: smtp.url,
    pool: true,
    maxConnections: 1,
    connectionTimeout: HTTP_TIMEOUT_MS,
    greetingTimeout: HTTP_TIMEOUT_MS,
    socketTimeout: HTTP_TIMEOUT_MS,
  });
  return {
    async send(to, message, idempotencyKey) {
      const info = await transport.sendMail({
        from: smtp.from,
        to,
        subject: message.subject,
        text: message.text,
        messageId: messageIdFor(idempotencyKey, smtp.from),
        headers: { 'X-Preplan-Idempotency-Key': idempotencyKey },
      });
      if (info.rejected.length > 0) throw new Error(`SMTP server refused ${to}: ${info.response}`);
    },
    close() {
      transport.close();
    },
  };
}
