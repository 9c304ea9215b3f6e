/**
 * Generated request bodies (fast-check): random JSON and bytes, and mutations of a valid body
 * that its schema must refuse (or, for a dropped optional field, may accept).
 */
import fc from 'fast-check';
import type { FuzzBody } from './send.js';

const JSON_TYPE = 'application/json';
/** Counterexamples print the label, not megabytes of bytes. */
const labelled = (body: FuzzBody): FuzzBody => Object.assign(body, { [fc.toStringMethod]: () => body.label });
const json = (value: unknown, label: string): FuzzBody => ({
  bytes: Buffer.from(safeStringify(value)),
  contentType: JSON_TYPE,
  label,
});

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A JSON path into a value: object keys and array indices, up to three levels. */
type JsonPath = Array<string | number>;

function pathsOf(value: unknown, depth = 0): JsonPath[] {
  if (depth >= 3 || typeof value !== 'object' || value === null) return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => [
    [key],
    ...pathsOf(child, depth + 1).map((rest) => [key, ...rest]),
  ]);
}

/** A copy of `value` with the thing at `path` replaced (`remove`: deleted). */
function replaceAt(
  value: unknown,
  path: JsonPath,
  replace: (old: unknown) => unknown,
  remove = false,
): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (remove) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    // defineProperty: `__proto__` becomes a field, as JSON.parse would make it.
    Object.defineProperty(parent, last, {
      value: replace(parent[last]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** A marker string that survives JSON.stringify, to splice raw text or bytes in its place. */
const MARK = 'MARK\u2063MARK';
const MARK_JSON = JSON.stringify(MARK);

function spliceText(value: unknown, path: JsonPath, text: string): string {
  return safeStringify(path.length ? replaceAt(value, path, () => MARK) : MARK).replace(
    MARK_JSON,
    () => text,
  );
}

const WRONG_TYPES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  true,
  '',
  'x',
  '1',
  'true',
  [],
  {},
  [[]],
  { $ne: null },
  { $gt: '' },
  { $regex: '.*' },
  { $where: 'sleep(1000)' },
  '__proto__',
  '2037-02-30T25:61:00Z',
  'javascript:alert(1)',
  '${constructor.constructor("return process")()}',
];
const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '$where',
  '$set',
  'isAdmin',
  'status',
  'id',
  '_id',
  'roles',
  '',
];
const STRING_LENGTHS = [
  0, 1, 39, 40, 41, 99, 100, 101, 199, 200, 201, 999, 1000, 1001, 4000, 4001, 10_000, 65_536,
];
const BAD_UTF8 = [
  [0xff],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xf4, 0x90, 0x80, 0x80],
  [0x80],
  [0xe2, 0x82],
];
const CHARS = ['x', '审', '😀', '\u0000', '\u202e', '"', '\\'];

/** Nested arrays or objects `depth` levels deep, as JSON text. */
const nested = (depth: number, kind: 'array' | 'object') =>
  kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/**
 * Mutations of a valid JSON body that its schema should refuse (or, for a dropped optional field,
 * accept): a field dropped, a wrong type or an operator, an extra (prototype-polluting) field, deep
 * nesting, strings at typical length limits, padding to the size limit ±1, invalid UTF-8 bytes,
 * truncation, duplicate keys, a byte-order mark.
 */
export function mutatedBodyArb(valid: unknown, sizeLimit: number): fc.Arbitrary<FuzzBody> {
  const paths = pathsOf(valid);
  const text = safeStringify(valid);
  const at = paths.length ? fc.constantFrom(...paths) : fc.constant<JsonPath>([]);
  const where = (path: JsonPath) => `/${path.join('/')}`;
  return fc
    .oneof(
      // Often enough that the success path is walked too (and what it changes is allowed).
      { arbitrary: fc.constant(json(valid, 'the valid body')), weight: 3 },
      {
        arbitrary: at
          .filter((p) => p.length > 0)
          .map((path) =>
            json(
              replaceAt(valid, path, () => undefined, true),
              `without ${where(path)}`,
            ),
          ),
        weight: 3,
      },
      {
        arbitrary: fc
          .tuple(at, fc.constantFrom(...WRONG_TYPES))
          .map(([path, wrong]) =>
            json(
              path.length ? replaceAt(valid, path, () => wrong) : wrong,
              `${where(path)} = ${safeStringify(wrong)}`,
            ),
          ),
        weight: 4,
      },
      {
        arbitrary: fc
          .tuple(
            fc.constantFrom<JsonPath>([], ...paths),
            fc.constantFrom(...EXTRA_KEYS),
            fc.jsonValue({ maxDepth: 2 }),
          )
          .map(([path, key, extra]) => {
            const target = path.length
              ? replaceAt(valid, path, (old) => (typeof old === 'object' && old !== null ? old : {}))
              : valid;
            return json(
              replaceAt(target, [...path, key], () => extra),
              `extra ${where([...path, key])}`,
            );
          }),
        weight: 3,
      },
      {
        arbitrary: fc
          .tuple(
            at,
            fc.constantFrom(100, 1000, 10_000, 60_000),
            fc.constantFrom('array' as const, 'object' as const),
          )
          .map(([path, depth, kind]) => ({
            bytes: Buffer.from(spliceText(valid, path, nested(depth, kind))),
            contentType: JSON_TYPE,
            label: `${where(path)} nested ${depth} deep (${kind})`,
          })),
        weight: 2,
      },
      {
        arbitrary: fc
          .tuple(at, fc.constantFrom(...STRING_LENGTHS), fc.constantFrom(...CHARS))
          .map(([path, length, char]) =>
            json(
              path.length ? replaceAt(valid, path, () => char.repeat(length)) : char.repeat(length),
              `${where(path)} = ${length} × ${JSON.stringify(char)}`,
            ),
          ),
        weight: 3,
      },
      {
        // Wide rather than deep: thousands of wrong items or unknown keys, each its own error.
        arbitrary: fc
          .tuple(fc.constantFrom<JsonPath>([], ...paths), fc.constantFrom(1000, 20_000), fc.boolean())
          .map(([path, width, keys]) => {
            const wide = keys
              ? Object.fromEntries(Array.from({ length: width }, (_, i) => [`k${i}`, i]))
              : Array<number>(width).fill(1);
            return json(
              path.length ? replaceAt(valid, path, () => wide) : wide,
              `${where(path)} = ${width} ${keys ? 'keys' : 'items'}`,
            );
          }),
        weight: 1,
      },
      {
        // The whole body at the size limit, one byte under and one over.
        arbitrary: fc.tuple(at, fc.constantFrom(-1, 0, 1)).map(([path, delta]) => {
          const shell = spliceText(valid, path, '""');
          const pad = Math.max(0, sizeLimit + delta - Buffer.byteLength(shell));
          return {
            bytes: Buffer.from(spliceText(valid, path, JSON.stringify('x'.repeat(pad)))),
            contentType: JSON_TYPE,
            label: `${where(path)} padded to ${sizeLimit + delta} bytes`,
          };
        }),
        weight: 1,
      },
      {
        arbitrary: fc.tuple(at, fc.constantFrom(...BAD_UTF8)).map(([path, bad]) => {
          const [before, after] = spliceText(valid, path, '"\u0000SPLIT\u0000"').split('\u0000SPLIT\u0000');
          return {
            bytes: Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(after)]),
            contentType: JSON_TYPE,
            label: `${where(path)} holds bytes ${bad.map((b) => b.toString(16)).join(' ')}`,
          };
        }),
        weight: 2,
      },
      {
        arbitrary: fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => ({
          bytes: Buffer.from(text.slice(0, cut)),
          contentType: JSON_TYPE,
          label: `cut at ${cut} of ${text.length}`,
        })),
        weight: 2,
      },
      {
        arbitrary: fc
          .constantFrom(
            { text: `\ufeff${text}`, label: 'with a byte-order mark' },
            { text: text.replace(/^\{/, '{"__proto__":{"admin":true},'), label: '__proto__ first' },
            {
              text: text.replace(/\}$/, ',"constructor":{"prototype":{"admin":true}}}'),
              label: 'constructor.prototype last',
            },
            { text: text.replace(/^\{("[^"]+":)/, '{$1null,$1'), label: 'a duplicate key' },
            { text: `${text}${text}`, label: 'twice' },
            { text: `${text} trailing`, label: 'trailing text' },
            { text: `[${text}]`, label: 'in an array' },
          )
          .map(({ text: body, label }) => ({ bytes: Buffer.from(body), contentType: JSON_TYPE, label })),
        weight: 2,
      },
    )
    .map(labelled);
}

/** Bodies with no valid shape in mind: JSON values, anything serialised, raw strings and bytes. */
export const randomBodyArb: fc.Arbitrary<FuzzBody> = fc
  .oneof(
    { arbitrary: fc.constant<FuzzBody>({ label: 'no body' }), weight: 2 },
    {
      arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => json(v, `JSON ${safeStringify(v).slice(0, 80)}`)),
      weight: 4,
    },
    {
      arbitrary: fc
        .anything({
          maxDepth: 3,
          withBoxedValues: true,
          withNullPrototype: true,
          withObjectString: true,
          withSparseArray: true,
        })
        .map((v) => json(v, `anything ${safeStringify(v).slice(0, 80)}`)),
      weight: 2,
    },
    {
      arbitrary: fc
        .constantFrom(
          'null',
          'true',
          '0',
          '-0',
          '1e999',
          '""',
          '"\\ud800"',
          '[]',
          '{}',
          '{"":""}',
          '{"a":"\\u0000"}',
          '[',
          '{',
          '"',
          '\u0000',
          ' ',
          '\ufeff{}',
          '{"a":1,}',
          "{'a':1}",
          'NaN',
        )
        .map((t) => ({
          bytes: Buffer.from(t),
          contentType: JSON_TYPE,
          label: `text ${JSON.stringify(t)}`,
        })),
      weight: 2,
    },
    {
      arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map((t) => ({
        bytes: Buffer.from(t),
        contentType: JSON_TYPE,
        label: `string ${JSON.stringify(t.slice(0, 60))}`,
      })),
      weight: 2,
    },
    {
      arbitrary: fc
        .uint8Array({ maxLength: 300 })
        .map((b) => ({ bytes: Buffer.from(b), contentType: JSON_TYPE, label: `${b.length} random bytes` })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(1000, 50_000, 130_000), fc.constantFrom('array' as const, 'object' as const))
        .map(([depth, kind]) => ({
          bytes: Buffer.from(nested(depth, kind)),
          contentType: JSON_TYPE,
          label: `nested ${depth} deep (${kind})`,
        })),
      weight: 1,
    },
  )
  .map(labelled);
