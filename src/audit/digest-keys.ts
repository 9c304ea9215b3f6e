import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The shortest key accepted: an HMAC key should carry at least 128 bits of secret. */
export const MIN_KEY_LENGTH = 32;

export interface DigestKey {
  /** First 8 hex digits of sha256(key): names the key without giving it away. */
  id: string;
  secret: Buffer;
}

/** The key that signs new digests, and every key old digests may have been signed with. */
export interface DigestKeyring {
  signing: DigestKey;
  byId: Map<string, DigestKey>;
}

export function digestKey(secret: string): DigestKey {
  const bytes = Buffer.from(secret, 'utf8');
  return { id: createHash('sha256').update(bytes).digest('hex').slice(0, 8), secret: bytes };
}

export function sign(key: DigestKey, canonical: string): string {
  return createHmac('sha256', key.secret).update(canonical).digest('hex');
}

/** Whether `mac` is the key's HMAC of `canonical`, compared in constant time. */
export function signatureMatches(key: DigestKey, canonical: string, mac: string): boolean {
  const expected = Buffer.from(sign(key, canonical), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(mac) ? mac : '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function checked(secret: string, where: string): string {
  // Never echo the key itself in a message: messages end up in logs.
  if (secret.length < MIN_KEY_LENGTH)
    throw new Error(`${where}: the digest key must be at least ${MIN_KEY_LENGTH} characters long`);
  return secret;
}

/**
 * The digest keys from `PREPLAN_DIGEST_KEY` (one key) or the file named by
 * `PREPLAN_DIGEST_KEY_FILE` (one key per line: the first signs, later lines are earlier keys,
 * kept so digests sealed before a key change still verify; blank lines and `#` comments are
 * skipped). Null when neither is set: digests are off. There is no default key on purpose.
 */
export function loadDigestKeys(settings: {
  digestKey?: string;
  digestKeyFile?: string;
}): DigestKeyring | null {
  const { digestKey: inline, digestKeyFile: file } = settings;
  if (inline && file) throw new Error('set PREPLAN_DIGEST_KEY or PREPLAN_DIGEST_KEY_FILE, not both');
  let secrets: string[];
  if (inline) secrets = [checked(inline, 'PREPLAN_DIGEST_KEY')];
  else if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(
        `PREPLAN_DIGEST_KEY_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`,
      );
    }
    secrets = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line, index) => checked(line, `PREPLAN_DIGEST_KEY_FILE ${file}, key ${index + 1}`));
    if (secrets.length === 0) throw new Error(`PREPLAN_DIGEST_KEY_FILE: ${file} holds no key`);
  } else return null;
  const keys = secrets.map(digestKey);
  return { signing: keys[0], byId: new Map(keys.map((key) => [key.id, key])) };
}
