import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';

const MAX_BATCH = 500;

interface Waiting<T> {
  operation: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Writes to one collection that share round trips: while a batch is on its way to the server,
 * the writes that arrive meanwhile wait for it and then go together as one bulk write. An
 * idle connection sends a write at once, so nothing waits longer than the batch before it;
 * under load, concurrent commands pay one round trip per batch instead of one each (every
 * round trip costs a socket write and a wake-up on both sides, most of a command's store cost).
 *
 * Each caller's promise settles with its batch; a failed batch fails all its callers, and
 * their writes are repeated by whoever repairs them (every write batched here is idempotent).
 */
export class WriteBatch<T extends Document> {
  private queue: Array<Waiting<AnyBulkWriteOperation<T>>> = [];
  private sending = false;

  /**
   * `ordered` keeps a batch in arrival order and stops it at a failure; unordered batches go on
   * past failures, and `tolerated` names the errors (by code) that count as done (a duplicate
   * insert of an idempotent write).
   */
  constructor(
    private readonly collection: () => Collection<T>,
    private readonly options: { ordered: boolean; tolerated?: number[] },
  ) {}

  write(operation: AnyBulkWriteOperation<T>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ operation, resolve, reject });
      // From the next microtask, so the writes a caller makes together (one outbox) go together.
      if (!this.sending) {
        this.sending = true;
        queueMicrotask(() => void this.send());
      }
    });
  }

  private async send(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.collection().bulkWrite(
          batch.map((waiting) => waiting.operation),
          { ordered: this.options.ordered },
        );
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        if (this.onlyTolerated(error)) for (const waiting of batch) waiting.resolve();
        else for (const waiting of batch) waiting.reject(error);
      }
    }
    this.sending = false;
  }

  private onlyTolerated(error: unknown): boolean {
    const tolerated = this.options.tolerated;
    if (!tolerated) return false;
    const { code, writeErrors } = error as { code?: number; writeErrors?: unknown };
    // The driver gives one write error as itself and several as an array.
    const errors = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as Array<{
      code?: number;
    }>;
    if (errors.length > 0) return errors.every((e) => e.code !== undefined && tolerated.includes(e.code));
    return code !== undefined && tolerated.includes(code);
  }
}
