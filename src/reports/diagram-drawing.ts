import { BpmnModdle, type ModdleElement } from 'bpmn-moddle';
import type { HistoryEvent } from '../store/history-store.js';
import { stateAt } from '../audit/instance-state.js';

/**
 * A deployed diagram as plain drawing primitives, from its BPMN DI (shapes' bounds, edges'
 * waypoints, element types and names), with the path an instance took marked on it. No DOM and
 * no PDF here: the case report paints these, tests read them.
 */

export type PathMark = 'taken' | 'active' | 'none';

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type ShapeKind =
  | 'start-event'
  | 'end-event'
  | 'intermediate-event'
  | 'boundary-event'
  | 'task'
  | 'call-activity'
  | 'subprocess'
  | 'collapsed-subprocess'
  | 'gateway'
  | 'data'
  | 'annotation'
  | 'container';

export interface ShapeLabel {
  text: string;
  bounds: Box;
  /** Inside its shape (tasks, sub-processes), or beside it (events, gateways, data). */
  inside: boolean;
}

export interface DrawnShape {
  id: string;
  /** The BPMN type without its prefix: `UserTask`, `ExclusiveGateway`, … */
  type: string;
  kind: ShapeKind;
  bounds: Box;
  /** Gateways: `exclusive`, `parallel`, `inclusive`, `event-based`, `complex`. */
  gateway?: string;
  /** Events: the first event definition (`timer`, `message`, `signal`, `terminate`, …). */
  definition?: string;
  /** Boundary events: false when the activity goes on after the event fires. */
  interrupting?: boolean;
  label?: ShapeLabel;
  mark: PathMark;
}

export interface DrawnEdge {
  id: string;
  kind: 'sequence' | 'message' | 'association';
  waypoints: Point[];
  label?: { text: string; bounds: Box };
  mark: PathMark;
}

/** One drawing: the process, or a collapsed sub-process's content (as bpmn-js drills into it). */
export interface DiagramView {
  id: string;
  name: string;
  /** Everything drawn, labels included, with a small margin. */
  bounds: Box;
  shapes: DrawnShape[];
  edges: DrawnEdge[];
}

/** What an instance did: the elements that ended and flows taken, and where it stands. */
export interface PathTaken {
  completed: ReadonlySet<string>;
  active: ReadonlySet<string>;
}

/** The path an instance took, folded from its history (the audit state after its last event). */
export function pathTaken(events: HistoryEvent[]): PathTaken {
  // The audit state already counts sequence flows taken among the completed elements.
  const state = stateAt(events, Number.MAX_SAFE_INTEGER);
  return { completed: new Set(state.completed), active: new Set(state.active) };
}

const EXTERNAL_LABEL_WIDTH = 90;
const LABEL_LINE_HEIGHT = 14;
const MARGIN = 10;

const typeOf = (element: ModdleElement) => element.$type.replace(/^bpmn:/, '');

function kindOf(element: ModdleElement, expanded: boolean): ShapeKind | undefined {
  const type = typeOf(element);
  if (type === 'StartEvent') return 'start-event';
  if (type === 'EndEvent') return 'end-event';
  if (type === 'BoundaryEvent') return 'boundary-event';
  if (/^Intermediate(Catch|Throw)Event$/.test(type)) return 'intermediate-event';
  if (type === 'CallActivity') return 'call-activity';
  if (/Task$/.test(type)) return 'task';
  if (/SubProcess$|^Transaction$/.test(type)) return expanded ? 'subprocess' : 'collapsed-subprocess';
  if (/Gateway$/.test(type)) return 'gateway';
  if (/^Data(Object|Store)Reference$|^DataObject$/.test(type)) return 'data';
  if (type === 'TextAnnotation') return 'annotation';
  if (type === 'Participant' || type === 'Lane' || type === 'Group') return 'container';
  return undefined;
}

function gatewayOf(type: string): string | undefined {
  const match = /^(Exclusive|Parallel|Inclusive|EventBased|Complex)Gateway$/.exec(type);
  return match ? match[1].replace('EventBased', 'event-based').toLowerCase() : undefined;
}

function definitionOf(element: ModdleElement): string | undefined {
  const definitions = element.eventDefinitions as ModdleElement[] | undefined;
  const first = definitions?.[0];
  return first
    ? typeOf(first)
        .replace(/EventDefinition$/, '')
        .toLowerCase()
    : undefined;
}

function boxOf(bounds: unknown): Box | undefined {
  const b = bounds as Partial<Box> | undefined;
  if (!b || ![b.x, b.y, b.width, b.height].every((v) => typeof v === 'number' && Number.isFinite(v)))
    return undefined;
  return { x: b.x!, y: b.y!, width: b.width!, height: b.height! };
}

/** Rough line count for a name at bpmn-js's label width, for sizing boxes before layout. */
const estimatedLines = (text: string, width: number) => Math.max(1, Math.ceil((text.length * 11) / width));

function externalLabel(text: string, shape: Box, di: ModdleElement): ShapeLabel {
  const given = boxOf((di.label as ModdleElement | undefined)?.bounds);
  if (given) return { text, bounds: given, inside: false };
  const height = estimatedLines(text, EXTERNAL_LABEL_WIDTH) * LABEL_LINE_HEIGHT;
  return {
    text,
    inside: false,
    bounds: {
      x: shape.x + shape.width / 2 - EXTERNAL_LABEL_WIDTH / 2,
      y: shape.y + shape.height + 5,
      width: EXTERNAL_LABEL_WIDTH,
      height,
    },
  };
}

/** bpmn-js puts a flow's label at the middle of its middle segment. */
function edgeLabelAt(text: string, waypoints: Point[], di: ModdleElement) {
  const given = boxOf((di.label as ModdleElement | undefined)?.bounds);
  if (given) return { text, bounds: given };
  const middle = Math.max(0, Math.floor((waypoints.length - 1) / 2));
  const [a, b] = [waypoints[middle], waypoints[Math.min(middle + 1, waypoints.length - 1)]];
  const at = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  const width = Math.min(EXTERNAL_LABEL_WIDTH, Math.max(30, text.length * 12));
  return {
    text,
    bounds: { x: at.x - width / 2, y: at.y - LABEL_LINE_HEIGHT - 2, width, height: LABEL_LINE_HEIGHT },
  };
}

function markOf(id: string, path: PathTaken): PathMark {
  if (path.active.has(id)) return 'active';
  return path.completed.has(id) ? 'taken' : 'none';
}

function union(boxes: Box[]): Box {
  if (boxes.length === 0) return { x: 0, y: 0, width: 1, height: 1 };
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return {
    x: left - MARGIN,
    y: top - MARGIN,
    width: right - left + 2 * MARGIN,
    height: bottom - top + 2 * MARGIN,
  };
}

const moddle = new BpmnModdle();

/**
 * The diagram's drawings: the process first, then each collapsed sub-process that has its own
 * content (whether its DI sits on the process's plane, as bpmn-auto-layout writes it, or on a
 * plane of its own, as bpmn-js does). Expanded sub-processes are drawn in place.
 */
export async function drawDiagram(xml: string, path: PathTaken): Promise<DiagramView[]> {
  const { rootElement } = await moddle.fromXML(xml);
  const diagrams = (rootElement.diagrams as ModdleElement[] | undefined) ?? [];
  const diElements: Array<{ di: ModdleElement; plane: ModdleElement | undefined }> = diagrams.flatMap(
    (diagram) => {
      const plane = diagram.plane as ModdleElement | undefined;
      const owner = plane?.bpmnElement as ModdleElement | undefined;
      return ((plane?.planeElement as ModdleElement[] | undefined) ?? []).map((di) => ({ di, plane: owner }));
    },
  );

  // A sub-process is drawn in place only when its shape says so (isExpanded); else it gets a view.
  const expanded = new Set<string>();
  for (const { di } of diElements) {
    const element = di.bpmnElement as ModdleElement | undefined;
    if (element?.id && di.$type === 'bpmndi:BPMNShape' && di.isExpanded === true) expanded.add(element.id);
  }
  const isCollapsedContainer = (element: ModdleElement) =>
    kindOf(element, false) === 'collapsed-subprocess' && !expanded.has(element.id ?? '');

  /**
   * The view an element belongs to: its nearest collapsed sub-process, else its process (or the
   * collaboration whose plane shows the process in a pool).
   */
  const viewOf = (element: ModdleElement, plane: ModdleElement | undefined): ModdleElement => {
    let parent = element.$parent;
    let root = element;
    while (parent) {
      if (isCollapsedContainer(parent)) return parent;
      root = parent;
      if (parent.$type === 'bpmn:Process' || parent.$type === 'bpmn:Collaboration') break;
      parent = parent.$parent;
    }
    return plane?.$type === 'bpmn:Collaboration' ? plane : root;
  };

  const views = new Map<string, { owner: ModdleElement; shapes: DrawnShape[]; edges: DrawnEdge[] }>();
  const viewFor = (owner: ModdleElement) => {
    const key = owner.id ?? '';
    let view = views.get(key);
    if (!view) {
      view = { owner, shapes: [], edges: [] };
      views.set(key, view);
    }
    return view;
  };

  for (const { di, plane } of diElements) {
    const element = di.bpmnElement as ModdleElement | undefined;
    if (!element?.id) continue;
    if (di.$type === 'bpmndi:BPMNShape') {
      const bounds = boxOf(di.bounds);
      const kind = kindOf(element, expanded.has(element.id));
      if (!bounds || !kind) continue;
      const type = typeOf(element);
      const text = String((kind === 'annotation' ? element.text : element.name) ?? '').trim();
      const inside = [
        'task',
        'call-activity',
        'subprocess',
        'collapsed-subprocess',
        'container',
        'annotation',
      ];
      const shape: DrawnShape = { id: element.id, type, kind, bounds, mark: markOf(element.id, path) };
      if (kind === 'gateway') shape.gateway = gatewayOf(type);
      if (kind.endsWith('event')) shape.definition = definitionOf(element);
      if (kind === 'boundary-event') {
        shape.interrupting = element.cancelActivity !== false;
        // A boundary event waits only while its activity runs: once that ended, it was discarded.
        const attachedTo = (element.attachedToRef as ModdleElement | undefined)?.id;
        if (shape.mark === 'active' && attachedTo && !path.active.has(attachedTo))
          shape.mark = path.completed.has(element.id) ? 'taken' : 'none';
      }
      if (text)
        shape.label = inside.includes(kind)
          ? { text, bounds, inside: true }
          : externalLabel(text, bounds, di);
      viewFor(viewOf(element, plane)).shapes.push(shape);
    } else if (di.$type === 'bpmndi:BPMNEdge') {
      const waypoints = ((di.waypoint as ModdleElement[] | undefined) ?? [])
        .map((p) => ({ x: Number(p.x), y: Number(p.y) }))
        .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
      if (waypoints.length < 2) continue;
      const type = typeOf(element);
      const kind = type === 'SequenceFlow' ? 'sequence' : type === 'MessageFlow' ? 'message' : 'association';
      const edge: DrawnEdge = { id: element.id, kind, waypoints, mark: markOf(element.id, path) };
      const name = String(element.name ?? '').trim();
      if (name) edge.label = edgeLabelAt(name, waypoints, di);
      viewFor(viewOf(element, plane)).edges.push(edge);
    }
  }

  const result: DiagramView[] = [];
  for (const { owner, shapes, edges } of views.values()) {
    // Containers first, so that what sits in them is painted over them.
    const behind = (shape: DrawnShape) => Number(shape.kind === 'subprocess' || shape.kind === 'container');
    shapes.sort((a, b) => behind(b) - behind(a));
    const boxes = [
      ...shapes.map((s) => s.bounds),
      ...shapes.flatMap((s) => (s.label && !s.label.inside ? [s.label.bounds] : [])),
      ...edges.flatMap((e) => [
        ...e.waypoints.map((p) => ({ x: p.x, y: p.y, width: 0, height: 0 })),
        ...(e.label ? [e.label.bounds] : []),
      ]),
    ];
    result.push({
      id: owner.id ?? '',
      name: String(owner.name ?? owner.id ?? ''),
      bounds: union(boxes),
      shapes,
      edges,
    });
  }
  // The process's own drawing first, sub-processes in the order the diagram lists their shapes.
  const order = new Map(
    diElements.map(({ di }, i) => [(di.bpmnElement as ModdleElement | undefined)?.id, i]),
  );
  const position = (view: DiagramView) => {
    const owner = views.get(view.id)?.owner;
    if (!owner || kindOf(owner, false) !== 'collapsed-subprocess') return -1;
    return order.get(view.id) ?? diElements.length;
  };
  return result.sort((a, b) => position(a) - position(b));
}
