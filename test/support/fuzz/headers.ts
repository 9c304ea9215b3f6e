/** Generated headers (fast-check): content types, charsets, encodings and the headers the API reads. */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { FuzzBody } from './send.js';

const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'application/json; charset="utf-8"',
  'Application/JSON',
  'application/json; charset=utf-16',
  'application/json; charset=iso-8859-1',
  'application/json; charset=bogus',
  'application/json; boundary=x; charset=utf-8',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'application/problem+json',
  'text/json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'text/xml; charset=utf-8',
  'application/octet-stream',
  '',
  ';;;',
  '*/*',
  'application/*',
  'application/json, text/plain',
];

export interface HeaderChoice {
  /** Replaces the body's own content type (`null`: send none). */
  contentType?: string | null;
  extra: Record<string, string>;
  /** gzip the body, or claim an encoding it does not have. */
  encoding?: 'gzip' | 'gzip-claimed' | 'deflate-claimed' | 'br-claimed' | 'bogus';
}

const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 120,
});

/** Content types, encodings and the headers the API reads (Idempotency-Key, X-Request-Id, Accept). */
export const headersArb: fc.Arbitrary<HeaderChoice> = fc.record({
  contentType: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 6 },
    { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 3 },
    { arbitrary: fc.constant(null), weight: 1 },
  ),
  extra: fc.dictionary(
    fc.constantFrom(
      'idempotency-key',
      'x-request-id',
      'accept',
      'accept-charset',
      'x-forwarded-for',
      'if-none-match',
      'range',
      'origin',
    ),
    fc.oneof(
      headerValue,
      fc.constantFrom('{"$ne":1}', '*/*', 'application/xml', 'bytes=0-1', '../../etc', 'aaaaaaaa-fuzz'),
    ),
    { maxKeys: 3 },
  ),
  encoding: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 12 },
    {
      arbitrary: fc.constantFrom(
        'gzip' as const,
        'gzip-claimed' as const,
        'deflate-claimed' as const,
        'br-claimed' as const,
        'bogus' as const,
      ),
      weight: 1,
    },
  ),
});

export function applyHeaders(
  body: FuzzBody,
  choice: HeaderChoice,
): { headers: Record<string, string>; bytes?: Buffer } {
  const headers: Record<string, string> = { ...choice.extra };
  const contentType = choice.contentType === undefined ? body.contentType : choice.contentType;
  if (contentType) headers['content-type'] = contentType;
  let bytes = body.bytes;
  if (bytes && choice.encoding) {
    const claimed = {
      gzip: 'gzip',
      'gzip-claimed': 'gzip',
      'deflate-claimed': 'deflate',
      'br-claimed': 'br',
      bogus: 'x-bogus',
    };
    headers['content-encoding'] = claimed[choice.encoding];
    if (choice.encoding === 'gzip') bytes = gzipSync(bytes);
  }
  return { headers, bytes };
}
