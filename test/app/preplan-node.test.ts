import os from 'node:os';
import path from 'node:path';
import { copyFileSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { startPreplanNode, type PreplanNode } from '../../src/app/preplan-node.js';
import { testMongoUri } from '../support/test-database.js';
import { RESOURCES } from '../support/runtime-harness.js';
import type { ServiceCall } from '../../src/services/service-types.js';

let dir: string;
const nodes: PreplanNode[] = [];
const database = `test_node_${randomBytes(3).toString('hex')}`;
const calls: ServiceCall[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'preplan-node-'));
  mkdirSync(path.join(dir, 'processes'));
  mkdirSync(path.join(dir, 'forms'));
  copyFileSync(path.join(RESOURCES, 'review-notify.bpmn'), path.join(dir, 'processes/review-notify.bpmn'));
  writeFileSync(
    path.join(dir, 'forms/review.json'),
    JSON.stringify({ $id: 'preplan:form:review', type: 'object', additionalProperties: true }),
  );
});
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  const node = await start(false);
  await node.connection.dropDatabase();
  await node.stop();
});

async function start(scheduler = true): Promise<PreplanNode> {
  const node = await startPreplanNode({
    mongodbUri: testMongoUri(),
    database,
    processesDir: path.join(dir, 'processes'),
    formsDir: path.join(dir, 'forms'),
    planFile: path.join(import.meta.dirname, '../../config/plan.json'),
    services: {
      notify: async (call) => {
        calls.push(call);
        return { notified: true };
      },
    },
    scheduler,
    schedulerPollMs: 20,
    log: pino({ level: 'silent' }),
  });
  nodes.push(node);
  return node;
}

test('a node deploys processes/ at start-up and keeps the version when nothing changed', async () => {
  const first = await start(false);
  expect(first.deployed).toEqual([
    { key: 'review-notify', version: expect.any(Number), created: expect.any(Boolean) },
  ]);
  const version = first.deployed[0].version;
  await first.stop();
  nodes.pop();
  const second = await start(false);
  expect(second.deployed).toEqual([{ key: 'review-notify', version, created: false }]);
});

test('a node refuses to start when a diagram in processes/ is invalid', async () => {
  writeFileSync(path.join(dir, 'processes/broken.bpmn'), '<definitions><process');
  await expect(start(false)).rejects.toThrow(/broken\.bpmn was not deployed/);
});

test("the node's scheduler runs service jobs without being asked", async () => {
  const node = await start(true);
  const instance = await node.runtime.start('review-notify', { actor: 'alice', variables: { grade: 1 } });
  const [task] = (await node.stores.tasks.forInstance(instance._id)).filter((t) => t.status === 'open');
  await node.runtime.completeTask(task._id, 'bob', { approved: true });
  const deadline = Date.now() + 5000;
  while ((await node.stores.instances.load(instance._id))?.status === 'running' && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await node.stores.instances.load(instance._id)).toMatchObject({
    status: 'completed',
    variables: { notified: true },
  });
  expect(calls.some((c) => c.instanceId === instance._id)).toBe(true);
});
