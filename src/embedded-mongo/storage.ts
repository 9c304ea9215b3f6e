import { serialize, calculateObjectSize, type Document } from 'bson';
import { Collection } from './collection.js';
import type { IndexSpec } from './collection-index.js';
import { Journal, type JournalRecord } from './journal.js';
import { ErrorCode, MongoCommandError } from './errors.js';
import { valueKey } from './values.js';

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

/**
 * The records a command produced. The dispatcher makes them durable before it replies, also
 * when the command fails part-way (an ordered insert that stops at a duplicate keeps the
 * documents before it).
 */
export type ChangeSet = JournalRecord[];

export interface StorageOptions {
  /** Directory for the journal; in memory when absent. */
  dataDir?: string;
  compactMinBytes?: number;
  log?: (message: string) => void;
}

const NAME_PATTERN = /^[^\0$/\\. "]+$/;

/** All databases and collections, and the only place that writes to the journal. */
export class Storage {
  private readonly databases = new Map<string, Map<string, Collection>>();
  private journal: Journal | null = null;

  static async open(options: StorageOptions = {}): Promise<Storage> {
    const storage = new Storage();
    if (options.dataDir) {
      storage.journal = await Journal.open(
        { dir: options.dataDir, compactMinBytes: options.compactMinBytes, log: options.log },
        (header, body) => storage.replay(header, body),
        () => storage.snapshot(),
        () => storage.snapshotSize(),
      );
    }
    return storage;
  }

  get durable(): boolean {
    return this.journal !== null;
  }

  commit(changes: ChangeSet): Promise<void> {
    return this.journal ? this.journal.append(changes) : Promise.resolve();
  }

  async close(): Promise<void> {
    await this.journal?.close();
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collections(database: string): Collection[] {
    return [...(this.databases.get(database)?.values() ?? [])];
  }

  collection(database: string, name: string): Collection | undefined {
    return this.databases.get(database)?.get(name);
  }

  /** The collection, created implicitly (as MongoDB does on first write) when missing. */
  ensureCollection(database: string, name: string, changes: ChangeSet): Collection {
    return this.collection(database, name) ?? this.createCollection(database, name, {}, changes);
  }

  createCollection(database: string, name: string, options: Document, changes: ChangeSet): Collection {
    validateNamespace(database, name);
    if (this.collection(database, name))
      throw new MongoCommandError(
        ErrorCode.NamespaceExists,
        `Collection ${database}.${name} already exists.`,
      );
    const collection = new Collection(database, name, options);
    let collections = this.databases.get(database);
    if (!collections) this.databases.set(database, (collections = new Map()));
    collections.set(name, collection);
    changes.push({ header: { op: 'c', db: database, c: name, o: options } });
    return collection;
  }

  dropCollection(database: string, name: string, changes: ChangeSet): boolean {
    const dropped = this.databases.get(database)?.delete(name) ?? false;
    if (dropped) changes.push({ header: { op: 'D', db: database, c: name } });
    return dropped;
  }

  dropDatabase(database: string, changes: ChangeSet): void {
    if (this.databases.delete(database)) changes.push({ header: { op: 'Z', db: database } });
  }

  insertDocument(collection: Collection, doc: Document, changes: ChangeSet): void {
    const body = this.encode(doc);
    collection.insert(doc, body ? body.length : calculateObjectSize(doc));
    changes.push(putRecord(collection, body));
  }

  replaceDocument(collection: Collection, doc: Document, changes: ChangeSet): void {
    const body = this.encode(doc);
    collection.replace(doc, body ? body.length : calculateObjectSize(doc));
    changes.push(putRecord(collection, body));
  }

  removeDocument(collection: Collection, doc: Document, changes: ChangeSet): void {
    if (collection.remove(valueKey(doc._id)))
      changes.push({ header: { op: 'r', db: collection.database, c: collection.name, id: doc._id } });
  }

  createIndex(collection: Collection, spec: IndexSpec, changes: ChangeSet): void {
    collection.createIndex(spec);
    changes.push({ header: { op: 'i', db: collection.database, c: collection.name, spec } });
  }

  dropIndex(collection: Collection, name: string, changes: ChangeSet): void {
    collection.dropIndex(name);
    changes.push({ header: { op: 'x', db: collection.database, c: collection.name, name } });
  }

  /** Serialized form when the journal needs it; a too-large document is refused either way. */
  private encode(doc: Document): Uint8Array | undefined {
    if (this.journal) {
      const body = serialize(doc);
      if (body.length > MAX_BSON_OBJECT_SIZE) throw tooLarge(body.length);
      return body;
    }
    const size = calculateObjectSize(doc);
    if (size > MAX_BSON_OBJECT_SIZE) throw tooLarge(size);
    return undefined;
  }

  private replay(header: Document, body?: Document): void {
    const ignored: ChangeSet = [];
    const collection = (): Collection => this.ensureCollection(header.db, header.c, ignored);
    switch (header.op) {
      case 'c':
        if (!this.collection(header.db, header.c))
          this.createCollection(header.db, header.c, header.o ?? {}, ignored);
        break;
      case 'p':
        if (body) collection().replace(body, calculateObjectSize(body));
        break;
      case 'r':
        collection().remove(valueKey(header.id));
        break;
      case 'i':
        collection().createIndex(header.spec as IndexSpec);
        break;
      case 'x':
        collection().indexes.delete(header.name);
        break;
      case 'D':
        this.databases.get(header.db)?.delete(header.c);
        break;
      case 'Z':
        this.databases.delete(header.db);
        break;
    }
  }

  private *snapshot(): Iterable<JournalRecord> {
    for (const [database, collections] of this.databases) {
      for (const collection of collections.values()) {
        yield { header: { op: 'c', db: database, c: collection.name, o: collection.options } };
        for (const index of collection.indexes.values())
          yield { header: { op: 'i', db: database, c: collection.name, spec: index.spec } };
        for (const { doc } of collection.documents.values()) yield putRecord(collection, serialize(doc));
      }
    }
  }

  /** What a snapshot of the live data would take in the journal, headers included. */
  private snapshotSize(): number {
    let total = 0;
    for (const collections of this.databases.values())
      for (const collection of collections.values()) {
        const header = calculateObjectSize(putRecord(collection, undefined).header);
        total +=
          collection.liveBytes + collection.documents.size * header + 64 * (collection.indexes.size + 1);
      }
    return total;
  }
}

function putRecord(collection: Collection, body: Uint8Array | undefined): JournalRecord {
  return { header: { op: 'p', db: collection.database, c: collection.name }, body };
}

function tooLarge(size: number): MongoCommandError {
  return new MongoCommandError(
    ErrorCode.BSONObjectTooLarge,
    `object to insert too large: size ${size} is over the limit of ${MAX_BSON_OBJECT_SIZE} bytes`,
  );
}

export function validateNamespace(database: string, name: string): void {
  if (!NAME_PATTERN.test(database) || database.length > 63)
    throw new MongoCommandError(ErrorCode.InvalidNamespace, `Invalid database name: '${database}'`);
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.includes('\0') ||
    name.startsWith('$') ||
    name.length > 200
  )
    throw new MongoCommandError(ErrorCode.InvalidNamespace, `Invalid collection name: '${String(name)}'`);
}
