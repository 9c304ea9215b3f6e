/**
 * Loopback peers for preplan's outside channels while the plan bench runs: an HTTP sink for the
 * robots, webhooks and the publication CMS (which answers with a URL), and an SMTP sink that
 * takes every mail. They count what arrives and keep nothing else, so they stay cheap.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Sinks {
  httpUrl: string;
  smtpUrl: string;
  counts(): { httpRequests: number; mails: number };
  close(): Promise<void>;
}

export async function startSinks(): Promise<Sinks> {
  let httpRequests = 0;
  let mails = 0;
  const http = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      httpRequests++;
      const body = request.url?.startsWith('/cms/publish')
        ? { url: `https://www.street.example/news/${httpRequests}` }
        : { errcode: 0, errmsg: 'ok' };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        mails++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  return {
    httpUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    smtpUrl: `smtp://bench:bench@127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    counts: () => ({ httpRequests, mails }),
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}

/** preplan's channels file pointing every channel at the sinks (as the plan tests' harness does). */
export function channelsFor(sinks: { httpUrl: string; smtpUrl: string }): Record<string, unknown> {
  const http = sinks.httpUrl;
  return {
    smtp: { url: sinks.smtpUrl, from: 'preplan <noreply@street.example>' },
    roleChannels: {
      leader: [{ type: 'wecom', url: `${http}/wecom/send?key=LEADER` }],
      deputy: [{ type: 'dingtalk', url: `${http}/dingtalk/send?access_token=DEPUTY`, secret: 'SECdeputy' }],
      office: [{ type: 'webhook', url: `${http}/oa/hook`, secret: 'office-key' }],
    },
    county: { email: ['xcb@county.example'], webhooks: [{ type: 'webhook', url: `${http}/county/inbox` }] },
    publication: { webhook: { url: `${http}/cms/publish` } },
    internal: {
      email: ['drill@street.example'],
      webhooks: [{ type: 'webhook', url: `${http}/internal/hook` }],
    },
    publicBaseUrl: 'https://preplan.street.example',
  };
}
