import type { SmtpPeer } from './smtp-peer.js';
import type { HttpPeer } from './http-peer.js';

/** The county's inbox in the channels below. */
export const COUNTY_EMAIL = 'xcb@county.example';

/**
 * A channels file (config/channels.example.json's shape) pointing every outside channel at the
 * loopback peers: mail at the SMTP peer; WeCom and DingTalk robots, the office's webhook, the
 * county inbox, the publication CMS and the internal hook at the HTTP peer.
 */
export function peerChannels(
  smtp: SmtpPeer,
  http: HttpPeer,
  options: { publication?: boolean } = {},
): Record<string, unknown> {
  return {
    smtp: { url: smtp.url, from: 'preplan <noreply@street.example>' },
    roleChannels: {
      leader: [{ type: 'wecom', url: `${http.url}/wecom/send?key=LEADER` }],
      deputy: [
        { type: 'dingtalk', url: `${http.url}/dingtalk/send?access_token=DEPUTY`, secret: 'SECdeputy' },
      ],
      office: [{ type: 'webhook', url: `${http.url}/oa/hook`, secret: 'office-key' }],
    },
    county: { email: [COUNTY_EMAIL], webhooks: [{ type: 'webhook', url: `${http.url}/county/inbox` }] },
    ...(options.publication === false
      ? {}
      : { publication: { webhook: { url: `${http.url}/cms/publish` } } }),
    internal: {
      email: ['drill@street.example'],
      webhooks: [{ type: 'webhook', url: `${http.url}/internal/hook` }],
    },
    publicBaseUrl: 'https://preplan.street.example',
  };
}
