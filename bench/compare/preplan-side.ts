/** preplan's side of the comparison: the persisted runtime as the engine bench builds it (bench/engine). */
import { ManualClock } from '../../src/engine/clock.js';
import { deployDefinition } from '../../src/engine/definitions/deploy-definition.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import { CATALOG, FLOW_KEY, FLOW_XML } from '../engine/diagrams.js';
import { concurrentInstance, createNode, type Node } from '../engine/persisted-node.js';
import { packageVersion } from '../support/machine-info.js';
import type { SideEngine } from './side.js';

export async function createSide(): Promise<SideEngine> {
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  let node: Node | undefined;
  const ready = (): Node => {
    if (!node) throw new Error('preplan side used before setup');
    return node;
  };
  return {
    name: 'preplan',
    version: `${packageVersion('bpmn-engine') ?? '?'} (bpmn-engine)`,
    async setup(uri, database) {
      node = await createNode(uri, clock, { dbName: database });
      await node.connection.dropDatabase();
      await Promise.all(Object.values(node.stores).map((store) => store.init()));
      await deployDefinition(node.stores.definitions, FLOW_XML, { catalog: CATALOG, deployedBy: 'bench' });
      await stopDiagramValidator();
      // Several loops run jobs for each other: each waits until its own service result is in.
      node.runtime.trackDeliveries(true);
    },
    instance: () => concurrentInstance(ready()),
    async startWaiting() {
      const started = await ready().runtime.start(FLOW_KEY, { actor: 'bench', variables: { grade: 1 } });
      const delivered = ready().runtime.delivered(started._id);
      await ready().runner.runDue(1);
      await delivered;
    },
    async close() {
      await node?.connection.close();
    },
  };
}
