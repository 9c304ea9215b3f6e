import type { Document } from 'bson';
import { Query } from 'mingo';
import { compareValues, valueKey, valuesAtPath } from './values.js';
import { ErrorCode, MongoCommandError, badValue } from './errors.js';
import { queryOptions } from './mingo-options.js';

export interface IndexSpec {
  v?: number;
  name: string;
  key: Record<string, unknown>;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

export interface IndexKeys {
  keys: string[];
  firstValues: unknown[];
}

interface FirstFieldEntry {
  value: unknown;
  ids: Set<string>;
}

/**
 * A secondary index: a hash map on its first field for equality, a sorted list of that field's
 * distinct values for range scans, and, when unique, a map of whole keys to the owning document.
 */
export class CollectionIndex {
  readonly fields: string[];
  private readonly partial: Query | null;
  private readonly byFirst = new Map<string, FirstFieldEntry>();
  private readonly sortedFirst: FirstFieldEntry[] = [];
  private readonly uniqueOwner = new Map<string, string>();

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    if (this.fields.length === 0) throw badValue(`index ${spec.name} has an empty key pattern`);
    this.partial = spec.partialFilterExpression
      ? new Query(spec.partialFilterExpression, queryOptions)
      : null;
  }

  get name(): string {
    return this.spec.name;
  }

  /** Whether a plain equality or range on the first field may be answered from this index. */
  get usableForLookup(): boolean {
    return !this.partial && !this.isSpecialKind;
  }

  private get isSpecialKind(): boolean {
    return Object.values(this.spec.key).some((direction) => typeof direction === 'string');
  }

  /** The whole-key strings a document contributes, or null when the index skips it (sparse/partial). */
  keysOf(doc: Document): IndexKeys | null {
    if (this.partial && !this.partial.test(doc)) return null;
    const perField = this.fields.map((field) => valuesAtPath(doc, field));
    if (this.spec.sparse && perField.every((values) => values.length === 1 && values[0] === undefined))
      return null;
    let keys = [''];
    for (const values of perField) {
      const next: string[] = [];
      for (const prefix of keys) for (const value of values) next.push(`${prefix}|${valueKey(value)}`);
      keys = next;
    }
    return { keys: [...new Set(keys)], firstValues: perField[0] };
  }

  static sameKeys(a: IndexKeys | null, b: IndexKeys | null): boolean {
    if (a === null || b === null) return a === b;
    return a.keys.length === b.keys.length && a.keys.every((key, i) => key === b.keys[i]);
  }

  /** Throws the driver's duplicate-key error when `keys` would collide with another document. */
  checkUnique(doc: Document, keys: IndexKeys | null, idKey: string, namespace: string): void {
    if (!this.spec.unique || !keys) return;
    for (const key of keys.keys) {
      const owner = this.uniqueOwner.get(key);
      if (owner !== undefined && owner !== idKey) throw this.duplicateError(doc, namespace);
    }
  }

  duplicateError(doc: Document, namespace: string): MongoCommandError {
    const keyValue: Document = {};
    for (const field of this.fields) keyValue[field] = valuesAtPath(doc, field)[0] ?? null;
    const shown = Object.entries(keyValue)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join(', ');
    return new MongoCommandError(
      ErrorCode.DuplicateKey,
      `E11000 duplicate key error collection: ${namespace} index: ${this.name} dup key: { ${shown} }`,
      { keyPattern: this.spec.key, keyValue },
    );
  }

  /** Adds a document's keys; callers check uniqueness first (see Collection). */
  add(keys: IndexKeys | null, idKey: string): void {
    if (!keys) return;
    if (this.spec.unique) for (const key of keys.keys) this.uniqueOwner.set(key, idKey);
    for (const value of keys.firstValues) {
      const key = valueKey(value);
      let entry = this.byFirst.get(key);
      if (!entry) {
        entry = { value, ids: new Set() };
        this.byFirst.set(key, entry);
        this.sortedFirst.splice(this.lowerBound(value, true), 0, entry);
      }
      entry.ids.add(idKey);
    }
  }

  remove(keys: IndexKeys | null, idKey: string): void {
    if (!keys) return;
    for (const key of keys.keys) if (this.uniqueOwner.get(key) === idKey) this.uniqueOwner.delete(key);
    for (const value of keys.firstValues) {
      const key = valueKey(value);
      const entry = this.byFirst.get(key);
      if (!entry) continue;
      entry.ids.delete(idKey);
      if (entry.ids.size === 0) {
        this.byFirst.delete(key);
        const at = this.lowerBound(value, true);
        if (this.sortedFirst[at] === entry) this.sortedFirst.splice(at, 1);
        else this.sortedFirst.splice(this.sortedFirst.indexOf(entry), 1);
      }
    }
  }

  /** Ids of documents whose first field equals `value` (scalar values only). */
  lookupEqual(value: unknown): Set<string> {
    return this.byFirst.get(valueKey(value))?.ids ?? new Set();
  }

  /**
   * Ids of documents whose first field lies within the bounds (a superset the query re-checks),
   * in ascending order of that field, produced as they are read: a caller that stops after the
   * first few (a sorted find with a limit, a claim of the earliest due job) does not pay for the
   * whole range.
   */
  *lookupRange(lower: Bound | null, upper: Bound | null): Generator<string> {
    const [start, end] = this.rangePositions(lower, upper);
    // A multikey document sits under several values: list it once, at its first (lowest) one.
    const seen = new Set<string>();
    for (let i = start; i < end; i++)
      for (const id of this.sortedFirst[i].ids)
        if (!seen.has(id)) {
          seen.add(id);
          yield id;
        }
  }

  /** How many entries a range holds (multikey documents counted once per value): for choosing a plan. */
  rangeSize(lower: Bound | null, upper: Bound | null): number {
    const [start, end] = this.rangePositions(lower, upper);
    let size = 0;
    for (let i = start; i < end; i++) size += this.sortedFirst[i].ids.size;
    return size;
  }

  /** How many distinct values a range holds, found without walking it: a planner's estimate. */
  rangeKeys(lower: Bound | null, upper: Bound | null): number {
    const [start, end] = this.rangePositions(lower, upper);
    return Math.max(0, end - start);
  }

  private rangePositions(lower: Bound | null, upper: Bound | null): [number, number] {
    const start = lower ? this.lowerBound(lower.value, lower.inclusive) : 0;
    const end = upper ? this.lowerBound(upper.value, !upper.inclusive) : this.sortedFirst.length;
    return [start, end];
  }

  /** First position whose value is ≥ `value` (inclusive) or > `value` (exclusive). */
  private lowerBound(value: unknown, inclusive: boolean): number {
    let lo = 0;
    let hi = this.sortedFirst.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareValues(this.sortedFirst[mid].value, value);
      if (c < 0 || (!inclusive && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export interface Bound {
  value: unknown;
  inclusive: boolean;
}
