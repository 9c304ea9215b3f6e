import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import type { InstanceState } from '../types';

interface Entry {
  state?: InstanceState;
  error?: unknown;
}

const keyOf = (instanceId: string, seq: number) => `${instanceId}@${seq}`;

export interface StateAt {
  /** The state after the step; undefined while it is on its way (or failed). */
  state: InstanceState | undefined;
  error: unknown;
  retry(): void;
}

/**
 * The instance as it stood after event `seq`, from `GET /api/instances/:id/state?at=SEQ` (the
 * server folds the history; the browser does not). A history never changes below its last
 * event, so every answer is kept for the page's life, and the steps in `ahead` (the neighbours)
 * are fetched before they are asked for, so stepping back and forth does not wait.
 */
export function useStateAt(instanceId: string, seq: number, ahead: number[]): StateAt {
  const [entries, setEntries] = useState<ReadonlyMap<string, Entry>>(() => new Map());
  // Asked for and not answered yet: asked once, however often the page renders meanwhile.
  const asked = useRef(new Set<string>());
  const wanted = [seq, ...ahead].join(',');

  useEffect(() => {
    for (const at of wanted.split(',').map(Number)) {
      const key = keyOf(instanceId, at);
      if (entries.has(key) || asked.current.has(key)) continue;
      asked.current.add(key);
      const keep = (entry: Entry) => {
        asked.current.delete(key);
        setEntries((current) => new Map(current).set(key, entry));
      };
      // A failure is kept like an answer (no retrying in a loop); `retry` forgets it.
      api
        .get<InstanceState>(`/api/instances/${encodeURIComponent(instanceId)}/state?at=${at}`)
        .then((state) => keep({ state }))
        .catch((error: unknown) => keep({ error }));
    }
  }, [instanceId, wanted, entries]);

  const entry = entries.get(keyOf(instanceId, seq));
  const retry = useCallback(
    () =>
      setEntries((current) => {
        const next = new Map(current);
        next.delete(keyOf(instanceId, seq));
        return next;
      }),
    [instanceId, seq],
  );
  return { state: entry?.state, error: entry?.error, retry };
}
