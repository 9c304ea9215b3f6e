import type { DigestHead, DigestRecord, DigestStore } from '../store/digest-store.js';
import type { HistoryEvent, HistoryStore } from '../store/history-store.js';
import type { InstanceStore } from '../store/instance-store.js';
import { canonicalJson, eventHash, GENESIS_HASH } from '../engine/runtime/history-chain.js';
import { PreplanError } from '../errors.js';
import { sign, signatureMatches, type DigestKey, type DigestKeyring } from './digest-keys.js';
import { dayBounds, dayOf, isDay, lastSealableDay, nextDay, sealableFrom } from './digest-days.js';

export interface DigestDeps {
  digests: DigestStore;
  history: HistoryStore;
  instances: InstanceStore;
}

export interface SealResult {
  day: string;
  status: 'sealed' | 'already-sealed';
  heads: number;
}

/** What the MAC covers: everything in the record but the MAC itself, as canonical JSON. */
function signedContent(record: Omit<DigestRecord, 'mac'>): string {
  const heads = record.heads.map(({ instanceId, seq, hash }) => ({ instanceId, seq, hash }));
  return canonicalJson({ v: 1, day: record._id, heads, sealedAt: record.sealedAt, keyId: record.keyId });
}

/** Whether a stored digest carries the key's MAC; a record too mangled to serialise does not. */
function authentic(digest: DigestRecord, key: DigestKey): boolean {
  try {
    return signatureMatches(key, signedContent(digest), digest.mac);
  } catch {
    return false;
  }
}

/**
 * Seals one UTC day: the head (last event and its hash) of every instance whose history grew
 * that day, signed with the digest key. Sealing a sealed day changes nothing; a day is sealed
 * only once it has ended (and the grace after midnight has passed).
 */
export async function sealDay(
  deps: DigestDeps,
  keys: DigestKeyring,
  day: string,
  now: Date,
): Promise<SealResult> {
  const { start, end } = dayBounds(day);
  if (now < sealableFrom(day))
    throw new PreplanError(
      'conflict',
      `${day}（UTC）还没有结束，${sealableFrom(day).toISOString()} 之后才能封存`,
    );
  const existing = await deps.digests.byDay(day);
  if (existing) return { day, status: 'already-sealed', heads: existing.heads.length };
  // History a crash left in an instance's outbox is committed but not yet in the history
  // collection: write it out first (the runtime's own idempotent append), or the day's last
  // events of an instance nobody touches again would never be sealed.
  const pending = await deps.instances.withPendingOutbox(100_000);
  await deps.history.append(
    pending.flatMap((record) =>
      record.outbox.flatMap((entry) => (entry.kind === 'history' ? [entry.event] : [])),
    ),
  );
  const heads: DigestHead[] = (await deps.history.headsDated(start, end)).map(
    ({ instanceId, seq, hash }) => ({
      instanceId,
      seq,
      hash,
    }),
  );
  const unsigned = { _id: day, heads, sealedAt: now, keyId: keys.signing.id };
  const inserted = await deps.digests.insert({
    ...unsigned,
    mac: sign(keys.signing, signedContent(unsigned)),
  });
  return { day, status: inserted ? 'sealed' : 'already-sealed', heads: heads.length };
}

/**
 * Seals every ended day that has no digest yet, from the day of the oldest event up to
 * yesterday (days without events too: a gap between sealed days then always means a removal);
 * returns the days it sealed.
 */
export async function sealMissingDays(deps: DigestDeps, keys: DigestKeyring, now: Date): Promise<string[]> {
  const earliest = await deps.history.earliestAt();
  if (!earliest) return [];
  const sealed = new Set(await deps.digests.days());
  const last = lastSealableDay(now);
  const done: string[] = [];
  for (let day = dayOf(earliest); day <= last; day = nextDay(day)) {
    if (sealed.has(day)) continue;
    if ((await sealDay(deps, keys, day, now)).status === 'sealed') done.push(day);
  }
  return done;
}

export type DigestProblemKind = 'forged' | 'unknown-key' | 'chain-differs' | 'events-missing' | 'missing-day';

export interface DigestProblem {
  day: string;
  kind: DigestProblemKind;
  instanceId?: string;
  seq?: number;
  detail: string;
}

export interface DigestReport {
  ok: boolean;
  /** The key new digests are signed with. */
  keyId: string;
  digests: number;
  /** Instance heads checked against the stored history. */
  heads: number;
  problems: DigestProblem[];
  /** Ended days after the last digest that are not sealed yet (the scheduler is behind or off). */
  unsealed: { from: string; to: string; days: number } | null;
}

/**
 * Every prefix hash of an instance's chain recomputed from the events' content alone (stored
 * hashes and links are ignored): index i holds the hash after event i + 1, up to the first gap.
 */
function recomputedHeads(events: HistoryEvent[]): string[] {
  const hashes: string[] = [];
  let prev = GENESIS_HASH;
  for (const event of events) {
    if (event.seq !== hashes.length + 1) break;
    const { _id: _ignored, hash: _hash, prevHash: _prev, ...content } = event;
    prev = eventHash({ ...content, prevHash: prev });
    hashes.push(prev);
  }
  return hashes;
}

function countDays(from: string, to: string): number {
  return Math.round((dayBounds(to).start.getTime() - dayBounds(from).start.getTime()) / 86_400_000) + 1;
}

/**
 * Checks every digest: its MAC (with the key its key id names), then each instance head it
 * lists against the chain recomputed from the stored events. A chain rewritten after the day
 * was sealed, even with every hash and the instance's head recomputed, ends elsewhere at that
 * seq. Also reports days missing between sealed ones (a digest removed). `instanceIds` limits
 * the head checks (one case's instances); MACs and days are always checked.
 */
export async function verifyDigests(
  deps: DigestDeps,
  keys: DigestKeyring,
  now: Date,
  filter: { instanceIds?: Set<string> } = {},
): Promise<DigestReport> {
  const digests = await deps.digests.list();
  const problems: DigestProblem[] = [];
  const claims = new Map<string, Array<{ day: string; head: DigestHead }>>();
  for (const digest of digests) {
    const key = keys.byId.get(digest.keyId);
    if (!key) {
      problems.push({
        day: digest._id,
        kind: 'unknown-key',
        detail: `由密钥 ${digest.keyId} 签名，本节点没有这把密钥（当前密钥 ${keys.signing.id}；旧密钥请放在密钥文件的后续行）`,
      });
      continue;
    }
    if (!authentic(digest, key)) {
      problems.push({ day: digest._id, kind: 'forged', detail: '签名不符：摘要在封存后被改动或伪造' });
      continue;
    }
    for (const head of digest.heads) {
      if (filter.instanceIds && !filter.instanceIds.has(head.instanceId)) continue;
      const list = claims.get(head.instanceId) ?? [];
      list.push({ day: digest._id, head });
      claims.set(head.instanceId, list);
    }
  }
  let heads = 0;
  for (const [instanceId, list] of [...claims].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const recomputed = recomputedHeads(await deps.history.forInstance(instanceId));
    for (const { day, head } of list) {
      heads++;
      if (head.seq > recomputed.length)
        problems.push({
          day,
          kind: 'events-missing',
          instanceId,
          seq: head.seq,
          detail: `封存时有 ${head.seq} 个事件，现在连续的只有 ${recomputed.length} 个`,
        });
      else if (recomputed[head.seq - 1] !== head.hash)
        problems.push({
          day,
          kind: 'chain-differs',
          instanceId,
          seq: head.seq,
          detail: `按现存事件重算，第 ${head.seq} 个事件处的链头与封存时不同：历史在封存后被改写`,
        });
    }
  }
  // Days: none may be missing between the first (or the oldest event's) and the last sealed one.
  // Records named after no real, ended day (planted ones) are left out: they are forged anyway.
  const last = lastSealableDay(now);
  const sealedDays = digests.map((digest) => digest._id).filter((day) => isDay(day) && day <= last);
  const earliest = await deps.history.earliestAt();
  const firstDay = [...sealedDays.slice(0, 1), ...(earliest ? [dayOf(earliest)] : [])].sort()[0];
  const lastSealed = sealedDays[sealedDays.length - 1];
  const sealed = new Set(sealedDays);
  if (firstDay && lastSealed)
    for (let day = firstDay; day < lastSealed; day = nextDay(day))
      if (!sealed.has(day))
        problems.push({
          day,
          kind: 'missing-day',
          detail: '已封存的日子之间缺这一天的摘要（被删除，或从未封存）',
        });
  const from = lastSealed ? nextDay(lastSealed) : firstDay;
  const unsealed = from && from <= last ? { from, to: last, days: countDays(from, last) } : null;
  problems.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return {
    ok: problems.length === 0,
    keyId: keys.signing.id,
    digests: digests.length,
    heads,
    problems,
    unsealed,
  };
}
