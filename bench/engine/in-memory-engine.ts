/**
 * Figures 1 and 1b of the engine bench: bpmn-engine on its own, in memory, and preplan's EngineStep
 * without the store.
 */
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import { ManualClock } from '../../src/engine/clock.js';
import type { LoadedDefinition } from '../../src/engine/runtime/definition-cache.js';
import { EngineStep, type Delivery, type StepOutcome } from '../../src/engine/runtime/engine-step.js';
import { settledMemory } from '../support/heap.js';

interface ServiceActivity {
  type: string;
  behaviour: Record<string, unknown> & { Service?: unknown };
  environment: { assignVariables(vars: Record<string, unknown>): void };
}

interface ServiceExecuteMessage {
  content: { executionId?: string };
}

/**
 * The raw engine runs the same diagram (camunda:type="external", topic notify): like preplan's
 * EngineStep, an extension replaces the service task's behaviour. `answer` decides when the
 * service calls back: at once, or later (the raw engine split where a persisted instance's
 * commands split it).
 */
function serviceExtension(answer: (callBack: () => void) => void) {
  return (activity: ServiceActivity): { activate(): void; deactivate(): void } | undefined => {
    if (activity.type !== 'bpmn:ServiceTask') return undefined;
    activity.behaviour.Service = function BenchService(this: { execute: unknown }) {
      this.execute = (
        _message: ServiceExecuteMessage,
        callback: (error: unknown, output?: unknown) => void,
      ) => {
        answer(() => {
          const output = { notifySent: true };
          activity.environment.assignVariables(output);
          callback(null, output);
        });
      };
    };
    return { activate() {}, deactivate() {} };
  };
}

const instantServiceExtension = serviceExtension((callBack) => callBack());

interface WaitApi {
  type: string;
  signal(message?: unknown): void;
}

let rawCount = 0;

/** One raw instance: execute, the service calls back, the user task is signalled from `wait`. */
export function rawInstance(definition: LoadedDefinition, signal = true): Promise<Engine> {
  return new Promise((resolve, reject) => {
    const listener = new EventEmitter();
    const engine = new Engine({
      name: `raw-${++rawCount}`,
      sourceContext: definition.sourceContext as never,
      extensions: { bench: instantServiceExtension as never },
    });
    listener.on('wait', (api: WaitApi) => {
      if (api.type !== 'bpmn:UserTask') return;
      if (signal) api.signal({ approved: true });
      else resolve(engine);
    });
    engine.once('end', () => resolve(engine));
    engine.once('error', reject);
    engine.execute({ listener, variables: { grade: 1 } } as never).catch(reject);
  });
}

/**
 * The engine floor of any design that keeps no engine waiting for a person: bpmn-engine alone,
 * no store and none of preplan's bookkeeping, with the instance's two lives. The first runs to
 * the parked service, is handed its result, reaches the user task and saves its state
 * (`getState`); the second is a new Engine that recovers that state, resumes, and is signalled
 * to the end.
 */
export async function rawTwoLives(definition: LoadedDefinition): Promise<void> {
  let release: (() => void) | undefined;
  let task: WaitApi | undefined;
  const listener = new EventEmitter();
  listener.on('wait', (api: WaitApi) => {
    if (api.type === 'bpmn:UserTask') task = api;
  });
  const extensions = { bench: serviceExtension((callBack) => (release = callBack)) as never };
  const first = new Engine({
    name: `raw-${++rawCount}`,
    sourceContext: definition.sourceContext as never,
    extensions,
  });
  await first.execute({ listener, variables: { grade: 1 } } as never);
  if (!release) throw new Error('raw two lives: the service task did not park');
  release();
  await new Promise((resolve) => setImmediate(resolve));
  if (!task) throw new Error('raw two lives: no user task after the service result');
  const state = await first.getState();
  task = undefined;
  const second = new Engine({
    name: first.name,
    sourceContext: definition.sourceContext as never,
    extensions,
  });
  second.recover(JSON.parse(JSON.stringify(state)));
  const ended = new Promise<void>((resolve, reject) => {
    second.once('end', () => resolve());
    second.once('error', reject);
  });
  await second.resume({ listener } as never);
  const waiting = task as WaitApi | undefined;
  if (!waiting) throw new Error('raw two lives: the recovered engine did not wait at the user task');
  waiting.signal({ approved: true });
  await ended;
}

/** Heap that one raw engine waiting at its user task holds: what an in-memory design keeps. */
export async function rawEngineFootprintKb(definition: LoadedDefinition, count = 200): Promise<number> {
  const before = settledMemory().heapUsedMb;
  const engines: Engine[] = [];
  for (let i = 0; i < count; i++) engines.push(await rawInstance(definition, false));
  const after = settledMemory().heapUsedMb;
  for (const engine of engines) await engine.stop();
  engines.length = 0;
  return ((after - before) * 1024) / count;
}

// ---------------------------------------------------------------------------------------------
// 1b. preplan's EngineStep without the store: three engine lives, the state carried between them

const benchClock = new ManualClock('2026-03-01T00:00:00.000Z');

export async function stepOnly(definition: LoadedDefinition, instanceId: string): Promise<void> {
  const waitsOf = (outcome: StepOutcome): Record<string, unknown> =>
    Object.fromEntries(outcome.waits.map((wait) => [wait.executionId, { kind: wait.kind }]));
  const common = { instanceId, definition, clock: benchClock };
  const first = await EngineStep.open({
    ...common,
    engineState: null,
    startVariables: { grade: 1 },
    knownWaits: {},
  });
  const started = await first.finish();
  const service = started.waits.find((wait) => wait.kind === 'service');
  if (!service) throw new Error('EngineStep: the service task did not park');
  const deliveries = new Map<string, Delivery>([[service.executionId, { result: { notifySent: true } }]]);
  const second = await EngineStep.open({
    ...common,
    engineState: started.engineState,
    knownWaits: waitsOf(started),
    deliveries,
  });
  const delivered = await second.finish();
  const task = delivered.waits.find((wait) => wait.kind === 'task');
  if (!task) throw new Error('EngineStep: no user task after the service result');
  const third = await EngineStep.open({
    ...common,
    engineState: delivered.engineState,
    knownWaits: waitsOf(delivered),
  });
  if (!third.completeTask(task.executionId, { approved: true }))
    throw new Error('EngineStep: the user task was not waiting');
  const ended = await third.finish();
  if (ended.status !== 'completed') throw new Error(`EngineStep: instance ${ended.status}, not completed`);
}
