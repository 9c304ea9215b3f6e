import type { Document } from 'bson';
import type { CommandContext, CommandHandler, CommandTable } from './context.js';
import type { Collection } from '../collection.js';
import type { IndexSpec } from '../collection-index.js';
import { ErrorCode, MongoCommandError, badValue, typeMismatch } from '../errors.js';
import { compileFilter } from '../query-executor.js';
import { valueKey } from '../values.js';

function collectionName(command: Document, name: string): string {
  const value = command[name];
  if (typeof value !== 'string') throw typeMismatch(`collection name must be a string, not ${typeof value}`);
  return value;
}

function namespaceNotFound(context: CommandContext, name: string): MongoCommandError {
  return new MongoCommandError(ErrorCode.NamespaceNotFound, `ns does not exist: ${context.database}.${name}`);
}

const create: CommandHandler = (command, context) => {
  const name = collectionName(command, 'create');
  const options: Document = {};
  for (const [key, value] of Object.entries(command))
    if (key !== 'create' && !key.startsWith('$') && key !== 'lsid' && key !== 'writeConcern')
      options[key] = value;
  context.storage.createCollection(context.database, name, options, context.changes);
  return { ok: 1 };
};

const drop: CommandHandler = (command, context) => {
  const name = collectionName(command, 'drop');
  const collection = context.storage.collection(context.database, name);
  const nIndexesWas = collection ? collection.indexSpecs().length : 0;
  context.storage.dropCollection(context.database, name, context.changes);
  return { ns: `${context.database}.${name}`, nIndexesWas, ok: 1 };
};

const dropDatabase: CommandHandler = (_command, context) => {
  context.storage.dropDatabase(context.database, context.changes);
  return { dropped: context.database, ok: 1 };
};

const listDatabases: CommandHandler = (command, context) => {
  const databases = context.storage.databaseNames().map((name) => {
    const sizeOnDisk = context.storage.collections(name).reduce((sum, c) => sum + c.liveBytes, 0);
    return { name, sizeOnDisk, empty: sizeOnDisk === 0 };
  });
  const filtered = command.filter
    ? databases.filter((db) => compileFilter(command.filter).test(db))
    : databases;
  if (command.nameOnly) return { databases: filtered.map(({ name }) => ({ name })), ok: 1 };
  return { databases: filtered, totalSize: filtered.reduce((sum, db) => sum + db.sizeOnDisk, 0), ok: 1 };
};

function collectionInfo(collection: Collection): Document {
  return {
    name: collection.name,
    type: 'collection',
    options: collection.options,
    info: { readOnly: false },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  };
}

const listCollections: CommandHandler = (command, context) => {
  let infos = context.storage.collections(context.database).map(collectionInfo);
  if (command.filter) {
    const filter = compileFilter(command.filter);
    infos = infos.filter((info) => filter.test(info));
  }
  if (command.nameOnly) infos = infos.map(({ name, type }) => ({ name, type }));
  return context.cursors.first(`${context.database}.$cmd.listCollections`, infos, command.cursor?.batchSize);
};

const listIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'listIndexes');
  const collection = context.storage.collection(context.database, name);
  if (!collection) throw namespaceNotFound(context, name);
  return context.cursors.first(
    `${context.database}.${name}`,
    collection.indexSpecs(),
    command.cursor?.batchSize,
  );
};

function validateIndexSpec(spec: unknown): IndexSpec {
  if (!spec || typeof spec !== 'object') throw typeMismatch('each index specification must be an object');
  const { key, name } = spec as Document;
  if (!key || typeof key !== 'object' || Object.keys(key).length === 0)
    throw new MongoCommandError(ErrorCode.BadValue, 'index specification needs a non-empty key pattern');
  if (typeof name !== 'string' || name.length === 0) throw badValue('index specification needs a name');
  for (const [field, direction] of Object.entries(key)) {
    const valid = direction === 1 || direction === -1 || typeof direction === 'string';
    if (!valid || field.length === 0 || field.startsWith('$'))
      throw new MongoCommandError(ErrorCode.BadValue, `bad index key pattern ${JSON.stringify(key)}`);
  }
  const clean: IndexSpec = { v: 2, ...(spec as Document), key, name };
  delete clean.ns;
  return clean;
}

const createIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'createIndexes');
  if (!Array.isArray(command.indexes) || command.indexes.length === 0)
    throw badValue('createIndexes needs a non-empty array of indexes');
  const specs = command.indexes.map(validateIndexSpec);
  const existed = context.storage.collection(context.database, name) !== undefined;
  const collection = context.storage.ensureCollection(context.database, name, context.changes);
  const numIndexesBefore = collection.indexSpecs().length;
  for (const spec of specs) {
    if (spec.name === '_id_' || valueKey(spec.key) === valueKey({ _id: 1 })) continue;
    const sameName = collection.indexes.get(spec.name);
    if (sameName) {
      if (valueKey(sameName.spec.key) !== valueKey(spec.key))
        throw new MongoCommandError(
          ErrorCode.IndexKeySpecsConflict,
          `An existing index has the same name as the requested index but a different key: ${spec.name}`,
        );
      if (Boolean(sameName.spec.unique) !== Boolean(spec.unique))
        throw new MongoCommandError(
          ErrorCode.IndexOptionsConflict,
          `An existing index has the same name as the requested index but different options: ${spec.name}`,
        );
      continue;
    }
    const sameKey = [...collection.indexes.values()].find(
      (index) =>
        valueKey(index.spec.key) === valueKey(spec.key) &&
        valueKey(index.spec.partialFilterExpression) === valueKey(spec.partialFilterExpression),
    );
    if (sameKey)
      throw new MongoCommandError(
        ErrorCode.IndexOptionsConflict,
        `Index already exists with a different name: ${sameKey.name}`,
      );
    context.storage.createIndex(collection, spec, context.changes);
  }
  return {
    numIndexesBefore,
    numIndexesAfter: collection.indexSpecs().length,
    createdCollectionAutomatically: !existed,
    ok: 1,
  };
};

const dropIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'dropIndexes');
  const collection = context.storage.collection(context.database, name);
  if (!collection) throw namespaceNotFound(context, name);
  const nIndexesWas = collection.indexSpecs().length;
  const target = command.index;
  let names: string[];
  if (target === '*') names = [...collection.indexes.keys()];
  else if (typeof target === 'string') names = [target];
  else if (Array.isArray(target)) names = target.map(String);
  else if (target && typeof target === 'object') {
    const match = [...collection.indexes.values()].find(
      (index) => valueKey(index.spec.key) === valueKey(target),
    );
    if (!match)
      throw new MongoCommandError(
        ErrorCode.IndexNotFound,
        `can't find index with key: ${JSON.stringify(target)}`,
      );
    names = [match.name];
  } else throw typeMismatch('dropIndexes needs an index name, names, key pattern or "*"');
  if (names.includes('_id_'))
    throw new MongoCommandError(ErrorCode.InvalidNamespace, 'cannot drop _id index');
  const missing = names.find((indexName) => !collection.indexes.has(indexName));
  if (missing) throw new MongoCommandError(ErrorCode.IndexNotFound, `index not found with name [${missing}]`);
  for (const indexName of names) context.storage.dropIndex(collection, indexName, context.changes);
  return { nIndexesWas, ok: 1 };
};

const collStats: CommandHandler = (command, context) => {
  const name = collectionName(command, 'collStats');
  const collection = context.storage.collection(context.database, name);
  if (!collection) throw namespaceNotFound(context, name);
  return {
    ns: collection.namespace,
    count: collection.documents.size,
    size: collection.liveBytes,
    nindexes: collection.indexSpecs().length,
    ok: 1,
  };
};

const dbStats: CommandHandler = (_command, context) => {
  const collections = context.storage.collections(context.database);
  return {
    db: context.database,
    collections: collections.length,
    objects: collections.reduce((sum, c) => sum + c.documents.size, 0),
    dataSize: collections.reduce((sum, c) => sum + c.liveBytes, 0),
    ok: 1,
  };
};

export const catalogCommands: CommandTable = {
  create,
  drop,
  dropDatabase,
  listDatabases,
  listCollections,
  listIndexes,
  createIndexes,
  dropIndexes,
  collStats,
  dbStats,
};
