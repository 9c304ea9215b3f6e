/**
 * The few bpmn-js / diagram-js services the designer and the replay use, typed as far as they
 * are used (bpmn-js's own typings name most of them `any`).
 */

/** A moddle element: a BPMN or camunda object of the diagram's model. */
export interface ModdleElement {
  $type: string;
  $parent?: ModdleElement;
  id?: string;
  name?: string;
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  [key: string]: unknown;
}

export interface BusinessObject extends ModdleElement {
  id: string;
  eventDefinitions?: ModdleElement[];
  extensionElements?: ModdleElement & { values?: ModdleElement[] };
  conditionExpression?: ModdleElement & { body?: string };
  sourceRef?: BusinessObject;
  targetRef?: BusinessObject;
  default?: BusinessObject;
}

export interface DiagramElement {
  id: string;
  type: string;
  businessObject: BusinessObject;
  parent?: DiagramElement;
  waypoints?: unknown[];
  labelTarget?: DiagramElement;
}

export interface Viewbox {
  x: number;
  y: number;
  width: number;
  height: number;
  scale: number;
  inner: { x: number; y: number; width: number; height: number };
  outer: { width: number; height: number };
}

export interface Canvas {
  /** `false`: measure again rather than answer the cached box. */
  viewbox(box?: { x: number; y: number; width: number; height: number } | false): Viewbox;
  zoom(level?: 'fit-viewport' | number, center?: 'auto' | { x: number; y: number }): number;
  addMarker(element: string | DiagramElement, marker: string): void;
  removeMarker(element: string | DiagramElement, marker: string): void;
  hasMarker(element: string | DiagramElement, marker: string): boolean;
  getRootElement(): DiagramElement;
  setRootElement(root: DiagramElement): DiagramElement;
  findRoot(element: string | DiagramElement): DiagramElement | undefined;
  scrollToElement(element: string | DiagramElement, padding?: number): void;
  resized(): void;
}

export interface ElementRegistry {
  get(id: string): DiagramElement | undefined;
  getAll(): DiagramElement[];
}

export interface Selection {
  select(element: DiagramElement | DiagramElement[] | null): void;
  get(): DiagramElement[];
}

export interface EventBus {
  on(
    event: string | string[],
    callback: (event: { element?: DiagramElement; newSelection?: DiagramElement[] }) => void,
  ): void;
  off(event: string | string[], callback: (...args: never[]) => void): void;
}

export interface Modeling {
  updateProperties(element: DiagramElement, properties: Record<string, unknown>): void;
  updateModdleProperties(
    element: DiagramElement,
    target: ModdleElement,
    properties: Record<string, unknown>,
  ): void;
}

export interface BpmnFactory {
  create(type: string, attrs?: Record<string, unknown>): ModdleElement;
}

export interface CommandStack {
  canUndo(): boolean;
  canRedo(): boolean;
  undo(): void;
  redo(): void;
}

/** What a bpmn-js Viewer or Modeler offers the page. */
export interface Diagram {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
  get<T>(name: string): T;
  on(event: string, callback: (...args: never[]) => void): void;
  off(event: string, callback: (...args: never[]) => void): void;
  destroy(): void;
}

/** The camunda namespace, as Camunda Modeler writes it. */
export const CAMUNDA_NS = 'http://camunda.org/schema/1.0/bpmn';

export const is = (bo: ModdleElement | undefined, type: string): boolean => {
  if (!bo) return false;
  const moddleIs = (bo as { $instanceOf?: (type: string) => boolean }).$instanceOf;
  return typeof moddleIs === 'function' ? moddleIs.call(bo, type) : bo.$type === type;
};

/** The sub-processes an element sits in whose plane is its own (collapsed on the plane above). */
export function containers(registry: ElementRegistry, id: string): string[] {
  const found: string[] = [];
  let parent = registry.get(id)?.businessObject?.$parent;
  while (parent && parent.$type === 'bpmn:SubProcess') {
    if (parent.id && registry.get(parent.id)) found.push(parent.id);
    parent = parent.$parent;
  }
  return found;
}

/**
 * Shows an element: switches to the plane it is drawn on (a collapsed sub-process has its own),
 * scrolls it into view and, in the modeler, selects it.
 */
export function reveal(diagram: Diagram, id: string): boolean {
  const registry = diagram.get<ElementRegistry>('elementRegistry');
  const element = registry.get(id);
  if (!element) return false;
  const canvas = diagram.get<Canvas>('canvas');
  const root = canvas.findRoot(element);
  if (root && root !== canvas.getRootElement()) canvas.setRootElement(root);
  try {
    diagram.get<Selection>('selection').select(element);
  } catch {
    // a viewer without selection
  }
  canvas.scrollToElement(element, 80);
  return true;
}

/**
 * Fits the whole diagram into view, leaving `left` pixels free (the modeler's palette sits
 * there), never enlarging past 100 %.
 */
export function fitDiagram(canvas: Canvas, left = 0): void {
  canvas.zoom('fit-viewport', 'auto');
  const { inner, outer } = canvas.viewbox(false);
  if (!inner.width || !inner.height || !outer.width || !outer.height) return;
  const margin = 16;
  const scale = Math.min(
    (outer.width - left - 2 * margin) / inner.width,
    (outer.height - 2 * margin) / inner.height,
    1,
  );
  if (scale <= 0) return;
  const width = outer.width / scale;
  const height = outer.height / scale;
  const freeX = (outer.width - left - inner.width * scale) / 2;
  canvas.viewbox({
    x: inner.x - (left + freeX) / scale,
    y: inner.y - (height - inner.height) / 2,
    width,
    height,
  });
}
