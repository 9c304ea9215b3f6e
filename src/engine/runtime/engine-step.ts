import { Engine } from 'bpmn-engine';
import type { Clock } from '../clock.js';
import type { LoadedDefinition } from './definition-cache.js';
import type { HistoryDraft } from './history-chain.js';
import { HostTimers } from './host-timers.js';
import { timerDueAt } from './timer-due.js';
import { noScripts, safeEngineExpressions } from './engine-expressions.js';
import { CLOCK_SETTING, TIME_ZONE_SETTING, lendClock } from './virtual-time.js';

export type WaitKind = 'task' | 'timer' | 'service' | 'call' | 'message' | 'signal';

/** Something the instance waits on that the host must provide: a person, a time, a job, a child. */
export interface OpenWait {
  kind: WaitKind;
  activityId: string;
  executionId: string;
  name?: string;
  formKey?: string;
  candidateGroups?: string[];
  assignee?: string;
  dueDate?: Date;
  /** Timer: when it is due (on the host's clock). */
  dueAt?: Date;
  timerType?: string;
  topic?: string;
  /** Message or signal: its name (or id when unnamed). */
  event?: string;
  /** Service task: its resolved `camunda:inputParameter`s. */
  input?: Record<string, unknown>;
  calledElement?: string;
}

export interface Delivery {
  result?: Record<string, unknown>;
  error?: { message: string; code?: string };
}

export interface StepInput {
  instanceId: string;
  definition: LoadedDefinition;
  /** null starts a new run. */
  engineState: Record<string, unknown> | null;
  startVariables?: Record<string, unknown>;
  /** Executions already known to wait: their re-announcement on resume is not news. */
  knownWaits: Record<string, unknown>;
  /** Service results to hand back, by the task's execution id. */
  deliveries?: Map<string, Delivery>;
  clock: Clock;
  timeZone?: string;
}

export interface StepOutcome {
  engineState: Record<string, unknown>;
  status: 'running' | 'completed' | 'failed';
  waits: OpenWait[];
  variables: Record<string, unknown>;
  output: Record<string, unknown>;
  error?: { message: string; code?: string };
  drafts: HistoryDraft[];
}

interface ParkedService {
  activityId: string;
  topic: string;
  input: Record<string, unknown>;
  environment: { assignVariables(vars: Record<string, unknown>): void };
  callback: (error: unknown, output?: unknown) => void;
}

/** What a later command hands to an engine kept running since the last one (see `resume`). */
export interface ResumeInput {
  knownWaits: Record<string, unknown>;
  deliveries?: Map<string, Delivery>;
}

interface ActivityApi {
  id: string;
  type: string;
  name?: string;
  executionId: string;
  content: Record<string, unknown>;
  owner: {
    behaviour: Record<string, unknown>;
    environment: {
      assignVariables(vars: Record<string, unknown>): void;
      resolveExpression(expression: string, message?: unknown): unknown;
    };
  };
  getPostponed?: () => ActivityApi[];
  signal(message?: unknown): void;
  sendApiMessage(action: string, content?: unknown): void;
}

interface BrokerMessage {
  content: Record<string, unknown> & { id?: string; executionId?: string; type?: string };
}

const RECORDED = new Set([
  'activity.start',
  'activity.wait',
  'activity.call',
  'activity.timer',
  'activity.timeout',
  'activity.catch',
  'activity.end',
  'activity.error',
  // A started activity that stopped without completing: a boundary event whose task finished,
  // a task an interrupting event cut short. Without it the audit would show them running on.
  'activity.execution.discard',
  'flow.take',
  'process.end',
  'process.error',
]);
/** Events bpmn-engine announces again on every resume for things still waiting. */
const REANNOUNCED = new Set(['activity.wait', 'activity.timer', 'activity.call']);

function splitList(value: unknown): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
    : [];
}

interface InputParameter {
  name?: string;
  value?: string;
  definition?: {
    $type?: string;
    items?: Array<{ value?: string }>;
    entries?: Array<{ key?: string; value?: string }>;
  };
}

/**
 * A task's `camunda:inputOutput` input parameters (plain text, `${…}`, lists and maps), as
 * Camunda Modeler writes them, resolved with the safe evaluator when the task is reached.
 */
export function resolveInputParameters(
  behaviour: Record<string, unknown>,
  resolve: (expression: string) => unknown,
): Record<string, unknown> {
  const values = (behaviour.extensionElements as { values?: Array<Record<string, unknown>> } | undefined)
    ?.values;
  const inputOutput = values?.find((value) => value.$type === 'camunda:InputOutput');
  const parameters = (inputOutput?.inputParameters ?? []) as InputParameter[];
  const text = (value: string | undefined): unknown =>
    value === undefined ? undefined : value.includes('${') ? plain(resolve(value)) : value;
  const input: Record<string, unknown> = {};
  for (const parameter of parameters) {
    if (!parameter.name) continue;
    const definition = parameter.definition;
    if (definition?.$type === 'camunda:List')
      input[parameter.name] = (definition.items ?? []).map((item) => text(item.value));
    else if (definition?.$type === 'camunda:Map')
      input[parameter.name] = Object.fromEntries(
        (definition.entries ?? []).map((entry) => [entry.key ?? '', text(entry.value)]),
      );
    else input[parameter.name] = text(parameter.value);
  }
  return input;
}

/**
 * bpmn-engine's default Logger makes `debug` loggers for every element of every engine it
 * builds (a terminal check each), and an engine is built per command: a few per cent of a
 * command's CPU for output nobody reads. `DEBUG=bpmn-engine*` (or bpmn-elements) keeps them.
 */
const silentLogger = () => ({ debug() {}, error() {}, warn() {} });
const engineLogger = /bpmn/.test(process.env.DEBUG ?? '') ? {} : { Logger: silentLogger };

function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/**
 * One command's life of a bpmn-engine Engine: build it from the cached definition and the
 * stored state, let the command act on it, read off what changed, stop it. Nothing here
 * touches the store; the runtime turns the outcome into one conditional write.
 */
export class EngineStep {
  private drafts: HistoryDraft[] = [];
  private readonly parked = new Map<string, ParkedService>();
  private readonly timers = new HostTimers();
  private engine!: Engine;
  private ended = false;
  private failure: { message: string; code?: string } | undefined;
  private knownWaits: Record<string, unknown>;
  private deliveries: Map<string, Delivery> | undefined;
  /** Left running by `finish({ keep: true })`, so a later command can go on with it. */
  private kept = false;
  /** While a rebuilt engine resumes, it announces again everything that was waiting. */
  private resuming = false;
  /** Executions started in this life (an announcement about them is news). */
  private startedHere: string[] = [];

  private constructor(private readonly input: StepInput) {
    this.knownWaits = input.knownWaits;
    this.deliveries = input.deliveries;
  }

  static async open(input: StepInput): Promise<EngineStep> {
    const step = new EngineStep(input);
    try {
      await step.start();
    } catch (error) {
      step.releaseClock();
      throw error;
    }
    return step;
  }

  /**
   * Whether a wait, timer or call announcement repeats one made in an earlier life: the host
   * knew of it already, or a rebuilt engine is resuming something it did not start now (a
   * timer's execution is its activity's plus `_n`). Kept engines never repeat them, so leaving
   * them out keeps the history the same whether the engine was kept or rebuilt.
   */
  private reannounced(executionId: string): boolean {
    if (this.knownWaits[executionId]) return true;
    return (
      this.resuming &&
      !this.startedHere.some((started) => executionId === started || executionId.startsWith(`${started}_`))
    );
  }

  private record(draft: Omit<HistoryDraft, 'at'>): void {
    this.drafts.push({ at: this.input.clock.now(), ...draft });
  }

  /** Listeners must never throw: a throwing listener wedges the engine. */
  private onEvent = (routingKey: string, message: BrokerMessage): void => {
    try {
      if (!RECORDED.has(routingKey)) return;
      const content = message.content;
      const executionId = content.executionId;
      if (routingKey === 'activity.start' && executionId) this.startedHere.push(executionId);
      if (REANNOUNCED.has(routingKey) && executionId && this.reannounced(executionId)) return;
      const data: Record<string, unknown> = { elementType: content.type };
      if (routingKey === 'flow.take')
        Object.assign(data, { sourceId: content.sourceId, targetId: content.targetId });
      if (routingKey === 'activity.timer')
        Object.assign(data, { timerType: content.timerType, value: content[String(content.timerType)] });
      if (routingKey === 'activity.timeout') data.state = content.state;
      if (routingKey === 'activity.call') data.calledElement = content.calledElement;
      if (routingKey === 'activity.end' && /ServiceTask|CallActivity|CatchEvent/.test(String(content.type)))
        data.output = plain(content.output);
      const error = content.error as { message?: string; code?: string } | undefined;
      if (error) data.error = { message: error.message, code: error.code };
      if (routingKey === 'process.end') data.output = plain(content.output);
      this.record({ type: routingKey, activityId: content.id, executionId, data });
    } catch {
      // history for this event is lost rather than the instance wedged
    }
  };

  private extension = (activity: {
    type: string;
    id: string;
    behaviour: Record<string, unknown> & { Service?: unknown };
    environment: {
      assignVariables(vars: Record<string, unknown>): void;
      resolveExpression(expression: string, message?: unknown): unknown;
    };
  }): { activate(): void; deactivate(): void } | undefined => {
    if (
      activity.type !== 'bpmn:ServiceTask' &&
      activity.type !== 'bpmn:SendTask' &&
      activity.type !== 'bpmn:BusinessRuleTask'
    )
      return undefined;
    const behaviour = activity.behaviour;
    const topic = String(behaviour.topic ?? '');
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the engine calls `execute` with its own `this`
    const step = this;
    // An external task parks until its job's result is delivered in a later command.
    behaviour.Service = function ExternalTask(this: { execute: unknown }) {
      this.execute = (executeMessage: BrokerMessage, callback: ParkedService['callback']) => {
        const executionId = String(executeMessage.content.executionId);
        const service: ParkedService = {
          activityId: activity.id,
          topic,
          input: {},
          environment: activity.environment,
          callback,
        };
        const delivery = step.deliveries?.get(executionId);
        step.parked.delete(executionId);
        if (delivery) return step.settle(service, delivery);
        service.input = resolveInputParameters(behaviour, (expression) =>
          activity.environment.resolveExpression(expression, executeMessage),
        );
        step.parked.set(executionId, service);
      };
    };
    return { activate() {}, deactivate() {} };
  };

  /** Hands a service's result (or its BPMN error) to the task waiting for it. */
  private settle(service: ParkedService, delivery: Delivery): void {
    if (delivery.error) {
      const error = Object.assign(new Error(delivery.error.message), { code: delivery.error.code });
      service.callback(error);
    } else {
      // A service's output lands in the process variables, like a form's data.
      this.assign(service.environment, delivery.result ?? {});
      service.callback(null, delivery.result ?? {});
    }
  }

  private releaseClock: () => void = () => undefined;

  /**
   * Goes on with an engine the previous command kept running (`finish({ keep: true })`) instead
   * of building one from the stored state: the same engine, at the same point, without the
   * rebuild. The caller vouches that the state it kept is still the stored one.
   */
  resume(next: ResumeInput): this {
    if (!this.kept) throw new Error('only an engine kept by finish({ keep: true }) can be resumed');
    this.kept = false;
    this.drafts = [];
    this.startedHere = [];
    this.knownWaits = next.knownWaits;
    this.deliveries = next.deliveries;
    this.releaseClock = lendClock(this.input.instanceId, this.input.clock);
    for (const [executionId, delivery] of next.deliveries ?? []) {
      const service = this.parked.get(executionId);
      if (!service) continue;
      this.parked.delete(executionId);
      this.settle(service, delivery);
    }
    return this;
  }

  /** Lets go of an engine that will not be resumed, kept or in the middle of a command (see `finish`). */
  discard(): void {
    this.kept = false;
    this.releaseClock();
  }

  private async start(): Promise<void> {
    const { instanceId, definition, engineState, startVariables } = this.input;
    this.releaseClock = lendClock(instanceId, this.input.clock);
    this.engine = new Engine({
      name: instanceId,
      sourceContext: definition.sourceContext as never,
      timers: this.timers as never,
      expressions: safeEngineExpressions as never,
      scripts: noScripts as never,
      extensions: { preplan: this.extension as never },
      ...engineLogger,
      settings: {
        [CLOCK_SETTING]: instanceId,
        ...(this.input.timeZone ? { [TIME_ZONE_SETTING]: this.input.timeZone } : {}),
      },
    });
    this.engine.broker.subscribeTmp('event', '#', this.onEvent as never, { noAck: true });
    this.engine.on('end', () => (this.ended = true));
    this.engine.on('error', (error: Error & { code?: string }) => {
      this.failure = { message: error.message, code: error.code };
    });
    if (engineState) {
      this.engine.recover(engineState as never);
      this.resuming = true;
      try {
        await this.engine.resume();
      } finally {
        this.resuming = false;
      }
      this.discardOrphanedBoundaryEvents();
    } else {
      await this.engine.execute({ variables: { ...(startVariables ?? {}) } } as never);
    }
  }

  /**
   * bpmn-elements can leave a repeating boundary timer alive after an overdue interrupting
   * timer removed its task during resume; it would cycle forever.
   */
  private discardOrphanedBoundaryEvents(): void {
    for (const api of this.postponed()) {
      const attachedTo = (api.owner as unknown as { attachedTo?: { isRunning?: boolean } }).attachedTo;
      if (api.type === 'bpmn:BoundaryEvent' && attachedTo && !attachedTo.isRunning)
        (api as unknown as { discard(): void }).discard();
    }
  }

  private postponed(): ActivityApi[] {
    const execution = this.engine.execution as unknown as { getPostponed?: () => ActivityApi[] } | undefined;
    const out: ActivityApi[] = [];
    const visit = (apis: ActivityApi[]): void => {
      for (const api of apis) {
        if (api.type === 'bpmn:SubProcess' && api.getPostponed)
          visit(api.getPostponed().filter((a) => a.executionId !== api.executionId));
        else out.push(api);
      }
    };
    if (this.engine.state === 'running' && execution?.getPostponed) visit(execution.getPostponed());
    return out;
  }

  private findWaiting(executionId: string, type: string): ActivityApi | undefined {
    return this.postponed().find((api) => api.executionId === executionId && api.type === type);
  }

  /**
   * Completes a waiting user task with the submitted data (merged into the variables). Who
   * completed it is kept per activity in `completedBy`, so a diagram can name the approver of
   * a release (`${completedBy.SignOff}`) without a form asking for it.
   */
  completeTask(executionId: string, data: Record<string, unknown>, actor?: string): boolean {
    const api = this.findWaiting(executionId, 'bpmn:UserTask');
    if (!api) return false;
    const variables = (api.owner.environment as unknown as { variables: Record<string, unknown> }).variables;
    const completedBy = { ...((variables.completedBy as Record<string, string> | undefined) ?? {}) };
    if (actor) completedBy[api.id] = actor;
    this.assign(api.owner.environment, { ...data, completedBy });
    api.signal(data);
    return true;
  }

  fireTimer(executionId: string): boolean {
    return this.timers.fire(executionId);
  }

  /**
   * A timer start event's schedule is due: fires its timer and discards the process's other
   * start events, which would otherwise wait on and start a second token in this instance.
   */
  fireTimersOf(activityId: string): number {
    const armed = this.timers.pending().filter((timer) => timer.activityId === activityId);
    for (const timer of armed) this.timers.fire(timer.executionId);
    for (const api of this.postponed())
      if (api.type === 'bpmn:StartEvent' && api.id !== activityId)
        (api as unknown as { discard(): void }).discard();
    return armed.length;
  }

  /** Hands a child process's outcome to the call activity waiting for it. */
  completeCall(
    executionId: string,
    output: Record<string, unknown>,
    error?: { message: string; code?: string },
  ): boolean {
    const api = this.findWaiting(executionId, 'bpmn:CallActivity');
    if (!api) return false;
    if (error) api.sendApiMessage('error', { message: error.message, code: error.code });
    else {
      this.assign(api.owner.environment, output);
      api.signal(output);
    }
    return true;
  }

  private waitingFor(kind: 'message' | 'signal', name: string): ActivityApi[] {
    return this.postponed().filter((candidate) => {
      const event = candidate.content[kind] as { id?: string; name?: string } | undefined;
      return event && (event.id === name || event.name === name);
    });
  }

  /**
   * Delivers a message (by the bpmn:Message id or name) to the one element waiting for it:
   * a receive task or a message catch event. Its payload is merged into the variables.
   */
  deliverMessage(message: string, payload: Record<string, unknown>): boolean {
    const [api] = this.waitingFor('message', message);
    if (!api) return false;
    this.assign(api.owner.environment, payload);
    api.signal(payload);
    return true;
  }

  /** A signal reaches every element of this instance that waits for it; returns how many. */
  deliverSignal(signal: string, payload: Record<string, unknown>): number {
    const receivers = this.waitingFor('signal', signal);
    if (receivers.length) this.assign(receivers[0].owner.environment, payload);
    for (const api of receivers) api.signal(payload);
    return receivers.length;
  }

  /** The service tasks currently parked (after a delivery, the one delivered is gone). */
  isParked(executionId: string): boolean {
    return this.parked.has(executionId);
  }

  private currentWaits(): OpenWait[] {
    const waits: OpenWait[] = [];
    for (const api of this.postponed()) {
      if (api.type === 'bpmn:UserTask') {
        const b = api.owner.behaviour;
        const resolve = (value: unknown): string | undefined => {
          if (typeof value !== 'string' || value === '') return undefined;
          if (!value.includes('${')) return value;
          const resolved = api.owner.environment.resolveExpression(value, { content: api.content });
          return resolved === undefined || resolved === null ? undefined : String(resolved);
        };
        const due = resolve(b.dueDate);
        waits.push({
          kind: 'task',
          activityId: api.id,
          executionId: api.executionId,
          name: api.name,
          formKey: resolve(b.formKey),
          candidateGroups: splitList(resolve(b.candidateGroups)),
          assignee: resolve(b.assignee),
          dueDate: due && !Number.isNaN(Date.parse(due)) ? new Date(due) : undefined,
        });
      } else if (api.content.message || api.content.signal) {
        const kind = api.content.message ? 'message' : 'signal';
        const event = api.content[kind] as { id?: string; name?: string };
        waits.push({ kind, activityId: api.id, executionId: api.executionId, event: event.name ?? event.id });
      } else if (api.type === 'bpmn:CallActivity') {
        waits.push({
          kind: 'call',
          activityId: api.id,
          executionId: api.executionId,
          name: api.name,
          calledElement: String(api.owner.behaviour.calledElement ?? ''),
        });
      }
    }
    const now = this.input.clock.now();
    for (const timer of this.timers.pending())
      waits.push({
        kind: 'timer',
        activityId: timer.activityId,
        executionId: timer.executionId,
        dueAt: timerDueAt(timer, now),
        timerType: timer.timerType,
      });
    for (const [executionId, service] of this.parked)
      waits.push({
        kind: 'service',
        activityId: service.activityId,
        executionId,
        topic: service.topic,
        input: service.input,
      });
    return waits;
  }

  /**
   * Data from outside (a form, a service result, a child's output, a message) becomes a process
   * variable. An element inside a sub-process has the sub-process's copy of the environment, so
   * the data goes there (for the sub-process's own conditions) and to the process itself, which
   * is what is stored and what later steps read.
   */
  private assign = (
    environment: { assignVariables(vars: Record<string, unknown>): void },
    variables: Record<string, unknown>,
  ): void => {
    environment.assignVariables(variables);
    const processEnvironment = this.processEnvironment();
    if (processEnvironment && processEnvironment !== environment)
      processEnvironment.assignVariables(variables);
  };

  private processEnvironment():
    { variables: Record<string, unknown>; assignVariables(vars: Record<string, unknown>): void } | undefined {
    const execution = this.engine.execution as unknown as
      | {
          definitions?: Array<{
            getProcesses(): Array<{
              environment: {
                variables: Record<string, unknown>;
                assignVariables(vars: Record<string, unknown>): void;
              };
            }>;
          }>;
        }
      | undefined;
    return execution?.definitions?.[0]?.getProcesses()?.[0]?.environment;
  }

  private variables(): Record<string, unknown> {
    const execution = this.engine.execution as unknown as
      | {
          definitions?: Array<{
            getProcesses(): Array<{ environment: { variables: Record<string, unknown> } }>;
          }>;
        }
      | undefined;
    const process = execution?.definitions?.[0]?.getProcesses()?.[0];
    // bpmn-elements keeps the run message (content/fields/properties) among the variables.
    const { content: _c, fields: _f, properties: _p, ...variables } = process?.environment.variables ?? {};
    return (plain(variables) as Record<string, unknown>) ?? {};
  }

  /**
   * Reads off the outcome; with `keep`, a running engine stays usable for `resume`. An engine
   * that is not kept is simply let go rather than stopped: its timers are host timers and it
   * holds nothing outside itself, so nothing of it runs on, and stopping one (which walks every
   * running element) cost about a twentieth of a command.
   */
  async finish(options: { keep?: boolean } = {}): Promise<StepOutcome> {
    const state = (await this.engine.getState()) as unknown as Record<string, unknown> & {
      definitions?: Array<Record<string, unknown>>;
    };
    // The state embeds the whole diagram; instances refer to the cached definition instead.
    const engineState = {
      ...state,
      definitions: (state.definitions ?? []).map(({ source: _source, ...definition }) => definition),
    };
    const status = this.failure
      ? 'failed'
      : this.ended || this.engine.state === 'idle'
        ? 'completed'
        : 'running';
    const outcome: StepOutcome = {
      engineState: plain(engineState) as Record<string, unknown>,
      status,
      waits: status === 'running' ? this.currentWaits() : [],
      variables: this.variables(),
      output: (plain(this.engine.environment.output) as Record<string, unknown>) ?? {},
      error: this.failure,
      drafts: this.drafts,
    };
    this.kept = Boolean(options.keep) && status === 'running' && this.engine.state === 'running';
    this.releaseClock();
    return outcome;
  }
}
