/**
 * Fault injection at every boundary between durable writes: the node "dies" there (nothing
 * after the point runs), a fresh node starts on the same database, repairs, and the workload
 * goes on. The end state must match a run without faults.
 */
import { useTestDatabase } from '../support/test-database.js';
import { useReplayCheck, createHarness, type Harness } from '../support/runtime-harness.js';
import { verifyChain } from '../../src/engine/runtime/history-chain.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import { FatalError, PreplanError, type FaultPoint } from '../../src/errors.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import { JobRunner } from '../../src/engine/jobs/job-runner.js';
import { DefinitionCache } from '../../src/engine/runtime/definition-cache.js';

const db = useTestDatabase('crash_boundaries');
useReplayCheck();
afterAll(() => stopDiagramValidator());

const HOUR = 3_600_000;
const INSTANCES = 3;

class Node {
  runtime!: Runtime;
  runner!: JobRunner;
  crashes = 0;
  hits = 0;

  constructor(
    private readonly h: Harness,
    private readonly point: FaultPoint | null,
    private readonly crashAt: number,
  ) {
    this.boot();
  }

  /** A fresh process: nothing in memory survives, only the database. */
  boot(): void {
    const faults = (point: FaultPoint) => {
      if (point !== this.point) return;
      this.hits++;
      if (this.hits === this.crashAt) {
        this.crashes++;
        throw new FatalError(`simulated crash at ${point}`);
      }
    };
    const deps = {
      ...this.h.stores,
      definitions: new DefinitionCache(this.h.stores.definitions),
      clock: this.h.clock,
      faults,
    };
    this.runtime = new Runtime(deps);
    this.runner = new JobRunner({
      jobs: this.h.stores.jobs,
      instances: this.h.stores.instances,
      runtime: this.runtime,
      services: this.h.services,
      clock: this.h.clock,
      faults,
    });
  }

  /** Runs an operation; on a crash, restarts the node, repairs, and retries like a client would. */
  async do<T>(operation: () => Promise<T>): Promise<T | undefined> {
    for (;;) {
      try {
        return await operation();
      } catch (error) {
        if (!(error instanceof FatalError)) throw error;
        this.boot();
        await this.runtime.repair();
        this.h.clock.advance(61_000); // the dead node's leases run out
      }
    }
  }

  async drain(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const ran = await this.do(() => this.runner.runDue());
      if (ran === 0) {
        // a crash inside runDue returns undefined: look again
        if ((await this.h.stores.jobs.find({ status: 'pending' })).every((j) => j.dueAt > this.h.clock.now()))
          return;
      }
    }
  }
}

async function workload(h: Harness, node: Node): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    const started = await node.do(() =>
      node.runtime.start('review-notify', {
        actor: 'monitor',
        variables: { grade: (i % 3) + 1 },
        instanceId: `case-${i}`,
      }),
    );
    ids.push(started?._id ?? `case-${i}`);
  }
  h.clock.advance(8 * HOUR);
  await node.drain();
  for (const [i, id] of ids.entries()) {
    const [task] = await h.openTasks(id);
    if (!task) continue;
    await node.do(async () => {
      try {
        return await node.runtime.completeTask(task._id, `staff-${i}`, { approved: i % 2 === 0 });
      } catch (error) {
        // After a crash past the commit, the retry finds the task already completed.
        if (error instanceof PreplanError && error.kind === 'conflict') return undefined;
        throw error;
      }
    });
  }
  await node.drain();
  return ids;
}

async function snapshot(h: Harness, ids: string[]) {
  const out: Record<string, unknown> = {};
  for (const id of ids) {
    const instance = await h.stores.instances.load(id);
    const history = await h.stores.history.forInstance(id);
    expect(verifyChain(history)).toBeNull();
    out[id] = {
      status: instance?.status,
      variables: instance?.variables,
      outbox: instance?.outbox.length,
      tasks: (await h.stores.tasks.forInstance(id)).map(
        (t) => `${t.activityId}:${t.status}:${t.completedBy ?? ''}`,
      ),
      jobs: (await h.stores.jobs.find({ instanceId: id }))
        .map((j) => `${j.activityId}:${j.kind}:${j.status}`)
        .sort(),
      history: history.map((e) => `${e.type}:${e.activityId ?? ''}:${e.actor ?? ''}`),
    };
  }
  return out;
}

async function run(point: FaultPoint | null, crashAt = 0) {
  for (const name of await db.connection.db!.listCollections().toArray())
    await db.connection.db!.collection(name.name).deleteMany({});
  const h = await createHarness(db.connection);
  await h.deploy('review-notify.bpmn');
  const node = new Node(h, point, crashAt);
  const ids = await workload(h, node);
  const calls = new Map<string, number>();
  for (const call of h.calls) calls.set(call.idempotencyKey, (calls.get(call.idempotencyKey) ?? 0) + 1);
  return { state: await snapshot(h, ids), calls, crashes: node.crashes, hits: node.hits };
}

let baseline: Awaited<ReturnType<typeof run>>;
beforeAll(async () => {
  baseline = await run(null);
});

const points: FaultPoint[] = [
  'command.after-commit',
  'materialise.after-history',
  'job.after-claim',
  'job.after-result',
];

test.each(points)(
  'a crash at %s, at every one of its occurrences, loses and repeats nothing',
  async (point) => {
    const { hits } = await run(point, Number.MAX_SAFE_INTEGER);
    expect(hits).toBeGreaterThan(2);
    for (let crashAt = 1; crashAt <= hits; crashAt++) {
      const faulty = await run(point, crashAt);
      expect({ crashAt, crashes: faulty.crashes }).toEqual({ crashAt, crashes: 1 });
      expect(faulty.state).toEqual(baseline.state);
      expect([...faulty.calls.values()].every((count) => count === 1)).toBe(true);
      expect(faulty.calls.size).toBe(baseline.calls.size);
    }
  },
  120_000,
);

test('a crash between a service call and recording its result repeats the call with the same idempotency key', async () => {
  const faulty = await run('job.after-service', 1);
  expect(faulty.crashes).toBe(1);
  expect(faulty.state).toEqual(baseline.state);
  const repeated = [...faulty.calls.entries()].filter(([, count]) => count > 1);
  expect(repeated).toHaveLength(1);
  expect(repeated[0][1]).toBe(2);
});

describe('repair', () => {
  test('repair writes out every pending outbox, not just the first hundred, and begins unbegun instances', async () => {
    const h = await createHarness(db.connection);
    await h.deploy('review-notify.bpmn');
    const crashing = new Runtime({
      ...h.stores,
      definitions: new DefinitionCache(h.stores.definitions),
      clock: h.clock,
      faults: (point) => {
        if (point === 'command.after-commit') throw new FatalError('crash');
      },
    });
    for (let i = 0; i < 130; i++)
      await expect(
        crashing.start('review-notify', { actor: 'monitor', instanceId: `bulk-${i}` }),
      ).rejects.toThrow('crash');
    await h.stores.instances.create({
      _id: 'never-begun',
      definitionId: 'review-notify:1',
      definitionKey: 'review-notify',
      definitionVersion: 1,
      status: 'running',
      revision: 0,
      engineState: null,
      variables: {},
      waits: {},
      outbox: [],
      historySeq: 0,
      historyHead: '0'.repeat(64),
      createdAt: h.clock.now(),
      updatedAt: h.clock.now(),
    });
    expect(await h.runtime.repair()).toBe(131);
    expect((await h.stores.tasks.openTasks()).length).toBe(131);
    expect(await h.stores.instances.withPendingOutbox()).toEqual([]);
  }, 60_000);
});
