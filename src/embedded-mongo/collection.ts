import type { Document } from 'bson';
import { CollectionIndex, type IndexKeys, type IndexSpec } from './collection-index.js';
import { valueKey } from './values.js';
import { ErrorCode, MongoCommandError } from './errors.js';

export interface StoredDocument {
  doc: Document;
  /** Serialized size, for BSON limits, compaction and stats. */
  bytes: number;
}

export const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/**
 * One collection's documents (by canonical `_id`) and secondary indexes. Every mutation checks
 * all unique indexes before it changes anything, so a refused write leaves no trace.
 */
export class Collection {
  readonly documents = new Map<string, StoredDocument>();
  readonly indexes = new Map<string, CollectionIndex>();
  liveBytes = 0;

  constructor(
    readonly database: string,
    readonly name: string,
    readonly options: Document = {},
  ) {}

  get namespace(): string {
    return `${this.database}.${this.name}`;
  }

  get(idKey: string): StoredDocument | undefined {
    return this.documents.get(idKey);
  }

  insert(doc: Document, bytes: number): void {
    const idKey = valueKey(doc._id);
    if (this.documents.has(idKey)) throw this.duplicateIdError(doc);
    const indexes = [...this.indexes.values()];
    const keys = indexes.map((index) => index.keysOf(doc));
    indexes.forEach((index, i) => index.checkUnique(doc, keys[i], idKey, this.namespace));
    indexes.forEach((index, i) => index.add(keys[i], idKey));
    this.documents.set(idKey, { doc, bytes });
    this.liveBytes += bytes;
  }

  /**
   * Replaces the document with the same `_id`; the caller guarantees `_id` did not change.
   * Indexes whose keys the change leaves alone are not touched.
   */
  replace(doc: Document, bytes: number): void {
    const idKey = valueKey(doc._id);
    const current = this.documents.get(idKey);
    if (!current) {
      this.insert(doc, bytes);
      return;
    }
    const changed: Array<{ index: CollectionIndex; before: IndexKeys | null; after: IndexKeys | null }> = [];
    for (const index of this.indexes.values()) {
      const before = index.keysOf(current.doc);
      const after = index.keysOf(doc);
      if (CollectionIndex.sameKeys(before, after)) continue;
      index.checkUnique(doc, after, idKey, this.namespace);
      changed.push({ index, before, after });
    }
    for (const { index, before, after } of changed) {
      index.remove(before, idKey);
      index.add(after, idKey);
    }
    this.documents.set(idKey, { doc, bytes });
    this.liveBytes += bytes - current.bytes;
  }

  remove(idKey: string): boolean {
    const current = this.documents.get(idKey);
    if (!current) return false;
    for (const index of this.indexes.values()) index.remove(index.keysOf(current.doc), idKey);
    this.documents.delete(idKey);
    this.liveBytes -= current.bytes;
    return true;
  }

  /** Builds the index over existing documents; refuses (and leaves nothing) on duplicates. */
  createIndex(spec: IndexSpec): void {
    const index = new CollectionIndex(spec);
    for (const [idKey, { doc }] of this.documents) {
      const keys = index.keysOf(doc);
      index.checkUnique(doc, keys, idKey, this.namespace);
      index.add(keys, idKey);
    }
    this.indexes.set(spec.name, index);
  }

  dropIndex(name: string): void {
    if (!this.indexes.delete(name))
      throw new MongoCommandError(ErrorCode.IndexNotFound, `index not found with name [${name}]`);
  }

  indexSpecs(): IndexSpec[] {
    return [ID_INDEX, ...[...this.indexes.values()].map((index) => index.spec)];
  }

  private duplicateIdError(doc: Document): MongoCommandError {
    return new MongoCommandError(
      ErrorCode.DuplicateKey,
      `E11000 duplicate key error collection: ${this.namespace} index: _id_ dup key: { _id: ${JSON.stringify(doc._id)} }`,
      { keyPattern: { _id: 1 }, keyValue: { _id: doc._id } },
    );
  }
}
