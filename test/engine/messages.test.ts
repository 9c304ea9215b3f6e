import { useTestDatabase } from '../support/test-database.js';
import { createHarness, type Harness } from '../support/runtime-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

const db = useTestDatabase('messages');
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
