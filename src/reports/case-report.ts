import { caseDetail, type CaseQueryDeps } from '../cases/case-queries.js';
import { caseHistory, type CaseEvent, type CaseHistoryDeps } from '../cases/case-history.js';
import type { HistoryVerdict } from '../audit/verify-history.js';
import type { Actor } from '../auth/actor.js';
import type { InstanceStatus } from '../store/instance-store.js';
import { drawDiagram, pathTaken, type DiagramView } from './diagram-drawing.js';
import { clip, describeValues, timelineEventLabels } from './report-labels.js';

/** A timeline row stays a few lines long; the whole submission is in the history and the audit export. */
const KEY_DATA_LIMIT = 400;

export interface CaseReportDeps extends CaseQueryDeps, CaseHistoryDeps {
  forms: { schema(key: string): unknown };
}

export type CaseFacts = Awaited<ReturnType<typeof caseDetail>>;

/** One step of the timeline: when, in which process, which element, who, and what was decided. */
export interface TimelineStep {
  at: Date;
  instanceId: string;
  process: string;
  type: string;
  event: string;
  element?: string;
  actor?: string;
  data: string;
}

export interface ReportInstance {
  id: string;
  definitionKey: string;
  definitionVersion: number;
  name: string;
  status: InstanceStatus;
  createdAt: Date;
  endedAt?: Date;
  /** The hash chain's last event: a printed report is matched to the verified history by it. */
  historySeq: number;
  historyHead: string;
  integrity: HistoryVerdict;
  /** Where it stands: the elements still running, by name. */
  activeNames: string[];
  /** The diagram with the path taken; empty when the definition is gone. */
  views: DiagramView[];
}

/** Everything the printable case report shows, gathered for one reader who may read the case. */
export interface CaseReport {
  generatedAt: Date;
  generatedBy: string;
  facts: CaseFacts;
  platformLabel: string;
  timeline: TimelineStep[];
  instances: ReportInstance[];
}

interface OptionSchema {
  properties?: Record<string, { oneOf?: Array<{ const?: unknown; title?: string }> }>;
}

/** A user task's end repeats its completion (which has the actor and the data): one line is enough. */
function shown(event: CaseEvent): boolean {
  if (!(event.type in timelineEventLabels)) return false;
  const elementType = event.data?.elementType;
  if (event.type === 'activity.end' && elementType === 'bpmn:UserTask') return false;
  return true;
}

function keyData(event: CaseEvent, formOf: (event: CaseEvent) => unknown): string {
  const data = event.data ?? {};
  switch (event.type) {
    case 'task.completed':
      return describeValues(data, formOf(event));
    case 'activity.end':
      // A service's result is its step's data; a called process's output is all its variables.
      return data.elementType === 'bpmn:ServiceTask' && data.output && typeof data.output === 'object'
        ? describeValues(data.output as Record<string, unknown>)
        : '';
    case 'activity.error':
    case 'incident.raised': {
      const error = (data.error ?? data) as { message?: unknown };
      return typeof error.message === 'string' ? error.message : '';
    }
    case 'message.delivered':
    case 'signal.delivered':
      return typeof data.name === 'string' ? data.name : '';
    default:
      return '';
  }
}

/**
 * The case report's content: the case's facts, deadlines, tasks and publications (as the case
 * page has them), every step of its history with element names, and each process instance's
 * diagram with the path it took and its chain head. Throws `not-found` for a case this reader
 * may not see, as the case page does.
 */
export async function gatherCaseReport(
  deps: CaseReportDeps,
  actor: Actor,
  caseId: string,
): Promise<CaseReport> {
  const facts = await caseDetail(deps, actor, caseId);
  const [history, tasks] = await Promise.all([caseHistory(deps, facts.id), deps.tasks.forCase(facts.id)]);

  const formKeys = new Map(tasks.map((task) => [`${task.instanceId}:${task.executionId}`, task.formKey]));
  const schemas = new Map<string, unknown>();
  const formOf = (event: CaseEvent) => {
    const key = formKeys.get(`${event.instanceId}:${event.executionId}`);
    if (!key) return undefined;
    if (!schemas.has(key)) schemas.set(key, deps.forms.schema(key));
    return schemas.get(key);
  };
  const processNames = new Map(
    history.instances.map((item) => [
      item.instance._id,
      item.names[item.instance.definitionKey] ?? item.instance.definitionKey,
    ]),
  );

  const timeline: TimelineStep[] = history.events.filter(shown).map((event) => ({
    at: event.at,
    instanceId: event.instanceId,
    process: processNames.get(event.instanceId) ?? event.definitionKey,
    type: event.type,
    event: timelineEventLabels[event.type],
    element: event.activityName ?? event.activityId,
    actor: event.actor,
    data: clip(keyData(event, formOf), KEY_DATA_LIMIT),
  }));

  const instances: ReportInstance[] = [];
  for (const { instance, events, integrity, names } of history.instances) {
    const path = pathTaken(events);
    const definition = await deps.definitions.byId(instance.definitionId);
    const views = definition ? await drawDiagram(definition.source, path) : [];
    // Where it stands, as the diagram marks it (a boundary event is discarded with its activity).
    const active = views.length
      ? views.flatMap((view) => view.shapes.filter((s) => s.mark === 'active').map((s) => s.id))
      : [...path.active];
    instances.push({
      id: instance._id,
      definitionKey: instance.definitionKey,
      definitionVersion: instance.definitionVersion,
      name: processNames.get(instance._id) ?? instance.definitionKey,
      status: instance.status,
      createdAt: instance.createdAt,
      endedAt: instance.endedAt,
      historySeq: instance.historySeq,
      historyHead: instance.historyHead,
      integrity,
      activeNames: [...new Set(active)].map((id) => names[id] ?? id),
      views,
    });
  }

  const platforms = (deps.forms.schema('incident-report') as OptionSchema | undefined)?.properties?.platform
    ?.oneOf;
  return {
    generatedAt: deps.clock.now(),
    generatedBy: actor.id,
    facts,
    platformLabel: platforms?.find((option) => option.const === facts.platform)?.title ?? facts.platform,
    timeline,
    instances,
  };
}
