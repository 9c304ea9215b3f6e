import { useTestDatabase } from '../support/test-database.js';
import { createHarness } from '../support/runtime-harness.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import { DefinitionCache } from '../../src/engine/runtime/definition-cache.js';
import { FatalError } from '../../src/errors.js';
import { RepairSweep } from '../../src/app/repair-sweep.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

const db = useTestDatabase('repair_sweep');
afterAll(() => stopDiagramValidator());

test('a live node writes out what a node that died after its commit left, once it is older than the grace period', async () => {
  const h = await createHarness(db.connection);
  await h.deploy('review-notify.bpmn');
  // The node that dies: its command commits, and the process is killed before the task is written.
  const dying = new Runtime({
    ...h.stores,
    definitions: new DefinitionCache(h.stores.definitions),
    clock: h.clock,
    faults: (point) => {
      if (point === 'command.after-commit') throw new FatalError('killed');
    },
  });
  await expect(
    dying.start('review-notify', { actor: 'office1', instanceId: 'left-behind', variables: { grade: 1 } }),
  ).rejects.toThrow('killed');
  expect(await h.openTasks('left-behind')).toEqual([]);

  const found: Array<Record<string, unknown>> = [];
  const sweep = new RepairSweep({
    clock: h.clock,
    graceMs: 5000,
    repairInstances: (olderThan) => h.runtime.repair({ olderThan }),
    startMissingIntakes: async () => 0,
    log: (fields) => found.push(fields),
  });
  // Just committed: the node that did it may be writing it out right now; left alone.
  await sweep.sweep();
  expect(await h.openTasks('left-behind')).toEqual([]);

  h.clock.advance(5001);
  await sweep.sweep();
  expect((await h.openTasks('left-behind')).map((task) => task.activityId)).toEqual(['review']);
  expect(await h.stores.instances.withPendingOutbox()).toEqual([]);
  expect(found).toEqual([{ instances: 1, intakes: 0 }]);
});
