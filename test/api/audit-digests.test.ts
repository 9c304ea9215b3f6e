import { useApiHarness } from '../support/api-harness.js';
import { incident } from '../plan/plan-support.js';
import { chainEvents, GENESIS_HASH } from '../../src/engine/runtime/history-chain.js';

const KEY = 'api-digest-key-0123456789abcdef-0123456789';
const plan = useApiHarness({ digestKey: KEY });

interface DigestList {
  enabled: boolean;
  keyId: string;
  items: Array<{
    day: string;
    heads: Array<{ instanceId: string; seq: number }>;
    keyId: string;
    mac: string;
  }>;
}
interface VerifyBody {
  items: Array<{ instanceId: string; ok: boolean }>;
  digests: {
    enabled: boolean;
    ok: boolean;
    digests: number;
    problems: Array<{ day: string; kind: string; instanceId?: string }>;
  };
}

test('auditors list the sealed digests and verify finds a chain rewritten after its day was sealed', async () => {
  const { h } = plan.api;
  const { _id: caseId } = await h.report(incident(h, 3));
  // The node armed the digest job when it started; the day is sealed once 00:10 UTC has passed.
  await h.advance(24 * 3_600_000);
  const auditor = await plan.api.as('auditor');
  const listed = await auditor.get<DigestList>('/api/audit/digests');
  expect(listed.status).toBe(200);
  expect(listed.body).toMatchObject({ enabled: true, keyId: h.node.digestKeys!.signing.id });
  expect(listed.body.items.map((item) => item.day)).toEqual(['2037-03-14']);
  const instances = await h.node.stores.instances.list({ businessKey: caseId });
  const sealedIds = listed.body.items[0].heads.map((head) => head.instanceId);
  for (const instance of instances) expect(sealedIds).toContain(instance._id);
  expect((await auditor.get<DigestList>('/api/audit/digests?from=2037-03-15')).body.items).toEqual([]);
  expect((await (await plan.api.as('leader')).get('/api/audit/digests')).status).toBe(403);
  const badDay = await auditor.get('/api/audit/digests?from=yesterday');
  expect([badDay.status, badDay.headers.get('content-type')]).toEqual([
    400,
    expect.stringMatching(/^application\/problem\+json/),
  ]);

  const intact = await auditor.get<VerifyBody>('/api/audit/verify');
  expect(intact.body.digests).toMatchObject({ enabled: true, ok: true, digests: 1, problems: [] });

  // Rewrite the intake's whole chain as of the seal, hashes and head recomputed.
  const target = instances.find((instance) => instance.definitionKey === 'opinion-intake')!._id;
  const events = await h.node.stores.history.forInstance(target);
  const sealedSeq = listed.body.items[0].heads.find((head) => head.instanceId === target)!.seq;
  const drafts = events.map(({ _id, instanceId: _i, seq: _s, prevHash: _p, hash: _h, ...draft }) =>
    draft.type === 'instance.started' ? { ...draft, actor: 'mallory' } : draft,
  );
  const chained = chainEvents(target, drafts, { seq: 0, hash: GENESIS_HASH });
  const db = h.node.connection.db!;
  await db.collection('history').deleteMany({ instanceId: target });
  await db.collection('history').insertMany(chained.events as never[]);
  await db
    .collection('instances')
    .updateOne({ _id: target as never }, { $set: { historySeq: chained.seq, historyHead: chained.hash } });

  const verified = await auditor.get<VerifyBody>(`/api/audit/verify?caseId=${caseId}`);
  expect(verified.body.items.every((item) => item.ok)).toBe(true);
  expect(verified.body.digests).toMatchObject({
    enabled: true,
    ok: false,
    problems: [{ day: '2037-03-14', kind: 'chain-differs', instanceId: target, seq: sealedSeq }],
  });
});
