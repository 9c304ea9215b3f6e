import { ObjectId, Long, type Document } from 'bson';
import type { Collection, StoredDocument } from './collection.js';
import type { Bound, CollectionIndex } from './collection-index.js';
import { isPlainObject, valueKey } from './values.js';

export interface Plan {
  /** Documents that may match; the full filter must still be applied unless `exact`. */
  candidates: Iterable<StoredDocument>;
  /** True when every candidate is known to match, so the filter need not be evaluated. */
  exact: boolean;
  /** How the candidates were chosen, for `explain`-style diagnostics and tests. */
  stage: 'IDHACK' | 'IXSCAN' | 'COLLSCAN';
  index?: string;
  /** Set when candidates come in ascending order of this field (an index range scan). */
  orderedBy?: string;
}

/** `whole`: the condition is all the field's clause says, so index hits need no re-check. */
type Condition =
  | { kind: 'eq'; value: unknown; whole: boolean }
  | { kind: 'in'; values: unknown[]; whole: boolean }
  | { kind: 'range'; lower: Bound | null; upper: Bound | null };

/** Scalars only: equality on arrays/objects/null has array-matching semantics an index cannot answer. */
function isIndexableScalar(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    (typeof value === 'number' && !Number.isNaN(value)) ||
    typeof value === 'boolean' ||
    value instanceof ObjectId ||
    value instanceof Date ||
    value instanceof Long
  );
}

function conditionOf(value: unknown): Condition | null {
  if (isIndexableScalar(value)) return { kind: 'eq', value, whole: true };
  if (!isPlainObject(value)) return null;
  const ops = Object.keys(value);
  if (ops.length === 0 || !ops.every((op) => op.startsWith('$'))) return null;
  const whole = ops.length === 1;
  if ('$eq' in value && isIndexableScalar(value.$eq)) return { kind: 'eq', value: value.$eq, whole };
  if ('$in' in value && Array.isArray(value.$in) && value.$in.every(isIndexableScalar))
    return { kind: 'in', values: value.$in, whole };
  let lower: Bound | null = null;
  let upper: Bound | null = null;
  if (isIndexableScalar(value.$gt)) lower = { value: value.$gt, inclusive: false };
  if (isIndexableScalar(value.$gte)) lower = { value: value.$gte, inclusive: true };
  if (isIndexableScalar(value.$lt)) upper = { value: value.$lt, inclusive: false };
  if (isIndexableScalar(value.$lte)) upper = { value: value.$lte, inclusive: true };
  if (lower || upper) return { kind: 'range', lower, upper };
  return null;
}

/** Top-level field conditions, including those inside a top-level `$and`. */
function fieldConditions(filter: Document): Map<string, Condition> {
  const out = new Map<string, Condition>();
  const visit = (clause: Document): void => {
    for (const [field, value] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(value)) {
        for (const part of value) if (isPlainObject(part)) visit(part);
      } else if (!field.startsWith('$')) {
        const condition = conditionOf(value);
        if (condition && !out.has(field)) out.set(field, condition);
      }
    }
  };
  visit(filter);
  return out;
}

function* byIds(collection: Collection, ids: Iterable<string>): Iterable<StoredDocument> {
  for (const id of ids) {
    const stored = collection.get(id);
    if (stored) yield stored;
  }
}

/** How many candidates an index would give for a condition, without listing them. */
function candidateCount(index: CollectionIndex, condition: Condition): number {
  switch (condition.kind) {
    case 'eq':
      return index.lookupEqual(condition.value).size;
    case 'in': {
      let size = 0;
      for (const value of condition.values) size += index.lookupEqual(value).size;
      return size;
    }
    case 'range':
      return index.rangeSize(condition.lower, condition.upper);
  }
}

/** The index's candidates for a condition; a range is walked lazily, in index order. */
function lookup(index: CollectionIndex, condition: Condition): Iterable<string> {
  switch (condition.kind) {
    case 'eq':
      return index.lookupEqual(condition.value);
    case 'in': {
      const ids = new Set<string>();
      for (const value of condition.values) for (const id of index.lookupEqual(value)) ids.add(id);
      return ids;
    }
    case 'range':
      return index.lookupRange(condition.lower, condition.upper);
  }
}

/**
 * What a range scan in sort order examines before it has `limit` matches, when at most
 * `matches` documents can match (what the most selective other index leaves): all of the range
 * without a limit or when the matches are fewer, else about its share, assuming the matches
 * are spread evenly.
 */
function orderedScanCost(range: number, limit: number, matches: number): number {
  return limit > 0 && matches > limit ? (range * limit) / matches : range;
}

/**
 * Picks `_id`, then the most selective usable index, then a collection scan. With `order` (a
 * find sorted on one field, ascending, `limit` 0 for none), a range scan on that field's index
 * yields candidates already sorted and can stop at the first matches: it wins unless another
 * index leaves fewer documents than it would examine. (Open tasks by creation time: the range is
 * every task ever made, the status index only the open ones.)
 */
export function planQuery(
  collection: Collection,
  filter: Document,
  order?: { field: string; limit: number },
): Plan {
  const conditions = fieldConditions(filter);
  const onlyField = Object.keys(filter).length === 1;
  const idCondition = conditions.get('_id');
  if (idCondition && idCondition.kind !== 'range') {
    const keys = idCondition.kind === 'eq' ? [idCondition.value] : idCondition.values;
    return {
      candidates: byIds(collection, new Set(keys.map(valueKey))),
      exact: onlyField && idCondition.whole,
      stage: 'IDHACK',
    };
  }
  let best: { size: number; index: CollectionIndex; field: string } | null = null;
  let ordered: { range: number; index: CollectionIndex; field: string } | null = null;
  for (const index of collection.indexes.values()) {
    if (!index.usableForLookup) continue;
    const field = index.fields[0];
    const condition = conditions.get(field);
    if (!condition) continue;
    if (condition.kind === 'range' && field === order?.field) {
      ordered ??= { range: index.rangeKeys(condition.lower, condition.upper), index, field };
      continue;
    }
    const size = candidateCount(index, condition);
    if (size < (best?.size ?? Infinity)) best = { size, index, field };
  }
  if (ordered && (!best || orderedScanCost(ordered.range, order!.limit, best.size) <= best.size))
    best = { size: 0, index: ordered.index, field: ordered.field };
  if (best) {
    const condition = conditions.get(best.field)!;
    return {
      candidates: byIds(collection, lookup(best.index, condition)),
      exact: onlyField && condition.kind === 'eq' && condition.whole,
      stage: 'IXSCAN',
      index: best.index.name,
      orderedBy: condition.kind === 'range' ? best.field : undefined,
    };
  }
  return {
    candidates: collection.documents.values(),
    exact: Object.keys(filter).length === 0,
    stage: 'COLLSCAN',
  };
}
