/**
 * Every message that left the cluster, as the loopback peers counted it, against what the
 * store says was sent: each delivery record (one per job and target) and each publication must
 * have reached its peer, nothing may have reached a peer without a record, and a message that
 * arrived more than once must be explained by a kill: the node that sent the first copy died
 * holding the job (between the send and recording it), and the copy carries the same
 * idempotency key. Anything else is a violation.
 */
import type { Connection } from 'mongoose';
import type { SmtpPeer } from '../../test/support/smtp-peer.js';
import type { HttpPeer } from '../../test/support/http-peer.js';
import { killedHolding, type HoldSpan } from './lease-watch.js';

export interface PeerCheck {
  /** Distinct (job, target) messages the peers received. */
  messages: number;
  /** Copies beyond the first, each explained by a kill. */
  explainedRepeats: Array<{ key: string; target: string; copies: number; killed: string }>;
  /** Reply reminders and breach notices: timers' messages, received (distinct) and repeated. */
  reminders: { received: number; repeats: number };
  violations: string[];
}

interface Copy {
  key: string;
  target: string;
  at: number;
}

export interface PeerCheckInput {
  connection: Connection;
  smtp: SmtpPeer;
  http: HttpPeer;
  /** Kills: lease owner of the incarnation that died, and when. */
  kills: Array<{ leaseOwner?: string; at: number }>;
  /** Job id → when which lease owners were seen holding it. */
  spans: Map<string, HoldSpan[]>;
}

/** A webhook target as a delivery records it, reduced to its path (each channel has its own). */
const pathOf = (target: string) => target.replace(/^https?:\/\/[^/]+/, '').replace(/#.*$/, '');

export async function checkPeers(input: PeerCheckInput): Promise<PeerCheck> {
  const db = input.connection.db!;
  const violations: string[] = [];
  const expected = new Map<string, { template: string }>();
  for (const d of await db
    .collection('deliveries')
    .find({}, { projection: { idempotencyKey: 1, channel: 1, target: 1, template: 1 } })
    .toArray())
    expected.set(`${d.idempotencyKey}|${d.channel === 'email' ? d.target : pathOf(String(d.target))}`, {
      template: d.template,
    });
  for (const c of await db
    .collection('cases')
    .find({}, { projection: { publications: 1 } })
    .toArray())
    for (const p of (c.publications ?? []) as Array<{ id: string; via: string }>)
      if (p.via === 'channel') expected.set(`${p.id}|/cms/publish`, { template: 'publication' });

  const copies: Copy[] = [];
  for (const mail of input.smtp.messages)
    for (const to of mail.envelope.to)
      copies.push({
        key: mail.header('x-preplan-idempotency-key') ?? '',
        target: to.toLowerCase(),
        at: mail.receivedAt,
      });
  for (const request of input.http.requests)
    copies.push({
      key: String(request.headers['idempotency-key'] ?? ''),
      target: request.path,
      at: request.receivedAt,
    });

  const received = new Map<string, Copy[]>();
  for (const copy of copies) {
    const id = `${copy.key}|${copy.target}`;
    received.set(id, [...(received.get(id) ?? []), copy]);
  }
  for (const [id, { template }] of expected)
    if (!received.has(id)) violations.push(`lost: ${template} ${id} is recorded as sent but never arrived`);

  const explainedRepeats: PeerCheck['explainedRepeats'] = [];
  let reminders = 0;
  let reminderRepeats = 0;
  for (const [id, list] of received) {
    const [key, target] = [id.slice(0, id.lastIndexOf('|')), id.slice(id.lastIndexOf('|') + 1)];
    const record = expected.get(id);
    if (!record) {
      violations.push(
        `unrecorded: ${target} received ${key} (${list.length}×), which no delivery record names`,
      );
      continue;
    }
    const isReminder = record.template === 'reply-reminder' || record.template === 'reply-breach';
    if (isReminder) reminders++;
    if (list.length === 1) continue;
    if (isReminder) reminderRepeats += list.length - 1;
    const ordered = [...list].sort((a, b) => a.at - b.at);
    // Nodes that died holding the job between the first copy and the last.
    const dead = killedHolding(input.spans.get(key), input.kills, ordered[0].at - 1000, ordered.at(-1)!.at);
    if (dead.length >= list.length - 1)
      explainedRepeats.push({ key, target, copies: list.length, killed: dead.map((d) => d.owner).join(',') });
    else
      violations.push(
        `repeated: ${target} received ${key} ${list.length}× (${ordered.map((c) => c.at - ordered[0].at).join(', ')} ms ` +
          `after the first); holders seen: ${JSON.stringify(input.spans.get(key) ?? [])}, ` +
          `killed holding it in between: ${dead.map((d) => d.owner).join(', ') || 'none'}`,
      );
  }
  return {
    messages: received.size,
    explainedRepeats,
    reminders: { received: reminders, repeats: reminderRepeats },
    violations,
  };
}
