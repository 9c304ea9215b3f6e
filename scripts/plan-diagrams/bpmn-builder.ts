/**
 * A small builder for the plan's semantic BPMN (no layout): elements, flows with their
 * incoming/outgoing references, Camunda attributes and input parameters, written the way
 * Camunda Modeler writes them so the diagrams open and edit cleanly there and in bpmn-js.
 */
type Attrs = Record<string, string | undefined>;

interface Node {
  tag: string;
  id: string;
  name: string;
  attrs: Attrs;
  inner: string[];
  container: Container;
}

interface Flow {
  id: string;
  from: string;
  to: string;
  name?: string;
  condition?: string;
}

export interface UserTaskSpec {
  form: string;
  groups: string;
  due?: string;
  doc?: string;
}

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function attrText(attrs: Attrs): string {
  return Object.entries(attrs)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escape(value!)}"`)
    .join('');
}

function timerDefinition(id: string, type: 'timeDate' | 'timeDuration' | 'timeCycle', value: string): string {
  return `<bpmn:timerEventDefinition id="${id}_Timer"><bpmn:${type} xsi:type="bpmn:tFormalExpression">${escape(value)}</bpmn:${type}></bpmn:timerEventDefinition>`;
}

function inputParameters(input: Record<string, string>): string {
  const params = Object.entries(input)
    .map(
      ([name, value]) => `<camunda:inputParameter name="${name}">${escape(value)}</camunda:inputParameter>`,
    )
    .join('');
  return `<bpmn:extensionElements><camunda:inputOutput>${params}</camunda:inputOutput></bpmn:extensionElements>`;
}

function documentation(text: string | undefined): string {
  return text ? `<bpmn:documentation>${escape(text)}</bpmn:documentation>` : '';
}

export class Container {
  readonly nodes: Node[] = [];
  readonly flows: Flow[] = [];
  private readonly defaults = new Map<string, string>();

  constructor(private readonly all: Map<string, Node>) {}

  private add(tag: string, id: string, name: string, attrs: Attrs = {}, inner: string[] = []): string {
    if (this.all.has(id)) throw new Error(`duplicate id ${id}`);
    const node = { tag, id, name, attrs, inner, container: this };
    this.nodes.push(node);
    this.all.set(id, node);
    return id;
  }

  start(id: string, name: string, timer?: { type: 'timeCycle' | 'timeDate'; value: string }): string {
    return this.add('startEvent', id, name, {}, timer ? [timerDefinition(id, timer.type, timer.value)] : []);
  }

  end(id: string, name: string, options: { terminate?: boolean } = {}): string {
    return this.add(
      'endEvent',
      id,
      name,
      {},
      options.terminate ? [`<bpmn:terminateEventDefinition id="${id}_Terminate" />`] : [],
    );
  }

  userTask(id: string, name: string, spec: UserTaskSpec): string {
    return this.add(
      'userTask',
      id,
      name,
      { 'camunda:formKey': spec.form, 'camunda:candidateGroups': spec.groups, 'camunda:dueDate': spec.due },
      [documentation(spec.doc)],
    );
  }

  service(id: string, name: string, topic: string, input: Record<string, string> = {}, doc?: string): string {
    return this.add('serviceTask', id, name, { 'camunda:type': 'external', 'camunda:topic': topic }, [
      documentation(doc),
      Object.keys(input).length ? inputParameters(input) : '',
    ]);
  }

  callActivity(id: string, name: string, calledElement: string): string {
    return this.add('callActivity', id, name, { calledElement });
  }

  exclusive(id: string, name: string): string {
    return this.add('exclusiveGateway', id, name);
  }

  parallel(id: string, name: string): string {
    return this.add('parallelGateway', id, name);
  }

  boundaryTimer(
    id: string,
    name: string,
    attachedTo: string,
    timer: { type: 'timeDate' | 'timeDuration'; value: string },
    interrupting: boolean,
  ): string {
    return this.add(
      'boundaryEvent',
      id,
      name,
      { attachedToRef: attachedTo, cancelActivity: interrupting ? undefined : 'false' },
      [timerDefinition(id, timer.type, timer.value)],
    );
  }

  subProcess(id: string, name: string, build: (inner: Container) => void): string {
    const inner = new Container(this.all);
    build(inner);
    this.add('subProcess', id, name, {}, []);
    this.subs.set(id, inner);
    return id;
  }

  readonly subs = new Map<string, Container>();

  /** A sequence flow; `condition` is a `${…}` expression, `isDefault` makes it the gateway's default. */
  flow(
    from: string,
    to: string,
    options: { name?: string; condition?: string; isDefault?: boolean } = {},
  ): string {
    let id = `Flow_${from}_${to}`;
    for (let n = 2; this.flows.some((flow) => flow.id === id); n++) id = `Flow_${from}_${to}_${n}`;
    this.flows.push({ id, from, to, name: options.name, condition: options.condition });
    if (options.isDefault) this.defaults.set(from, id);
    return id;
  }

  /** Several flows in a row. */
  chain(...ids: string[]): void {
    for (let i = 1; i < ids.length; i++) this.flow(ids[i - 1], ids[i]);
  }

  xml(indent: string): string {
    const lines: string[] = [];
    for (const node of this.nodes) {
      const incoming = this.flows.filter((flow) => flow.to === node.id).map((flow) => flow.id);
      const outgoing = this.flows.filter((flow) => flow.from === node.id).map((flow) => flow.id);
      const attrs: Attrs = {
        id: node.id,
        name: node.name,
        ...node.attrs,
        default: this.defaults.get(node.id),
      };
      const refs = [
        ...incoming.map((flow) => `<bpmn:incoming>${flow}</bpmn:incoming>`),
        ...outgoing.map((flow) => `<bpmn:outgoing>${flow}</bpmn:outgoing>`),
      ];
      const [doc, ...rest] = node.inner.length ? node.inner : [''];
      const body = [doc, ...refs, ...rest, this.subs.get(node.id)?.xml(`${indent}  `) ?? '']
        .filter(Boolean)
        .join(`\n${indent}  `);
      lines.push(
        body
          ? `${indent}<bpmn:${node.tag}${attrText(attrs)}>\n${indent}  ${body}\n${indent}</bpmn:${node.tag}>`
          : `${indent}<bpmn:${node.tag}${attrText(attrs)} />`,
      );
    }
    for (const flow of this.flows) {
      const attrs = attrText({ id: flow.id, name: flow.name, sourceRef: flow.from, targetRef: flow.to });
      lines.push(
        flow.condition
          ? `${indent}<bpmn:sequenceFlow${attrs}>\n${indent}  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${escape(flow.condition)}</bpmn:conditionExpression>\n${indent}</bpmn:sequenceFlow>`
          : `${indent}<bpmn:sequenceFlow${attrs} />`,
      );
    }
    return lines.join('\n');
  }
}

/** A whole executable process as a BPMN 2.0 document (semantic part only). */
export function processDocument(
  key: string,
  name: string,
  doc: string,
  build: (process: Container) => void,
): string {
  const process = new Container(new Map());
  build(process);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
      ` id="${key}-definitions" targetNamespace="https://preplan.local/plan" exporter="preplan plan-diagrams" exporterVersion="1">`,
    `  <bpmn:process id="${key}" name="${escape(name)}" isExecutable="true">`,
    `    <bpmn:documentation>${escape(doc)}</bpmn:documentation>`,
    process.xml('    '),
    '  </bpmn:process>',
    '</bpmn:definitions>',
    '',
  ].join('\n');
}
