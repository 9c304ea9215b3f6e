import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { useTestDatabase } from '../support/test-database.js';
import { createHarness, useReplayCheck, type Harness } from '../support/runtime-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import { sealDay, sealMissingDays, verifyDigests } from '../../src/audit/daily-digest.js';
import { loadDigestKeys, type DigestKeyring } from '../../src/audit/digest-keys.js';
import { verifyAll } from '../../src/audit/verify-all.js';
import { chainEvents, GENESIS_HASH } from '../../src/engine/runtime/history-chain.js';
import type { HistoryEvent } from '../../src/store/history-store.js';
import { loadConfig } from '../../src/config.js';

const db = useTestDatabase('daily_digest');
useReplayCheck();
afterAll(() => stopDiagramValidator());

const KEY = 'digest-test-key-0123456789abcdef-0123456789';
const EARLIER_KEY = 'an-earlier-digest-key-fedcba9876543210-xyz';
const keys = loadDigestKeys({ digestKey: KEY })!;
let h: Harness;

beforeEach(async () => {
  h = await createHarness(db.connection);
  await h.deploy('review-notify.bpmn');
});

/** One review, from start to its end, at the harness's current (virtual) time. */
async function review(approved: boolean): Promise<string> {
  const id = (await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } }))._id;
  const [task] = await h.openTasks(id);
  await h.runtime.completeTask(task._id, 'bob', { approved });
  await h.drain();
  return id;
}

/**
 * What an intruder with write access to the database (but not the key) would do: rewrite an
 * instance's history (edited, or cut after `keep` events), recompute every hash and link, and
 * move the instance's head to match, so the chain verifies again.
 */
async function rewriteChain(instanceId: string, edit: (event: HistoryEvent) => HistoryEvent, keep?: number) {
  const events = (await h.stores.history.forInstance(instanceId)).slice(0, keep).map(edit);
  const drafts = events.map(({ _id, instanceId: _i, seq: _s, prevHash: _p, hash: _h, ...draft }) => draft);
  const chained = chainEvents(instanceId, drafts, { seq: 0, hash: GENESIS_HASH });
  const history = db.connection.db!.collection('history');
  await history.deleteMany({ instanceId });
  await history.insertMany(chained.events as never[]);
  await db.connection
    .db!.collection('instances')
    .updateOne(
      { _id: instanceId as never },
      { $set: { historySeq: chained.seq, historyHead: chained.hash } },
    );
  h.excludeFromReplay(instanceId, 'its history is rewritten on purpose: the digest is what must catch it');
}

const check = (keyring: DigestKeyring = keys) => verifyDigests(h.stores, keyring, h.clock.now());

test('a whole chain rewritten with every hash and the head recomputed passes verify-history, but the digest names instance, day and seq', async () => {
  h.clock.set('2026-03-01T09:00:00Z');
  const rewritten = await review(true);
  await review(false);
  h.clock.set('2026-03-02T00:10:00Z');
  expect(await sealMissingDays(h.stores, keys, h.clock.now())).toEqual(['2026-03-01']);
  const sealedSeq = (await h.stores.instances.load(rewritten))!.historySeq;
  expect(await check()).toMatchObject({ ok: true, digests: 1, heads: 2, problems: [], unsealed: null });

  await rewriteChain(rewritten, (event) =>
    event.type === 'task.completed' ? { ...event, actor: 'mallory', data: { approved: false } } : event,
  );
  expect((await verifyAll(h.stores)).map((verdict) => verdict.ok)).toEqual([true, true]);
  const report = await check();
  expect(report.ok).toBe(false);
  expect(report.problems).toEqual([
    {
      day: '2026-03-01',
      kind: 'chain-differs',
      instanceId: rewritten,
      seq: sealedSeq,
      detail: expect.stringContaining('改写'),
    },
  ]);
});

test('a chain cut short after its day was sealed (head moved back to match) is found as events missing', async () => {
  h.clock.set('2026-03-01T09:00:00Z');
  const id = await review(true);
  const sealedSeq = (await h.stores.instances.load(id))!.historySeq;
  h.clock.set('2026-03-02T00:10:00Z');
  await sealMissingDays(h.stores, keys, h.clock.now());
  await rewriteChain(id, (event) => event, 5);
  expect((await verifyAll(h.stores))[0]).toMatchObject({ ok: true, events: 5 });
  expect((await check()).problems).toEqual([
    { day: '2026-03-01', kind: 'events-missing', instanceId: id, seq: sealedSeq, detail: expect.any(String) },
  ]);
});

test('a digest changed after sealing is forged, a removed one leaves a missing day', async () => {
  h.clock.set('2026-03-01T09:00:00Z');
  await review(true);
  h.clock.set('2026-03-03T09:00:00Z');
  const later = await review(true);
  h.clock.set('2026-03-04T00:10:00Z');
  // 03-02 had no events: it is sealed all the same (no heads), so a gap always means a removal.
  expect(await sealMissingDays(h.stores, keys, h.clock.now())).toEqual([
    '2026-03-01',
    '2026-03-02',
    '2026-03-03',
  ]);
  expect((await h.stores.digests.byDay('2026-03-02'))?.heads).toEqual([]);

  const digests = db.connection.db!.collection('digests');
  // Someone who rewrote `later` also puts its new head into the digest, but cannot sign it.
  await digests.updateOne({ _id: '2026-03-03' as never }, { $set: { 'heads.0.hash': 'f'.repeat(64) } });
  await digests.deleteOne({ _id: '2026-03-02' as never });
  // A planted record, too mangled to serialise, is forged too (and no error).
  await digests.insertOne({
    _id: '2026-02-28' as never,
    heads: 'all fine',
    keyId: keys.signing.id,
    mac: 'x',
  });
  const report = await check();
  expect(report.problems.map(({ day, kind, instanceId }) => ({ day, kind, instanceId }))).toEqual([
    { day: '2026-02-28', kind: 'forged', instanceId: undefined },
    { day: '2026-03-02', kind: 'missing-day', instanceId: undefined },
    { day: '2026-03-03', kind: 'forged', instanceId: undefined },
  ]);
  expect(report.heads).toBe(1);
  expect((await h.stores.digests.byDay('2026-03-03'))?.heads[0].instanceId).toBe(later);
});

test('sealing a sealed day changes nothing', async () => {
  h.clock.set('2026-03-01T09:00:00Z');
  await review(true);
  h.clock.set('2026-03-02T00:10:00Z');
  expect(await sealDay(h.stores, keys, '2026-03-01', h.clock.now())).toEqual({
    day: '2026-03-01',
    status: 'sealed',
    heads: 1,
  });
  const first = await h.stores.digests.byDay('2026-03-01');
  h.clock.advance(3_600_000);
  await review(false);
  expect(await sealDay(h.stores, keys, '2026-03-01', h.clock.now())).toMatchObject({
    status: 'already-sealed',
  });
  expect(await sealMissingDays(h.stores, keys, h.clock.now())).toEqual([]);
  expect(await h.stores.digests.list()).toEqual([first]);
});

test('a day is not sealed before it has ended and the ten minutes after midnight have passed', async () => {
  h.clock.set('2026-03-01T15:00:00Z');
  await review(true);
  await expect(sealDay(h.stores, keys, '2026-03-01', h.clock.now())).rejects.toMatchObject({
    kind: 'conflict',
  });
  expect(await sealMissingDays(h.stores, keys, h.clock.now())).toEqual([]);
  h.clock.set('2026-03-02T00:05:00Z');
  await expect(sealDay(h.stores, keys, '2026-03-01', h.clock.now())).rejects.toMatchObject({
    kind: 'conflict',
  });
  expect(await sealMissingDays(h.stores, keys, h.clock.now())).toEqual([]);
  expect(await h.stores.digests.days()).toEqual([]);
  expect((await check()).unsealed).toBeNull();
  h.clock.set('2026-03-02T00:10:00Z');
  expect((await check()).unsealed).toEqual({ from: '2026-03-01', to: '2026-03-01', days: 1 });
  expect(await sealMissingDays(h.stores, keys, h.clock.now())).toEqual(['2026-03-01']);
  await expect(sealDay(h.stores, keys, '2026-02-30', h.clock.now())).rejects.toMatchObject({
    kind: 'invalid',
  });
});

describe('keys', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'preplan-digest-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('after a key change, old digests verify with the old key on a later line of the key file, and only so', async () => {
    h.clock.set('2026-03-01T09:00:00Z');
    await review(true);
    h.clock.set('2026-03-02T00:10:00Z');
    const earlier = loadDigestKeys({ digestKey: EARLIER_KEY })!;
    await sealMissingDays(h.stores, earlier, h.clock.now());

    expect((await check()).problems).toEqual([
      { day: '2026-03-01', kind: 'unknown-key', detail: expect.stringContaining(earlier.signing.id) },
    ]);
    const file = path.join(dir, 'digest.key');
    writeFileSync(file, `# current key first\n${KEY}\n\n${EARLIER_KEY}\n`);
    const rotated = loadDigestKeys({ digestKeyFile: file })!;
    expect(rotated.signing.id).toBe(keys.signing.id);
    expect(await check(rotated)).toMatchObject({ ok: true, heads: 1 });
    h.clock.set('2026-03-03T00:10:00Z');
    await sealMissingDays(h.stores, rotated, h.clock.now());
    expect((await h.stores.digests.byDay('2026-03-02'))?.keyId).toBe(keys.signing.id);
  });

  test('no key means digests off; a short key, both settings or an empty file stop start-up without showing the key', () => {
    expect(loadDigestKeys({})).toBeNull();
    expect(loadConfig({}).digestKey).toBeUndefined();
    expect(() => loadConfig({ PREPLAN_DIGEST_KEY: 'hunter2-hunter2' })).toThrow(
      /PREPLAN_DIGEST_KEY.*at least 32/,
    );
    expect(() => loadConfig({ PREPLAN_DIGEST_KEY: 'hunter2-hunter2' })).not.toThrow(/hunter2/);
    const empty = path.join(dir, 'empty.key');
    writeFileSync(empty, '# nothing here\n');
    expect(() => loadDigestKeys({ digestKeyFile: empty })).toThrow(/holds no key/);
    expect(() => loadDigestKeys({ digestKey: KEY, digestKeyFile: empty })).toThrow(/not both/);
    expect(() => loadDigestKeys({ digestKeyFile: path.join(dir, 'missing.key') })).toThrow(/ENOENT/);
  });
});
