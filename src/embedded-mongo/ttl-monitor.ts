import type { Storage, ChangeSet } from './storage.js';
import { valuesAtPath } from './values.js';

const INTERVAL_MS = 60_000;

/** Removes documents past an index's `expireAfterSeconds`, once a minute as mongod does. */
export function startTtlMonitor(storage: Storage, log: (message: string) => void): () => void {
  const sweep = (): void => {
    const changes: ChangeSet = [];
    const now = Date.now();
    for (const database of storage.databaseNames()) {
      for (const collection of storage.collections(database)) {
        for (const index of collection.indexes.values()) {
          const seconds = index.spec.expireAfterSeconds;
          if (typeof seconds !== 'number' || index.fields.length !== 1) continue;
          const expired = [...collection.documents.values()]
            .map(({ doc }) => doc)
            .filter((doc) =>
              valuesAtPath(doc, index.fields[0]).some(
                (v) => v instanceof Date && v.getTime() + seconds * 1000 <= now,
              ),
            );
          for (const doc of expired) storage.removeDocument(collection, doc, changes);
        }
      }
    }
    storage.commit(changes).catch((error) => log(`embedded-mongo: TTL sweep failed: ${String(error)}`));
  };
  const timer = setInterval(sweep, INTERVAL_MS).unref();
  return () => clearInterval(timer);
}
