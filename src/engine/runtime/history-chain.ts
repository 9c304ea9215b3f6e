import { createHash } from 'node:crypto';
import type { HistoryEvent } from '../../store/history-store.js';

export const GENESIS_HASH = '0'.repeat(64);

export type HistoryDraft = Omit<HistoryEvent, '_id' | 'instanceId' | 'seq' | 'prevHash' | 'hash'>;

/** JSON with sorted keys and dates as ISO strings, so a hash never depends on key order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function eventHash(event: Omit<HistoryEvent, '_id' | 'hash'>): string {
  const { prevHash, ...content } = event;
  return createHash('sha256').update(prevHash).update(canonicalJson(content)).digest('hex');
}

/** Numbers and chains drafts after the instance's current head. */
export function chainEvents(
  instanceId: string,
  drafts: HistoryDraft[],
  head: { seq: number; hash: string },
): { events: HistoryEvent[]; seq: number; hash: string } {
  let { seq, hash } = head;
  const events: HistoryEvent[] = [];
  for (const draft of drafts) {
    seq += 1;
    const body = storable({ instanceId, seq, ...draft, prevHash: hash });
    hash = eventHash(body);
    events.push({ _id: `${instanceId}:${seq}`, ...body, hash });
  }
  return { events, seq, hash };
}

/**
 * What the store gives back is what gets hashed: no undefined fields (the driver would store
 * them as null) and data as plain JSON.
 */
function storable<T extends Omit<HistoryEvent, '_id' | 'hash'>>(event: T): T {
  const out = Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined)) as T;
  if (out.data !== undefined) out.data = JSON.parse(JSON.stringify(out.data));
  return out;
}

export interface ChainProblem {
  seq: number;
  problem: 'altered' | 'missing' | 'out-of-order' | 'broken-link';
}

/** Checks an instance's stored chain and names the first event that does not fit. */
export function verifyChain(events: HistoryEvent[]): ChainProblem | null {
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (event.seq !== i + 1) return { seq: i + 1, problem: event.seq > i + 1 ? 'missing' : 'out-of-order' };
    if (event.prevHash !== prev) return { seq: event.seq, problem: 'broken-link' };
    const { _id: _ignored, hash, ...body } = event;
    if (eventHash(body) !== hash) return { seq: event.seq, problem: 'altered' };
    prev = hash;
  }
  return null;
}
