/**
 * CI's short chaos run: the driver behind `npm run chaos` (bench/chaos/run-chaos.ts) with 40
 * cases and at least 6 nodes killed -9 and restarted at random. Every case must end as its
 * scenario's fault-free case, every task complete once, every message arrive once (a repeat only
 * with the same idempotency key, sent by a node that died holding the job), the sweep schedule
 * keep its occurrences and every history chain verify. CHAOS_SEED=<seed> replays the kill choices.
 */
import { randomInt } from 'node:crypto';
import { runChaos } from '../../bench/chaos/run-chaos.js';
import { summary } from '../../bench/chaos/summary.js';

const SEED = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : randomInt(2 ** 31);

test('40 cases worked through the API of three nodes killed -9 at random end as without faults, with nothing lost or done twice', async () => {
  console.log(`chaos seed ${SEED} (replay: CHAOS_SEED=${SEED} npm test -- test/scale/chaos-short.test.ts)`);
  const report = await runChaos({
    cases: 40,
    minKills: 6,
    gapMs: [2000, 8000],
    seed: SEED,
    stepTimeoutMs: 180_000,
  });
  console.log(summary(report));
  expect(report.violations).toEqual([]);
  expect(report.kills.total).toBeGreaterThanOrEqual(6);
  expect(report.cases).toMatchObject({
    batch: 40,
    closed: 40 + report.cases.reference,
    failed: 0,
    differing: 0,
  });
}, 900_000);
