/**
 * Generated path segments and query strings (fast-check): the real value, near misses, ids of
 * other shapes, traversal, broken percent-encoding, raw bytes, operators and prototype keys.
 */
import fc from 'fast-check';

/** Segments that trip routers, id checks and stores: traversal, escapes, operators, prototype names (sent as they are). */
const EDGE_SEGMENTS = [
  '..',
  '.',
  '%',
  '%%',
  '%2e%2e',
  '..%2F..%2Fusers',
  '%2F',
  '%00',
  '%E0%A4%A',
  '%C0%AF',
  '%FF',
  '%uFFFF',
  '~',
  '@',
  ':',
  '-',
  '_',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '$where',
  '%24ne',
  '%7B%22%24ne%22%3Anull%7D',
  '[object%20Object]',
  '*',
  '.*',
  '%20',
  '%0D%0ASet-Cookie:%20x=1',
  'a;b',
  'a,b',
  'a=b',
];

/** A valid id with a small change: the same shape, naming nothing. */
function unknownLike(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(`${valid}x`),
    fc.constant(valid.slice(0, -1)),
    fc.constant(valid.toUpperCase()),
    fc.constant(`x${valid}`),
    fc.constant(`${valid}.${valid}`),
    fc
      .nat({ max: Math.max(0, valid.length - 1) })
      .map((at) => `${valid.slice(0, at)}0${valid.slice(at + 1)}`),
  );
}

/** One path segment: the real value, near misses, ids of other shapes, edge cases, junk. */
export function segmentArb(valid: string | undefined): fc.Arbitrary<string> {
  const encoded = (text: fc.Arbitrary<string>) => text.filter((s) => s.length > 0).map(encodeSegment);
  return fc.oneof(
    { arbitrary: fc.constant(valid ?? 'does-not-exist'), weight: 3 },
    { arbitrary: valid ? unknownLike(valid) : fc.constant('x'), weight: 2 },
    { arbitrary: fc.constantFrom(...EDGE_SEGMENTS), weight: 3 },
    { arbitrary: fc.stringMatching(/^[0-9a-f]{24}$/), weight: 1 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: fc.stringMatching(/^[A-Za-z0-9._:@~-]{1,220}$/), weight: 2 },
    { arbitrary: encoded(fc.string({ unit: 'grapheme', maxLength: 40 })), weight: 2 },
    { arbitrary: encoded(fc.string({ unit: 'binary', maxLength: 20 })), weight: 1 },
    // Raw bytes 0x80–0xFF: node sends them as latin1, so the path is not valid UTF-8.
    {
      arbitrary: fc.string({
        unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
        minLength: 1,
        maxLength: 8,
      }),
      weight: 1,
    },
    { arbitrary: fc.integer({ min: 201, max: 6000 }).map((n) => 'x'.repeat(n)), weight: 1 },
    // Past Node's 16 KiB limit on the request head: answered 431 before Express sees it.
    { arbitrary: fc.integer({ min: 17_000, max: 20_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
  );
}

function encodeSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    // A lone surrogate: send its UTF-16 code units as broken percent-escapes.
    return [...text].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
  }
}

/** `/api/cases/{id}/regrade` with each `{param}` generated from its real value. */
export function pathArb(template: string, valid: Record<string, string>): fc.Arbitrary<string> {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  if (names.length === 0) return fc.constant(template);
  return fc.tuple(...names.map((name) => segmentArb(valid[name]))).map((values) => {
    let i = 0;
    return template.replace(/\{\w+\}/g, () => values[i++]);
  });
}

const INJECTED_KEYS = [
  '__proto__',
  '__proto__[admin]',
  'constructor',
  'constructor[prototype][admin]',
  'prototype',
  '$where',
  '$ne',
  'a[]',
  '[]',
  '',
  'hasOwnProperty',
  'toString',
];
const OPERATORS = ['[$ne]', '[$gt]', '[$regex]', '[$in][]', '[$exists]', '[]', '[0]', '.length'];
const EDGE_VALUES = [
  '',
  ' ',
  '0',
  '-1',
  '1',
  '2',
  '4',
  '5',
  '1.5',
  '1e3',
  '0x10',
  '9'.repeat(30),
  'NaN',
  'Infinity',
  'true',
  'false',
  'null',
  'undefined',
  'open',
  'closed',
  'csv',
  'json',
  '2037-03-14',
  '2037-02-30',
  '2037-3-1',
  '2037-03',
  '20370314',
  '{"$ne":null}',
  '[object Object]',
  '%',
  '%ZZ',
  '..%2F..',
];

/** `?k=v&…`: known keys and injected ones, operator suffixes, repeats (arrays), odd encodings. */
export function queryArb(keys: readonly string[], values: readonly string[] = []): fc.Arbitrary<string> {
  const key = fc.oneof(
    { arbitrary: keys.length ? fc.constantFrom(...keys) : fc.constant('q'), weight: 4 },
    {
      arbitrary: fc
        .tuple(keys.length ? fc.constantFrom(...keys) : fc.constant('q'), fc.constantFrom(...OPERATORS))
        .map(([k, op]) => k + op),
      weight: 2,
    },
    { arbitrary: fc.constantFrom(...INJECTED_KEYS), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 1 },
  );
  const value = fc.oneof(
    { arbitrary: fc.constantFrom(...EDGE_VALUES, ...values), weight: 4 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 1 },
    { arbitrary: fc.integer({ min: 100, max: 3000 }).map((n) => 'q'.repeat(n)), weight: 1 },
  );
  const pair = fc.tuple(key, value, fc.boolean()).map(([k, v, raw]) =>
    // Raw: as typed into a URL bar (brackets, `$`, `%` unescaped); else percent-encoded.
    raw ? `${k}=${v}`.replace(/[^\x21-\x7e]/gu, encodeSegment) : `${encodeSegment(k)}=${encodeSegment(v)}`,
  );
  return fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    {
      arbitrary: fc.array(pair, { minLength: 1, maxLength: 5 }).map((pairs) => `?${pairs.join('&')}`),
      weight: 6,
    },
    { arbitrary: fc.constantFrom('?', '?&&&', '?=', '?==', '?a', '?a=1&a=2&a=3', '?%', '??a=1'), weight: 1 },
  );
}
