import { ObjectId, type Document } from 'bson';
import { update as mingoUpdate } from 'mingo/updater';
import * as updateOperators from 'mingo/operators/update';
import { Aggregator } from 'mingo';
import { ErrorCode, MongoCommandError, badValue } from './errors.js';
import { cloneDocument, isPlainObject, setPath, valueKey } from './values.js';
import { queryOptions } from './mingo-options.js';
import { withQueryErrors } from './query-executor.js';

type OperatorFactory = (expr: Document, arrayFilters?: Document[]) => (doc: Document) => string[];
const OPERATORS = updateOperators as unknown as Record<string, OperatorFactory>;
const SUPPORTED = new Set([...Object.keys(OPERATORS).filter((k) => k.startsWith('$')), '$setOnInsert']);
const PIPELINE_STAGES = new Set(['$set', '$addFields', '$unset', '$project', '$replaceRoot', '$replaceWith']);

export type UpdateSpec = Document | Document[];

export interface UpdateOptions {
  arrayFilters?: Document[];
  /** The query, for the positional `$` operator. */
  filter: Document;
  /** True when the update builds a new document for an upsert ($setOnInsert applies). */
  inserting: boolean;
}

export function isOperatorUpdate(spec: UpdateSpec): boolean {
  if (Array.isArray(spec)) return false;
  const keys = Object.keys(spec);
  return keys.length > 0 && keys[0].startsWith('$');
}

/** Checks the shape of an update before any document is touched. */
export function validateUpdate(spec: unknown): UpdateSpec {
  if (Array.isArray(spec)) {
    for (const stage of spec) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !PIPELINE_STAGES.has(name))
        throw badValue(
          `update pipeline stage ${String(name)} is not allowed; use $set, $unset, $project or $replaceWith`,
        );
    }
    return spec;
  }
  if (!isPlainObject(spec))
    throw new MongoCommandError(ErrorCode.FailedToParse, 'update must be an object or a pipeline');
  const keys = Object.keys(spec);
  const operators = keys.filter((k) => k.startsWith('$'));
  if (operators.length > 0 && operators.length !== keys.length)
    throw new MongoCommandError(ErrorCode.FailedToParse, 'an update mixes operators and plain fields');
  for (const op of operators) {
    if (!SUPPORTED.has(op)) throw new MongoCommandError(ErrorCode.FailedToParse, `Unknown modifier: ${op}`);
    const fields = spec[op];
    if (!isPlainObject(fields))
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        `Modifiers operate on fields but ${op} got no object`,
      );
  }
  if (operators.length === 0) {
    for (const key of keys)
      if (key.includes('.') || key.startsWith('$'))
        throw badValue(`replacement document field names may not contain '.' or start with '$': ${key}`);
  }
  return spec;
}

function hasPositional(spec: Document): boolean {
  return Object.values(spec).some(
    (fields) => isPlainObject(fields) && Object.keys(fields).some((path) => /(^|\.)\$(\.|$)/.test(path)),
  );
}

/** Returns the updated copy of `doc`; the stored document is left as it is. */
export function applyUpdate(doc: Document, spec: UpdateSpec, options: UpdateOptions): Document {
  let next: Document;
  if (Array.isArray(spec)) {
    next = withQueryErrors(() => new Aggregator(spec, queryOptions).run([cloneDocument(doc)])[0] as Document);
  } else if (!isOperatorUpdate(spec)) {
    next = { _id: doc._id, ...cloneDocument(spec) };
    if (spec._id === undefined) next._id = doc._id;
  } else {
    next = cloneDocument(doc);
    const modifier: Document = {};
    for (const [op, fields] of Object.entries(spec)) {
      if (op === '$setOnInsert') {
        if (options.inserting) modifier.$set = { ...(modifier.$set ?? {}), ...fields };
      } else if (op === '$set') modifier.$set = { ...(modifier.$set ?? {}), ...fields };
      else modifier[op] = { ...fields };
    }
    stripUnchangedId(modifier, doc);
    withQueryErrors(() => {
      if (hasPositional(modifier))
        mingoUpdate(next, modifier, options.arrayFilters, options.filter, { queryOptions });
      else
        for (const [op, fields] of Object.entries(modifier))
          OPERATORS[op](fields, options.arrayFilters ?? [])(next);
    });
  }
  if (doc._id !== undefined && valueKey(next._id) !== valueKey(doc._id)) throw immutableId();
  return next;
}

/**
 * MongoDB accepts `$set: { _id: <the same id> }` (mongoose sends it) and refuses any other
 * change to `_id`; mingo refuses both, so the harmless form is removed before it runs.
 */
function stripUnchangedId(modifier: Document, doc: Document): void {
  for (const [op, fields] of Object.entries(modifier)) {
    for (const path of Object.keys(fields)) {
      if (path !== '_id' && !path.startsWith('_id.')) continue;
      if (doc._id === undefined && op === '$set' && path === '_id') continue;
      if (path === '_id' && op === '$set' && valueKey(fields[path]) === valueKey(doc._id))
        delete fields[path];
      else throw immutableId();
    }
    if (Object.keys(fields).length === 0) delete modifier[op];
  }
}

function immutableId(): MongoCommandError {
  return new MongoCommandError(
    ErrorCode.ImmutableField,
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );
}

/** The document an upsert starts from: the query's equality conditions (MongoDB's rule). */
export function upsertSeed(filter: Document): Document {
  const seed: Document = {};
  const visit = (clause: Document): void => {
    for (const [field, value] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(value))
        value.forEach((part) => isPlainObject(part) && visit(part));
      else if (field.startsWith('$')) continue;
      else if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
        if ('$eq' in value) setPath(seed, field, cloneDocument(value.$eq));
      } else setPath(seed, field, cloneDocument(value));
    }
  };
  visit(filter);
  return seed;
}

/** Builds the document an upsert inserts, with `_id` first as mongod does. */
export function buildUpsert(filter: Document, spec: UpdateSpec): Document {
  const seed = upsertSeed(filter);
  const base =
    isOperatorUpdate(spec) || Array.isArray(spec) ? { _id: undefined, ...seed } : { _id: seed._id };
  const built = applyUpdate(base, spec, { filter, inserting: true });
  return { ...built, _id: built._id ?? new ObjectId() };
}
