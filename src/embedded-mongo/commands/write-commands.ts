import { ObjectId, type Document } from 'bson';
import type { CommandContext, CommandHandler, CommandTable } from './context.js';
import { MongoCommandError, badValue, typeMismatch } from '../errors.js';
import { findDocuments, projectDocuments, requireDocument, selectDocuments } from '../query-executor.js';
import { applyUpdate, buildUpsert, validateUpdate } from '../update-apply.js';
import { validateNamespace } from '../storage.js';
import { sameValue } from '../values.js';

interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [detail: string]: unknown;
}

function toWriteError(error: unknown, index: number): WriteError {
  if (!(error instanceof MongoCommandError)) throw error;
  return { index, code: error.code, errmsg: error.message, ...error.extra };
}

function targetName(command: Document, verb: string): string {
  const name = command[verb];
  if (typeof name !== 'string') throw typeMismatch(`${verb} needs a collection name`);
  return name;
}

function arrayArgument(command: Document, field: string): Document[] {
  const value = command[field];
  if (!Array.isArray(value)) throw typeMismatch(`${field} must be an array`);
  return value;
}

/** Runs each item, collecting write errors; an ordered batch stops at the first one. */
function eachWrite<T>(items: T[], ordered: boolean, run: (item: T, index: number) => void): WriteError[] {
  const errors: WriteError[] = [];
  for (let index = 0; index < items.length; index++) {
    try {
      run(items[index], index);
    } catch (error) {
      errors.push(toWriteError(error, index));
      if (ordered) break;
    }
  }
  return errors;
}

function writeReply(fields: Document, errors: WriteError[]): Document {
  return errors.length ? { ...fields, writeErrors: errors, ok: 1 } : { ...fields, ok: 1 };
}

const insert: CommandHandler = (command, context) => {
  const name = targetName(command, 'insert');
  const documents = arrayArgument(command, 'documents');
  validateNamespace(context.database, name);
  const collection = context.storage.ensureCollection(context.database, name, context.changes);
  let n = 0;
  const errors = eachWrite(documents, command.ordered !== false, (doc) => {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
      throw typeMismatch('documents must be objects');
    // mongod stores _id first whatever order the client sent (mongoose sends it last).
    const withId =
      doc._id === undefined
        ? { _id: new ObjectId(), ...doc }
        : Object.keys(doc)[0] === '_id'
          ? doc
          : { _id: doc._id, ...doc };
    if (Array.isArray(withId._id)) throw badValue("can't use an array for _id");
    context.storage.insertDocument(collection, withId, context.changes);
    n++;
  });
  return writeReply({ n }, errors);
};

interface UpdateStatement {
  q: Document;
  u: unknown;
  multi?: boolean;
  upsert?: boolean;
  arrayFilters?: Document[];
  sort?: Document;
}

/** One update statement; returns what it matched, modified and upserted. */
function runUpdate(
  context: CommandContext,
  name: string,
  statement: UpdateStatement,
): { matched: number; modified: number; upserted?: unknown } {
  const filter = requireDocument(statement.q, 'q');
  const spec = validateUpdate(statement.u);
  const collection = context.storage.collection(context.database, name);
  const targets = statement.sort
    ? findDocuments(collection, filter, { sort: statement.sort, limit: 1 })
    : selectDocuments(collection, filter, statement.multi ? 0 : 1).documents;
  if (targets.length === 0) {
    if (!statement.upsert) return { matched: 0, modified: 0 };
    const created = buildUpsert(filter, spec);
    validateNamespace(context.database, name);
    const into = context.storage.ensureCollection(context.database, name, context.changes);
    context.storage.insertDocument(into, created, context.changes);
    return { matched: 0, modified: 0, upserted: created._id };
  }
  if (statement.multi && !Array.isArray(spec) && !Object.keys(spec)[0]?.startsWith('$'))
    throw badValue('multi update is not supported for replacement-style update');
  let modified = 0;
  for (const doc of targets) {
    const next = applyUpdate(doc, spec, { filter, inserting: false, arrayFilters: statement.arrayFilters });
    if (sameValue(next, doc)) continue;
    context.storage.replaceDocument(collection!, next, context.changes);
    modified++;
  }
  return { matched: targets.length, modified };
}

const update: CommandHandler = (command, context) => {
  const name = targetName(command, 'update');
  const statements = arrayArgument(command, 'updates') as UpdateStatement[];
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const errors = eachWrite(statements, command.ordered !== false, (statement, index) => {
    if (!statement || typeof statement !== 'object') throw typeMismatch('each update must be an object');
    const result = runUpdate(context, name, statement);
    n += result.matched;
    nModified += result.modified;
    if (result.upserted !== undefined) {
      n += 1;
      upserted.push({ index, _id: result.upserted });
    }
  });
  const fields: Document = { n, nModified };
  if (upserted.length) fields.upserted = upserted;
  return writeReply(fields, errors);
};

const deleteCommand: CommandHandler = (command, context) => {
  const name = targetName(command, 'delete');
  const statements = arrayArgument(command, 'deletes');
  let n = 0;
  const errors = eachWrite(statements, command.ordered !== false, (statement) => {
    const filter = requireDocument(statement?.q, 'q');
    const collection = context.storage.collection(context.database, name);
    const limit = Number(statement.limit ?? 0);
    if (limit !== 0 && limit !== 1) throw badValue('delete limit must be 0 (all) or 1');
    const { documents } = selectDocuments(collection, filter, limit);
    for (const doc of documents) context.storage.removeDocument(collection!, doc, context.changes);
    n += documents.length;
  });
  return writeReply({ n }, errors);
};

const findAndModify: CommandHandler = (command, context) => {
  const name = command.findAndModify ?? command.findandmodify;
  if (typeof name !== 'string') throw typeMismatch('findAndModify needs a collection name');
  const filter = requireDocument(command.query, 'query');
  const collection = context.storage.collection(context.database, name);
  const [current] = findDocuments(collection, filter, { sort: command.sort, limit: 1 });
  const project = (doc: Document | undefined): Document | null =>
    doc ? (command.fields ? projectDocuments([doc], command.fields)[0] : doc) : null;

  if (command.remove) {
    if (command.update !== undefined) throw badValue('findAndModify cannot both update and remove');
    if (current) context.storage.removeDocument(collection!, current, context.changes);
    return { lastErrorObject: { n: current ? 1 : 0 }, value: project(current), ok: 1 };
  }
  if (command.update === undefined) throw badValue('findAndModify needs either update or remove');
  const spec = validateUpdate(command.update);
  if (!current) {
    if (!command.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const created = buildUpsert(filter, spec);
    validateNamespace(context.database, name);
    const into = context.storage.ensureCollection(context.database, name, context.changes);
    context.storage.insertDocument(into, created, context.changes);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: created._id },
      value: command.new ? project(created) : null,
      ok: 1,
    };
  }
  const next = applyUpdate(current, spec, { filter, inserting: false, arrayFilters: command.arrayFilters });
  if (!sameValue(next, current)) context.storage.replaceDocument(collection!, next, context.changes);
  return {
    lastErrorObject: { n: 1, updatedExisting: true },
    value: project(command.new ? next : current),
    ok: 1,
  };
};

export const writeCommands: CommandTable = {
  insert,
  update,
  delete: deleteCommand,
  findAndModify,
  findandmodify: findAndModify,
};
