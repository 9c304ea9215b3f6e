import type { HistoryEvent } from '../store/history-store.js';
import type { InstanceRecord } from '../store/instance-store.js';
import { GENESIS_HASH, eventHash } from '../engine/runtime/history-chain.js';

export type TamperKind = 'altered' | 'removed' | 'inserted';

export interface HistoryVerdict {
  instanceId: string;
  ok: boolean;
  events: number;
  /** The first event that does not fit, and what was done to it. */
  problem?: { seq: number; kind: TamperKind; detail: string };
}

const hashOf = (event: HistoryEvent) => {
  const { _id: _ignored, hash: _hash, ...body } = event;
  return eventHash(body);
};

/**
 * Checks one instance's history against its hash chain and against the head the instance
 * document keeps, and says which event was altered, removed or inserted. An event whose own
 * hash does not match its content was altered in place; a link that does not match means the
 * event before it was replaced (hash recomputed) or slipped in; a gap in the numbers, or a chain
 * shorter than the instance's head, means events were removed.
 */
export function verifyHistory(
  instance: Pick<InstanceRecord, '_id' | 'historySeq' | 'historyHead'>,
  events: HistoryEvent[],
): HistoryVerdict {
  const verdict = (problem?: HistoryVerdict['problem']): HistoryVerdict => ({
    instanceId: instance._id,
    ok: !problem,
    events: events.length,
    ...(problem ? { problem } : {}),
  });
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    const expected = i + 1;
    if (event.seq > expected)
      return verdict({
        seq: expected,
        kind: 'removed',
        detail: `events ${expected}–${event.seq - 1} are missing`,
      });
    if (event.seq < expected)
      return verdict({ seq: event.seq, kind: 'inserted', detail: `a second event numbered ${event.seq}` });
    if (hashOf(event) !== event.hash) {
      // Renumbered events keep their old hash: that tells an insertion or removal before them.
      if (hashOf({ ...event, seq: event.seq - 1 }) === event.hash)
        return verdict({
          seq: event.seq - 1,
          kind: 'inserted',
          detail: 'the events after it were renumbered',
        });
      if (hashOf({ ...event, seq: event.seq + 1 }) === event.hash)
        return verdict({ seq: event.seq, kind: 'removed', detail: 'the events after it were renumbered' });
      return verdict({ seq: event.seq, kind: 'altered', detail: 'its content does not match its hash' });
    }
    if (event.prevHash !== prev) {
      const beforePrevious = i >= 2 ? events[i - 2].hash : GENESIS_HASH;
      if (i >= 1 && event.prevHash === beforePrevious)
        return verdict({ seq: events[i - 1].seq, kind: 'inserted', detail: 'the next event links past it' });
      if (i >= 1)
        return verdict({
          seq: events[i - 1].seq,
          kind: 'altered',
          detail: 'replaced with a recomputed hash',
        });
      return verdict({ seq: event.seq, kind: 'altered', detail: 'it does not start the chain' });
    }
    prev = event.hash;
  }
  if (events.length < instance.historySeq)
    return verdict({
      seq: events.length + 1,
      kind: 'removed',
      detail: `the instance has ${instance.historySeq} events, ${instance.historySeq - events.length} at the end are missing`,
    });
  if (events.length > instance.historySeq)
    return verdict({
      seq: instance.historySeq + 1,
      kind: 'inserted',
      detail: 'events after the instance’s last one',
    });
  if (events.length > 0 && prev !== instance.historyHead)
    return verdict({
      seq: events.length,
      kind: 'altered',
      detail: 'the chain does not end where the instance says',
    });
  return verdict();
}
