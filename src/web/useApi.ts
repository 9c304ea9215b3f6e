import { useCallback, useEffect, useState } from 'react';
import { api } from './api';

export interface Loaded<T> {
  /** The last answer for this path (kept while a reload is on its way). */
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

interface Answer<T> {
  path: string;
  tick: number;
  data?: T;
  error?: unknown;
}

/** GET a path (null: nothing yet) and keep the answer; `reload` fetches again. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [answer, setAnswer] = useState<Answer<T> | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return;
    const controller = new AbortController();
    api
      .get<T>(path, { signal: controller.signal })
      .then((data) => setAnswer({ path, tick, data }))
      .catch((error: unknown) => {
        if ((error as Error).name !== 'AbortError') setAnswer({ path, tick, error });
      });
    return () => controller.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const current = answer && answer.path === path ? answer : null;
  return {
    data: current?.data,
    error: current?.error,
    loading: !current || current.tick !== tick,
    reload,
  };
}
