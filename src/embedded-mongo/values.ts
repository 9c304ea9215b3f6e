import { ObjectId, Long, Binary, Decimal128, Timestamp, EJSON, type Document } from 'bson';

/**
 * Canonical string for a BSON value, used as the key of hash lookups (document ids, index
 * entries). Values MongoDB treats as equal get the same key: 1, 1.0 and Long(1) all compare equal.
 */
export function valueKey(value: unknown): string {
  if (value === undefined || value === null) return 'z';
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? 'n0' : `n${value}`;
    case 'bigint':
      return `n${value}`;
    case 'string':
      return `s${value}`;
    case 'boolean':
      return value ? 'bt' : 'bf';
  }
  if (value instanceof ObjectId) return `o${value.toHexString()}`;
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof Long) return `n${value.toString()}`;
  if (Array.isArray(value)) return `a[${value.map(valueKey).join(',')}]`;
  if (value instanceof Binary) return `x${value.sub_type}:${Buffer.from(value.buffer).toString('base64')}`;
  if (value instanceof Decimal128 || value instanceof Timestamp) return `e${value.toString()}`;
  if (value instanceof RegExp) return `r${value.source}/${value.flags}`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${valueKey(v)}`)
      .join(',')}}`;
  }
  return `j${EJSON.stringify(value as Document, { relaxed: false })}`;
}

/**
 * Whether two values are the same as `valueKey` sees them, compared in place: a changed document
 * differs early and nothing is built, where comparing two documents' keys serializes both whole
 * (that was most of an update's cost on a large document).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a);
    const otherKeys = Object.keys(b);
    if (keys.length !== otherKeys.length) return false;
    for (let i = 0; i < keys.length; i++)
      if (keys[i] !== otherKeys[i] || !sameValue(a[keys[i]], b[keys[i]])) return false;
    return true;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(b) || Array.isArray(b)) return false;
  return valueKey(a) === valueKey(b);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** MongoDB's cross-type sort order (numbers < strings < objects < arrays < … < dates). */
function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    value instanceof Long ||
    value instanceof Decimal128
  )
    return 2;
  if (typeof value === 'string') return 3;
  if (Array.isArray(value)) return 5;
  if (value instanceof Binary) return 6;
  if (value instanceof ObjectId) return 7;
  if (typeof value === 'boolean') return 8;
  if (value instanceof Date) return 9;
  if (value instanceof Timestamp) return 10;
  if (value instanceof RegExp) return 11;
  return 4;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Decimal128) return Number(value.toString());
  return NaN;
}

/** Total order over BSON values as MongoDB sorts them; used by index range scans. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
      return 0;
    case 2: {
      const x = toNumber(a);
      const y = toNumber(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 3:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case 7:
      return Buffer.compare((a as ObjectId).id, (b as ObjectId).id);
    case 8:
      return Number(a) - Number(b);
    case 9:
      return (a as Date).getTime() - (b as Date).getTime();
  }
  const ka = valueKey(a);
  const kb = valueKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * The values a dotted path reaches in a document, descending through arrays the way MongoDB
 * does for multikey indexes. A missing path yields `[undefined]`.
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  if (out.length === 0) out.push(undefined);
  return out;
}

function collect(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(undefined);
      else out.push(...value);
    } else out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    const index = Number(parts[i]);
    if (Number.isInteger(index) && String(index) === parts[i]) {
      collect(value[index], parts, i + 1, out);
      return;
    }
    for (const element of value)
      if (element !== null && typeof element === 'object') collect(element, parts, i, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const next = (value as Record<string, unknown>)[parts[i]];
  if (next === undefined) return;
  collect(next, parts, i + 1, out);
}

/** Reads a dotted path without descending into arrays (for error messages and upsert seeds). */
export function getPath(doc: Document, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let target: Record<string, unknown> = doc;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (next === null || typeof next !== 'object') target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts[parts.length - 1]] = value;
}

/** A driver may send counts and cursor ids as int32, double or Long; commands want plain numbers. */
export function asNumber(value: unknown, fallback = 0): number {
  if (value === undefined || value === null) return fallback;
  const n = toNumber(value);
  return Number.isFinite(n) ? n : fallback;
}

/**
 * Copies containers (objects, arrays, dates) so that nothing downstream — an update, a mingo
 * pipeline, which mutates its input — touches a stored document. BSON values are immutable.
 */
export function cloneDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneDocument) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = cloneDocument(value[key]);
    return out as T;
  }
  return value;
}
