import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
  /** The SMTP envelope: who the client said it is from and to. */
  envelope: { from: string; to: string[] };
  /** The user the client logged in as, if it did. */
  user?: string;
  parsed: ParsedMail;
  subject: string;
  text: string;
  messageId: string;
  header(name: string): string | undefined;
  /** Date.now() when the message had been received (before parsing). */
  receivedAt: number;
}

export interface SmtpPeer {
  /** `smtp://user:pass@127.0.0.1:<port>` */
  url: string;
  messages: ReceivedMail[];
  /** SMTP connections clients opened so far. */
  readonly connections: number;
  /** The next `times` RCPT TO for `address` are refused with 550. */
  refuse(address: string, times?: number): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback (no TLS, any login accepted) that keeps every message it
 * receives, parsed, so tests can look at subject, recipients and headers.
 */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const messages: ReceivedMail[] = [];
  const refusals = new Map<string, number>();
  let connections = 0;
  const server = new SMTPServer({
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      const left = refusals.get(address.address) ?? 0;
      if (left > 0) {
        refusals.set(address.address, left - 1);
        const error = Object.assign(new Error(`mailbox ${address.address} unavailable`), {
          responseCode: 550,
        });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      let receivedAt = Date.now();
      stream.once('end', () => (receivedAt = Date.now()));
      simpleParser(stream).then(
        (parsed) => {
          messages.push({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
            user: typeof session.user === 'string' ? session.user : undefined,
            parsed,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            messageId: parsed.messageId ?? '',
            header: (name) => {
              const value = parsed.headers.get(name.toLowerCase());
              return value === undefined ? undefined : String(value);
            },
            receivedAt,
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  // A client that drops its connection mid-session (a node killed while mailing) is an error
  // of that connection only; without a listener it would take the whole process down.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://preplan:secret@127.0.0.1:${port}`,
    messages,
    get connections() {
      return connections;
    },
    refuse(address, times = 1) {
      refusals.set(address, times);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
