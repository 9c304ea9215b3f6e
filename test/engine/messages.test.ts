import { useTestDatabase } from '../support/test-database.js';
import { useReplayCheck, createHarness, type Harness } from '../support/runtime-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

const db = useTestDatabase('messages');
useReplayCheck();
afterAll(() => stopDiagramValidator());
let h: Harness;

beforeEach(async () => {
  h = await createHarness(db.connection);
  await h.deploy('await-message.bpmn');
});

test('a delivered message moves the waiting catch event on and its payload becomes variables', async () => {
  const { _id } = await h.runtime.start('await-message', { actor: 'monitor-1' });
  expect(await h.openTasks(_id)).toEqual([]);
  await h.runtime.deliverMessage(_id, 'county-guidance', { guidance: '先核实再回应' }, 'county-liaison');
  expect((await h.openTasks(_id)).map((t) => t.activityId)).toEqual(['consult']);
  expect(await h.stores.instances.load(_id)).toMatchObject({ variables: { guidance: '先核实再回应' } });
  const history = await h.stores.history.forInstance(_id);
  expect(history.find((e) => e.type === 'message.delivered')).toMatchObject({ actor: 'county-liaison' });
});

test('a message nothing waits for is refused', async () => {
  const { _id } = await h.runtime.start('await-message', { actor: 'monitor-1' });
  await expect(h.runtime.deliverMessage(_id, 'something-else', {}, 'x')).rejects.toMatchObject({
    kind: 'conflict',
  });
  await h.runtime.deliverMessage(_id, 'countyGuidance', {}, 'x');
  await expect(h.runtime.deliverMessage(_id, 'countyGuidance', {}, 'x')).rejects.toMatchObject({
    kind: 'conflict',
  });
});

describe('signals', () => {
  beforeEach(() => h.deploy('await-signal.bpmn'));

  test('a signal is broadcast to every instance waiting for it, and only to those', async () => {
    const waiting = [
      (await h.runtime.start('await-signal', { actor: 'm' }))._id,
      (await h.runtime.start('await-signal', { actor: 'm' }))._id,
    ];
    const other = (await h.runtime.start('await-message', { actor: 'm' }))._id;
    expect(await h.stores.instances.load(waiting[0])).toMatchObject({
      awaiting: ['signal:incident-subsided'],
    });
    const received = await h.runtime.broadcastSignal('incident-subsided', { subsidedAt: 'now' }, 'monitor-1');
    expect(received.sort()).toEqual([...waiting].sort());
    for (const id of waiting) {
      expect((await h.openTasks(id)).map((t) => t.activityId)).toEqual(['consult']);
      const record = await h.stores.instances.load(id);
      expect(record?.variables).toMatchObject({ subsidedAt: 'now' });
      expect(record?.awaiting ?? null).toBeNull();
    }
    expect(await h.openTasks(other)).toEqual([]);
    // Thrown again, it finds no one: the instances moved on.
    expect(await h.runtime.broadcastSignal('incident-subsided', {}, 'monitor-1')).toEqual([]);
  });

  test('a signal to one instance that does not wait for it is refused', async () => {
    const { _id } = await h.runtime.start('await-message', { actor: 'm' });
    await expect(h.runtime.deliverSignal(_id, 'incident-subsided', {}, 'x')).rejects.toMatchObject({
      kind: 'conflict',
    });
  });
});
