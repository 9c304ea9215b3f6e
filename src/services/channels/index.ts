import { createHash } from 'node:crypto';
import type { ChannelGroup, Channel } from './channel-config.js';
import type { ServiceCall, ServiceDeps } from '../service-types.js';
import type { Message } from '../templates.js';
import { deliveryId, type DeliveryChannel } from '../../store/delivery-store.js';
import { createMailer, type Mailer } from './email.js';
import { endpointOf, sendWebhook } from './webhook.js';
import { sendWecom } from './wecom.js';
import { sendDingtalk } from './dingtalk.js';

/** Someone or something a message goes to: an e-mail address or a robot/webhook. */
export type Target = { kind: 'email'; address: string } | { kind: 'channel'; channel: Channel };

export function groupTargets(group: ChannelGroup): Target[] {
  return [
    ...group.email.map((address): Target => ({ kind: 'email', address })),
    ...group.webhooks.map((channel): Target => ({ kind: 'channel', channel })),
  ];
}

/**
 * How a target is recorded: the address, or the URL without its query string (robot keys stay
 * out of the database) plus a short hash of the whole URL, since WeCom and DingTalk robots
 * differ only in their query string.
 */
export function targetName(target: Target): { channel: DeliveryChannel; name: string } {
  if (target.kind === 'email') return { channel: 'email', name: target.address.trim().toLowerCase() };
  const { url, type } = target.channel;
  const endpoint = endpointOf(url);
  const hasQuery = new URL(url).search !== '';
  const name = hasQuery
    ? `${endpoint}#${createHash('sha256').update(url).digest('hex').slice(0, 12)}`
    : endpoint;
  return { channel: type, name };
}

export interface DeliveryOutcome {
  /** Sent in this attempt. */
  sent: number;
  /** Already sent by an earlier attempt of the same job, so not sent again. */
  skipped: number;
  /** No way to reach them (an e-mail address while no SMTP server is configured). */
  unreachable: number;
}

type DeliveryDeps = Pick<ServiceDeps, 'channels' | 'deliveries' | 'clock' | 'log'>;

async function send(
  target: Target,
  message: Message,
  call: ServiceCall,
  data: Record<string, unknown>,
  mailer: () => Mailer,
): Promise<void> {
  if (target.kind === 'email') return mailer().send(target.address, message, call.idempotencyKey);
  const { channel } = target;
  switch (channel.type) {
    case 'wecom':
      return sendWecom(channel, message, call.idempotencyKey);
    case 'dingtalk':
      return sendDingtalk(channel, message, call.idempotencyKey);
    case 'webhook':
      return sendWebhook(channel, message, call.idempotencyKey, data);
  }
}

/**
 * Sends one message to each target once per job: a target recorded as sent by an earlier
 * attempt is skipped, and each is recorded right after it went out. Tries every target, then
 * throws if any failed (the job retries, reaching only those still missing).
 */
export async function deliver(
  deps: DeliveryDeps,
  call: ServiceCall,
  targets: Target[],
  message: Message,
  data: Record<string, unknown> = {},
): Promise<DeliveryOutcome> {
  const outcome: DeliveryOutcome = { sent: 0, skipped: 0, unreachable: 0 };
  const failures: string[] = [];
  const drill = call.variables.drill === true;
  const caseId = typeof call.variables.caseId === 'string' ? call.variables.caseId : undefined;
  const seen = new Set<string>();
  let mailer: Mailer | undefined;
  const smtp = deps.channels.smtp;
  try {
    for (const target of targets) {
      const { channel, name } = targetName(target);
      if (seen.has(name)) continue;
      seen.add(name);
      if (await deps.deliveries.wasSent(deliveryId(call.idempotencyKey, name))) {
        outcome.skipped++;
        continue;
      }
      if (target.kind === 'email' && !smtp) {
        outcome.unreachable++;
        deps.log?.(`${call.topic}: no SMTP server configured, ${name} not mailed "${message.subject}"`);
        continue;
      }
      try {
        await send(target, message, call, { caseId, drill, ...data }, () => (mailer ??= createMailer(smtp!)));
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
        continue;
      }
      await deps.deliveries.recordSent({
        idempotencyKey: call.idempotencyKey,
        caseId,
        instanceId: call.instanceId,
        topic: call.topic,
        template: message.template,
        channel,
        target: name,
        subject: message.subject,
        sentAt: deps.clock.now(),
        drill,
      });
      outcome.sent++;
    }
  } finally {
    mailer?.close();
  }
  if (failures.length > 0)
    throw new Error(
      `${call.topic} "${message.template}": ${failures.length} of ${seen.size} deliveries failed ` +
        `(the rest are recorded and will not be repeated): ${failures.join('; ')}`,
    );
  return outcome;
}
