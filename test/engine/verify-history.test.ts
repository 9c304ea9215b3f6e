import { useTestDatabase } from '../support/test-database.js';
import { useReplayCheck, createHarness, type Harness } from '../support/runtime-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import { verifyHistory } from '../../src/audit/verify-history.js';
import { chainEvents } from '../../src/engine/runtime/history-chain.js';
import type { HistoryEvent } from '../../src/store/history-store.js';

const db = useTestDatabase('verify_history');
useReplayCheck();
afterAll(() => stopDiagramValidator());
let h: Harness;
let instanceId: string;
let events: HistoryEvent[];

beforeEach(async () => {
  h = await createHarness(db.connection);
  await h.deploy('review-notify.bpmn');
  instanceId = (await h.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } }))._id;
  const [task] = await h.openTasks(instanceId);
  await h.runtime.completeTask(task._id, 'bob', { approved: true });
  await h.drain();
  events = await h.stores.history.forInstance(instanceId);
  expect(events.length).toBeGreaterThan(10);
});

const check = async (tampered: HistoryEvent[]) =>
  verifyHistory((await h.stores.instances.load(instanceId))!, tampered);

test('an untouched history verifies', async () => {
  expect(await check(events)).toEqual({ instanceId, ok: true, events: events.length });
});

test('an event edited in place is found at its sequence number', async () => {
  const tampered = events.map((e) => (e.seq === 6 ? { ...e, actor: 'mallory' } : e));
  expect((await check(tampered)).problem).toMatchObject({ seq: 6, kind: 'altered' });
});

test('an event replaced with a recomputed hash is found at its sequence number', async () => {
  const [forged] = chainEvents(instanceId, [{ ...events[6], actor: 'mallory' }], {
    seq: 6,
    hash: events[5].hash,
  }).events;
  const tampered = events.map((e) => (e.seq === 7 ? forged : e));
  expect((await check(tampered)).problem).toMatchObject({ seq: 7, kind: 'altered' });
});

test('a removed event is found, in the middle and at the end', async () => {
  expect((await check(events.filter((e) => e.seq !== 4))).problem).toMatchObject({ seq: 4, kind: 'removed' });
  expect((await check(events.slice(0, -2))).problem).toMatchObject({
    seq: events.length - 1,
    kind: 'removed',
  });
});

test('a removed event is found even when the later ones were renumbered', async () => {
  const renumbered = events.slice(4).map((e) => ({ ...e, seq: e.seq - 1 }));
  expect((await check([...events.slice(0, 3), ...renumbered])).problem).toMatchObject({
    seq: 4,
    kind: 'removed',
  });
});

test('an inserted event is found at its sequence number', async () => {
  const [inserted] = chainEvents(instanceId, [{ at: new Date(), type: 'task.completed', actor: 'mallory' }], {
    seq: 4,
    hash: events[3].hash,
  }).events;
  const renumbered = events.slice(4).map((e) => ({ ...e, seq: e.seq + 1 }));
  const tampered = [...events.slice(0, 4), inserted, ...renumbered];
  expect((await check(tampered)).problem).toMatchObject({ seq: 5, kind: 'inserted' });
});
