/**
 * One preplan node for the kill -9 test (test/engine/kill-nine.test.ts), run in a child process
 * with `node --import tsx` so that SIGKILL hits a real process. Wired like the test harness
 * (test/support/runtime-harness.ts) but against a real HTTP peer and on the test's JumpClock:
 *
 * - the `effect` service POSTs `{ key, instanceId, activityId }` with an `Idempotency-Key`
 *   header to `KILL9_PEER_URL`/effect;
 * - a JobRunner polls for due jobs with a short lease, so a live node takes over a dead one's;
 * - a staff loop completes open reviews as `reviewPlan` says, through `runtime.completeTask`.
 *
 * Environment: PREPLAN_TEST_MONGODB_URI, KILL9_DB, KILL9_PEER_URL, KILL9_WORKER (the lease
 * owner's name), KILL9_LEASE_MS (on the test's clock), KILL9_POLL_MS (the job runner's),
 * KILL9_STAFF_POLL_MS. The parent sends `{ clock }` (a ClockSetting) over the IPC channel: once
 * after "ready" (the node starts working only then) and at every jump.
 *
 * Prints exactly one line on stdout, "ready"; anything else goes to stderr.
 */
import { connectStore } from '../../src/store/connection.js';
import { openStores } from '../../src/store/index.js';
import { DefinitionCache } from '../../src/engine/runtime/definition-cache.js';
import { Runtime } from '../../src/engine/runtime/runtime.js';
import { JobRunner } from '../../src/engine/jobs/job-runner.js';
import { PreplanError } from '../../src/errors.js';
import type { ServiceRegistry } from '../../src/services/service-types.js';
import {
  effectResult,
  JumpClock,
  reviewData,
  STAFF,
  staffShouldComplete,
  type ClockSetting,
} from './chaos-case.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`runtime-worker: ${name} is not set`);
  return value;
}

const worker = required('KILL9_WORKER');
const log = (message: string): void => {
  process.stderr.write(`[${worker}] ${message}\n`);
};

const clock = new JumpClock();
let started: (() => void) | null = null;
const firstTick = new Promise<void>((resolve) => (started = resolve));
process.on('message', (message: { clock?: ClockSetting }) => {
  if (!message?.clock) return;
  clock.set(message.clock);
  started?.();
  started = null;
});
// The parent is gone (the test ended or crashed): a worker never outlives it.
process.on('disconnect', () => process.exit(0));

async function main(): Promise<void> {
  const peerUrl = required('KILL9_PEER_URL');
  const leaseMs = Number(required('KILL9_LEASE_MS'));
  const pollMs = Number(required('KILL9_POLL_MS'));
  const staffPollMs = Number(required('KILL9_STAFF_POLL_MS'));
  const connection = await connectStore(required('PREPLAN_TEST_MONGODB_URI'), required('KILL9_DB'));
  const stores = await openStores(connection);
  const definitions = new DefinitionCache(stores.definitions);
  const runtime = new Runtime({ ...stores, definitions, clock });
  const services: ServiceRegistry = {
    async effect(call) {
      const response = await fetch(`${peerUrl}/effect`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': call.idempotencyKey,
          'x-worker': worker,
          'x-sent-at': String(Date.now()),
          'x-attempt': String(call.attempt),
        },
        body: JSON.stringify({
          key: call.idempotencyKey,
          instanceId: call.instanceId,
          activityId: call.activityId,
        }),
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`peer answered ${response.status}`);
      return effectResult(call.activityId);
    },
  };
  const runner = new JobRunner({
    jobs: stores.jobs,
    instances: stores.instances,
    runtime,
    services,
    clock,
    leaseMs,
    backoffMs: 1000,
    owner: worker,
    log,
  });

  process.stdout.write('ready\n');
  await firstTick;
  // Whatever the node before this one left half-written (a kill after a commit) is written out.
  const repaired = await runtime.repair();
  if (repaired > 0) log(`repaired ${repaired} instance(s)`);
  runner.start(pollMs);

  // The staff: several nodes may pick the same review; the one that loses gets a conflict.
  for (;;) {
    try {
      const open = await stores.tasks.openTasks();
      // A different order on every node and round, so nodes rarely collide on one review.
      const order = open.map((task) => ({ task, key: Math.random() })).sort((a, b) => a.key - b.key);
      for (const { task } of order) {
        if (!(await staffShouldComplete(stores.jobs, task, clock.now()))) continue;
        try {
          await runtime.completeTask(task._id, STAFF, reviewData(task.instanceId));
        } catch (error) {
          if (error instanceof PreplanError && (error.kind === 'conflict' || error.kind === 'not-found'))
            continue;
          throw error;
        }
      }
    } catch (error) {
      log(`staff: ${(error as Error).stack ?? String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, staffPollMs));
  }
}

main().catch((error: unknown) => {
  log(`failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
