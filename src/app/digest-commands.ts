import type { Stores } from '../store/index.js';
import { systemClock } from '../engine/clock.js';
import type { DigestKeyring } from '../audit/digest-keys.js';
import { sealDay, sealMissingDays, verifyDigests } from '../audit/daily-digest.js';

type Write = (line: string) => void;

const OFF = 'digests: off (PREPLAN_DIGEST_KEY / PREPLAN_DIGEST_KEY_FILE is not set)';

/**
 * `preplan audit digest [--day YYYY-MM-DD]`: seals one ended day, or every ended day still
 * missing up to yesterday. Needs the key; sealing a sealed day says so and changes nothing.
 */
export async function sealCommand(
  stores: Stores,
  keys: DigestKeyring | null,
  args: string[],
  write: Write,
): Promise<void> {
  if (!keys) throw new Error(`${OFF}: set the key to seal digests`);
  const dayAt = args.indexOf('--day');
  const day = dayAt >= 0 ? args[dayAt + 1] : undefined;
  if (dayAt >= 0 && !day) throw new Error('usage: preplan audit digest [--day YYYY-MM-DD]');
  const now = systemClock.now();
  if (day) {
    const result = await sealDay(stores, keys, day, now);
    write(
      result.status === 'sealed'
        ? `sealed ${day}: ${result.heads} instance head(s), key ${keys.signing.id}`
        : `${day} was sealed already (${result.heads} instance head(s)); nothing changed`,
    );
    return;
  }
  const sealed = await sealMissingDays(stores, keys, now);
  write(
    sealed.length
      ? `sealed ${sealed.length} day(s): ${sealed.join(', ')} (key ${keys.signing.id})`
      : 'nothing to seal: every ended day is sealed',
  );
}

/** The digest part of `preplan audit verify`; true when nothing is wrong (or digests are off). */
export async function verifyDigestsCommand(
  stores: Stores,
  keys: DigestKeyring | null,
  instanceIds: Set<string> | undefined,
  write: Write,
): Promise<boolean> {
  if (!keys) {
    write(`${OFF}; chain rewrites with recomputed hashes are not detectable`);
    return true;
  }
  const report = await verifyDigests(stores, keys, systemClock.now(), { instanceIds });
  for (const p of report.problems)
    write(`DIGEST ${p.day} ${p.kind}${p.instanceId ? ` ${p.instanceId} event ${p.seq}` : ''}: ${p.detail}`);
  write(
    `digests: ${report.digests} day(s), ${report.heads} instance head(s) checked (key ${report.keyId}): ` +
      `${report.ok ? 'all agree' : `${report.problems.length} problem(s)`}`,
  );
  if (report.unsealed)
    write(
      `digests: ${report.unsealed.days} ended day(s) not sealed yet (${report.unsealed.from} … ${report.unsealed.to}); ` +
        'a node with the key seals them after midnight UTC, or run: preplan audit digest',
    );
  return report.ok;
}
