import { useTestDatabase } from '../support/test-database.js';
import { createHarness } from '../support/runtime-harness.js';
import { JobRunner } from '../../src/engine/jobs/job-runner.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import { DefinitionCache } from '../../src/engine/runtime/definition-cache.js';
import { FatalError } from '../../src/errors.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

const db = useTestDatabase('call_return_retry');
afterAll(() => stopDiagramValidator());

// Found by the chaos run (bench/chaos.ts): a node killed after a child's return was applied to its
// parent and before the job was marked done left the job to another node, which found the parent
// ended meanwhile and recorded the return as cancelled.
test("a child's return repeated after its node died is recorded done, even when the parent has ended since", async () => {
  const h = await createHarness(db.connection);
  await h.deploy('call-child.bpmn');
  await h.deploy('call-parent.bpmn');
  const parent = await h.runtime.start('call-parent', { actor: 'monitor-1' });
  await h.drain();
  const childId = `${parent._id}~${Object.keys(parent.waits)[0]}`;
  const [draft] = await h.openTasks(childId);
  await h.runtime.completeTask(draft._id, 'writer-1', { text: '通稿' });

  // The node that runs the return dies right after the parent's commit.
  const dying = new JobRunner({
    jobs: h.stores.jobs,
    instances: h.stores.instances,
    runtime: new Runtime({
      ...h.stores,
      definitions: new DefinitionCache(h.stores.definitions),
      clock: h.clock,
      faults: (point) => {
        if (point === 'command.after-commit') throw new FatalError('killed');
      },
    }),
    services: {},
    clock: h.clock,
    leaseMs: 60_000,
  });
  await expect(dying.runDue()).rejects.toThrow('killed');
  const [returning] = await h.stores.jobs.find({ instanceId: parent._id, kind: 'call-complete' });
  expect(returning).toMatchObject({ status: 'running' });

  // Meanwhile the parent goes on to its end.
  await h.runtime.repair();
  const [after] = await h.openTasks(parent._id);
  await h.runtime.completeTask(after._id, 'leader-1', {});
  expect(await h.stores.instances.load(parent._id)).toMatchObject({ status: 'completed' });

  h.clock.advance(60_001);
  await h.drain();
  expect(await h.stores.jobs.byId(returning._id)).toMatchObject({ status: 'done', attempts: 2 });
});
