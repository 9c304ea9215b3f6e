import { Long, calculateObjectSize, type Document } from 'bson';
import { ErrorCode, MongoCommandError } from './errors.js';

const DEFAULT_FIRST_BATCH = 101;
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  namespace: string;
  documents: Document[];
  position: number;
  lastUsed: number;
}

export interface CursorReply {
  cursor: { id: Long; ns: string; firstBatch?: Document[]; nextBatch?: Document[] };
  ok: 1;
}

/** Results not sent in the first batch wait here for `getMore`; idle ones expire as in mongod. */
export class CursorRegistry {
  private readonly open = new Map<number, OpenCursor>();
  private nextId = 1 + Math.floor(Math.random() * 1e9);

  private takeBatch(cursor: OpenCursor, batchSize: number): Document[] {
    const batch: Document[] = [];
    let bytes = 0;
    while (cursor.position < cursor.documents.length && (batchSize <= 0 || batch.length < batchSize)) {
      const doc = cursor.documents[cursor.position];
      bytes += calculateObjectSize(doc);
      if (batch.length > 0 && bytes > MAX_BATCH_BYTES) break;
      batch.push(doc);
      cursor.position++;
    }
    return batch;
  }

  /** The reply to find/aggregate: the first batch, and a cursor id when more remain. */
  first(
    namespace: string,
    documents: Document[],
    batchSize: number | undefined,
    singleBatch = false,
  ): CursorReply {
    const cursor: OpenCursor = { namespace, documents, position: 0, lastUsed: Date.now() };
    const firstBatch = this.takeBatch(cursor, batchSize ?? DEFAULT_FIRST_BATCH);
    let id = 0;
    if (!singleBatch && cursor.position < documents.length) {
      id = this.nextId++;
      this.open.set(id, cursor);
    }
    return { cursor: { id: Long.fromNumber(id), ns: namespace, firstBatch }, ok: 1 };
  }

  more(id: number, namespace: string, batchSize: number | undefined): CursorReply {
    const cursor = this.open.get(id);
    if (!cursor || cursor.namespace !== namespace)
      throw new MongoCommandError(ErrorCode.CursorNotFound, `cursor id ${id} not found`);
    cursor.lastUsed = Date.now();
    const nextBatch = this.takeBatch(cursor, batchSize ?? 0);
    let replyId = id;
    if (cursor.position >= cursor.documents.length) {
      this.open.delete(id);
      replyId = 0;
    }
    return { cursor: { id: Long.fromNumber(replyId), ns: namespace, nextBatch }, ok: 1 };
  }

  kill(ids: number[]): { killed: number[]; notFound: number[] } {
    const killed: number[] = [];
    const notFound: number[] = [];
    for (const id of ids) (this.open.delete(id) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  expireIdle(now = Date.now()): void {
    for (const [id, cursor] of this.open) if (now - cursor.lastUsed > IDLE_TIMEOUT_MS) this.open.delete(id);
  }

  get size(): number {
    return this.open.size;
  }
}
