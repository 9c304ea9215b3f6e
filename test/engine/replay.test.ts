import { readFileSync } from 'node:fs';
import path from 'node:path';
import { useTestDatabase } from '../support/test-database.js';
import { useReplayCheck, createHarness, RESOURCES, type Harness } from '../support/runtime-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import { replayInstance } from '../../src/audit/replay.js';
import { DefinitionCache } from '../../src/engine/runtime/definition-cache.js';
import { deployDefinition } from '../../src/engine/definitions/deploy-definition.js';
import { testCatalog } from '../support/runtime-harness.js';

const db = useTestDatabase('replay');
useReplayCheck();
afterAll(() => stopDiagramValidator());
let h: Harness;
const HOUR = 3_600_000;

beforeEach(async () => {
  h = await createHarness(db.connection);
  await h.deploy('plan-elements.bpmn');
});

async function replay(instanceId: string, definitionId?: string) {
  const record = (await h.stores.instances.load(instanceId))!;
  const definitions = new DefinitionCache(h.stores.definitions);
  const definition = await definitions.get(definitionId ?? record.definitionId);
  return replayInstance(
    instanceId,
    definition,
    await h.stores.history.forInstance(instanceId),
    record.variables,
  );
}

async function runCase(): Promise<string> {
  const replyDueAt = new Date(h.clock.now().getTime() + 12 * HOUR).toISOString();
  const { _id } = await h.runtime.start('plan-elements', { actor: 'm', variables: { grade: 3, replyDueAt } });
  await h.drain();
  const watch = (await h.openTasks(_id)).find((t) => t.activityId === 'watch')!;
  await h.runtime.completeTask(watch._id, 'monitor1', { trend: 'stable' });
  h.clock.advance(HOUR);
  await h.drain();
  h.clock.advance(12 * HOUR);
  await h.drain();
  const draft = (await h.openTasks(_id)).find((t) => t.activityId === 'draft')!;
  await h.runtime.completeTask(draft._id, 'office1', { releaseTitle: '通稿' });
  return _id;
}

test('replaying a finished instance (tasks, a service job, timers, a deadline, a terminate) agrees with its record', async () => {
  const id = await runCase();
  expect(await h.stores.instances.load(id)).toMatchObject({ status: 'completed' });
  const result = await replay(id);
  expect(result).toMatchObject({ ok: true, inputs: 6 });
  expect(result.compared).toBeGreaterThan(20);
});

test('a deliberately changed definition makes the replay diverge at the step it changed', async () => {
  const id = await runCase();
  const changed = readFileSync(path.join(RESOURCES, 'plan-elements.bpmn'), 'utf8')
    .replace('<timeDuration>PT1H</timeDuration>', '<timeDuration>PT2H</timeDuration>')
    .replace('name="起草"', 'name="起草通稿"')
    .replace(
      '<sequenceFlow id="toHandle" sourceRef="pause" targetRef="handle" />',
      '<sequenceFlow id="toHandle" sourceRef="pause" targetRef="handle" />',
    )
    .replace(
      '<intermediateCatchEvent id="pause" name="等待一小时">',
      '<intermediateCatchEvent id="pause" name="等待两小时">',
    );
  const { definition } = await deployDefinition(h.stores.definitions, changed, {
    catalog: testCatalog,
    deployedBy: 'test',
  });
  const result = await replay(id, definition._id);
  expect(result.ok).toBe(false);
  // The recorded run went on after an hour; under the changed diagram the pause is still waiting.
  expect(result.divergence?.recorded).toMatchObject({ type: 'activity.end', activityId: 'pause' });
});
