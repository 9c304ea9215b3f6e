/**
 * The only functions a diagram's expressions may call. Each is pure: no I/O, no access to
 * anything but its arguments, and safe on any input (bad input gives null/false, never throws).
 */
const toDate = (value: unknown): Date | null => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'string' || typeof value === 'number') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
};

const HOUR_MS = 3_600_000;

export const expressionHelpers: Record<string, (...args: unknown[]) => unknown> = {
  /** Whether an array contains a value, or a string a substring. */
  includes: (collection, value) =>
    Array.isArray(collection)
      ? collection.includes(value)
      : typeof collection === 'string' && typeof value === 'string'
        ? collection.includes(value)
        : false,
  /** Length of an array or string; 0 for anything else. */
  len: (value) => (Array.isArray(value) || typeof value === 'string' ? value.length : 0),
  /** First argument that is neither null nor undefined. */
  coalesce: (...values) => values.find((value) => value !== null && value !== undefined) ?? null,
  lower: (value) => (typeof value === 'string' ? value.toLowerCase() : null),
  upper: (value) => (typeof value === 'string' ? value.toUpperCase() : null),
  number: (value) => {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : NaN;
    return Number.isFinite(n) ? n : null;
  },
  string: (value) => (value === null || value === undefined ? '' : String(value)),
  min: (...values) => {
    const numbers = values.filter((v): v is number => typeof v === 'number');
    return numbers.length ? Math.min(...numbers) : null;
  },
  max: (...values) => {
    const numbers = values.filter((v): v is number => typeof v === 'number');
    return numbers.length ? Math.max(...numbers) : null;
  },
  /** ISO 8601 string of a date, or null. */
  isoDate: (value) => toDate(value)?.toISOString() ?? null,
  /** ISO date `hours` after `value` (e.g. the 12-hour reply deadline from occurred-at). */
  addHours: (value, hours) => {
    const date = toDate(value);
    return date && typeof hours === 'number' && Number.isFinite(hours)
      ? new Date(date.getTime() + hours * HOUR_MS).toISOString()
      : null;
  },
  /** Milliseconds from `from` to `to`; null when either is not a date. */
  millisBetween: (from, to) => {
    const a = toDate(from);
    const b = toDate(to);
    return a && b ? b.getTime() - a.getTime() : null;
  },
};

export const helperNames = new Set(Object.keys(expressionHelpers));
