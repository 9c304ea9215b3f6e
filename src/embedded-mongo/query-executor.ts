import type { Document } from 'bson';
import { Query, Aggregator } from 'mingo';
import type { Options } from 'mingo/types';
import type { Collection } from './collection.js';
import { planQuery, type Plan } from './query-planner.js';
import { queryOptions } from './mingo-options.js';
import { badValue, typeMismatch } from './errors.js';
import { compareValues, isPlainObject } from './values.js';

const THROUGH_ARRAY = Symbol('through an array');

/** A field's value by dotted path, or THROUGH_ARRAY when the path meets an array. */
function scalarAt(doc: Document, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(value)) return THROUGH_ARRAY;
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[part];
  }
  return value === undefined ? null : value;
}

export function requireDocument(value: unknown, what: string): Document {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw typeMismatch(`${what} must be an object`);
  return value;
}

/** mingo reports bad operators as plain Errors; callers get MongoDB's BadValue instead. */
export function withQueryErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof Error && error.name !== 'MongoCommandError') throw badValue(error.message);
    throw error;
  }
}

export function compileFilter(filter: Document, options: Partial<Options> = queryOptions): Query {
  return withQueryErrors(() => new Query(filter, options));
}

export interface Selection {
  documents: Document[];
  plan: Plan;
  examined: number;
}

/**
 * The stored documents matching `filter`, at most `limit` (0 = all). With `order`, a plan
 * that yields that field in ascending order is preferred, and `order.limit` applies to it
 * (a sorted find that can stop early instead of sorting every match).
 */
export function selectDocuments(
  collection: Collection | undefined,
  filter: Document,
  limit = 0,
  order?: { field: string; limit: number },
): Selection {
  if (!collection)
    return { documents: [], plan: { candidates: [], exact: true, stage: 'COLLSCAN' }, examined: 0 };
  const plan = planQuery(collection, filter, order);
  if (order && plan.orderedBy === order.field) limit = order.limit;
  // An exact plan needs no evaluation (and its filter has nothing left to validate).
  const query = plan.exact ? null : compileFilter(filter);
  const documents: Document[] = [];
  let examined = 0;
  withQueryErrors(() => {
    for (const { doc } of plan.candidates) {
      examined++;
      if (!query || query.test(doc)) {
        documents.push(doc);
        if (limit > 0 && documents.length >= limit) break;
      }
    }
  });
  return { documents, plan, examined };
}

export interface FindOptions {
  sort?: Document;
  projection?: Document;
  skip?: number;
  limit?: number;
}

/** find's semantics: filter, then sort, skip, limit and projection. */
export function findDocuments(
  collection: Collection | undefined,
  filter: Document,
  options: FindOptions,
): Document[] {
  const skip = Math.max(0, options.skip ?? 0);
  const limit = Math.abs(options.limit ?? 0);
  let sort = options.sort && Object.keys(options.sort).length > 0 ? options.sort : undefined;
  const projection =
    options.projection && Object.keys(options.projection).length > 0 ? options.projection : undefined;
  const sortFields = sort ? Object.keys(sort) : [];
  const ascendingOn = sortFields.length === 1 && sort![sortFields[0]] === 1 ? sortFields[0] : undefined;
  const early = limit > 0 ? skip + limit : 0;
  const selection = selectDocuments(
    collection,
    filter,
    sort ? 0 : early,
    ascendingOn ? { field: ascendingOn, limit: early } : undefined,
  );
  const { documents } = selection;
  // Candidates already in the requested order need no sort (an index range scan).
  if (ascendingOn && selection.plan.orderedBy === ascendingOn) sort = undefined;
  if (!sort && !projection) return documents.slice(skip, limit > 0 ? skip + limit : undefined);
  const fast = sort ? sortScalars(documents, sort) : documents;
  if (fast) {
    const page = fast.slice(skip, limit > 0 ? skip + limit : undefined);
    return projection ? projectDocuments(page, projection) : page;
  }
  return withQueryErrors(() => {
    let cursor = new Query({}, queryOptions).find<Document>(documents, projection);
    if (sort) cursor = cursor.sort(sort);
    if (skip) cursor = cursor.skip(skip);
    if (limit) cursor = cursor.limit(limit);
    return cursor.all();
  });
}

/**
 * Sorts on plain ascending/descending fields in BSON order (missing as null) without mingo's
 * general cursor, which costs most of a large sorted find; null when a sort value is an array
 * or the spec is not plain (mingo's rules then apply).
 */
function sortScalars(documents: Document[], sort: Document): Document[] | null {
  const fields = Object.entries(sort);
  if (!fields.every(([field, direction]) => (direction === 1 || direction === -1) && !field.startsWith('$')))
    return null;
  const keyed: Array<{ doc: Document; keys: unknown[] }> = [];
  for (const doc of documents) {
    const keys = fields.map(([field]) => scalarAt(doc, field));
    if (keys.some((key) => key === THROUGH_ARRAY || Array.isArray(key))) return null;
    keyed.push({ doc, keys });
  }
  keyed.sort((a, b) => {
    for (let i = 0; i < fields.length; i++) {
      const order = compareValues(a.keys[i], b.keys[i]) * (fields[i][1] as number);
      if (order !== 0) return order;
    }
    return 0;
  });
  return keyed.map((entry) => entry.doc);
}

export function projectDocuments(documents: Document[], projection: Document): Document[] {
  return withQueryErrors(() => new Query({}, queryOptions).find<Document>(documents, projection).all());
}

export function runPipeline(
  documents: Document[],
  pipeline: Document[],
  options: Partial<Options>,
): Document[] {
  return withQueryErrors(
    () => new Aggregator(pipeline, { ...queryOptions, ...options }).run(documents) as Document[],
  );
}
