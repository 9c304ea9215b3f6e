import { createRequire } from 'node:module';
import { BpmnModdle, type ModdleElement } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { preplanRules } from './lint-rules/index.js';
import type { DeploymentCatalog, RuleFactory } from './lint-rules/rule-types.js';
import { xmlShapeProblem } from './xml-shape.js';

const require = createRequire(import.meta.url);

interface BpmnlintReport {
  id?: string;
  message: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
}
interface BpmnlintLinter {
  lint(root: ModdleElement): Promise<Record<string, BpmnlintReport[]>>;
}
type LinterConstructor = new (options: {
  config: unknown;
  resolver: {
    resolveRule(pkg: string, name: string): unknown;
    resolveConfig(pkg: string, name: string): unknown;
  };
}) => BpmnlintLinter;

const { Linter } = require('bpmnlint') as { Linter: LinterConstructor };
const recommended = require('bpmnlint/config/recommended') as { rules: Record<string, string> };

export interface DiagramProblem {
  /** The element the problem is about, when it has one. */
  elementId?: string;
  /** `parse`, a bpmnlint rule (`label-required`) or one of ours (`preplan/no-script`). */
  rule: string;
  message: string;
  severity: 'error' | 'warning';
}

/** A timer start event: the process starts on its own on this schedule. */
export interface StartTimer {
  activityId: string;
  timerType: 'timeDate' | 'timeDuration' | 'timeCycle';
  value: string;
}

export interface ValidatedDiagram {
  /** The executable process's id: the definition key. */
  key: string | undefined;
  name: string | undefined;
  startTimers: StartTimer[];
  problems: DiagramProblem[];
}

const PLUGIN = 'bpmnlint-plugin-preplan';
export { MAX_DIAGRAM_BYTES } from './diagram-limits.js';
import { MAX_DIAGRAM_BYTES } from './diagram-limits.js';

/** Recommended rules, except that a diagram without layout only warns (tests and imports). */
function lintConfig(catalog: DeploymentCatalog): unknown {
  const rules: Record<string, unknown> = { ...recommended.rules, 'no-bpmndi': 'warn' };
  for (const name of Object.keys(preplanRules)) rules[`preplan/${name}`] = ['error', catalog];
  return { rules };
}

const resolver = {
  resolveRule(pkg: string, name: string): RuleFactory | unknown {
    if (pkg === PLUGIN) return preplanRules[name];
    if (pkg === 'bpmnlint' && /^[a-z-]+$/.test(name)) return require(`bpmnlint/rules/${name}`);
    return undefined;
  },
  resolveConfig(): never {
    throw new Error('preplan passes its lint configuration inline');
  },
};

function elementIdOf(warning: { element?: ModdleElement; message: string }): string | undefined {
  let element = warning.element;
  while (element && !element.id) element = element.$parent;
  return element?.id;
}

/**
 * Parses strictly and lints. Runs inside the lint worker (see validate-diagram.ts), never on
 * the main thread. bpmn-moddle in lax mode would silently drop unknown elements and
 * attributes in unknown namespaces, so every parse warning is an error here.
 */
export async function validateBpmn(xml: string, catalog: DeploymentCatalog): Promise<ValidatedDiagram> {
  if (Buffer.byteLength(xml) > MAX_DIAGRAM_BYTES)
    return refused(`diagram is larger than ${MAX_DIAGRAM_BYTES} bytes`);
  const shape = xmlShapeProblem(xml);
  if (shape) return refused(shape);
  const moddle = new BpmnModdle({ camunda });
  let parsed;
  try {
    parsed = await moddle.fromXML(xml, { lax: false });
  } catch (error) {
    return refused(`not a BPMN 2.0 diagram: ${oneLine((error as Error).message)}`);
  }
  // Nothing to lint, and bpmnlint's own rules crash (printing their stacks) on empty definitions.
  if (!((parsed.rootElement.rootElements ?? []) as ModdleElement[]).length)
    return refused('the diagram holds no process', 'preplan/executable-process');
  const problems: DiagramProblem[] = undeclaredPrefixes(xml).map((prefix) => ({
    rule: 'parse',
    severity: 'error' as const,
    message: `the prefix "${prefix}" is used but its namespace is never declared (xmlns:${prefix}); other tools cannot read this diagram`,
  }));
  problems.push(
    ...parsed.warnings.map((warning) => ({
      elementId: elementIdOf(warning),
      rule: 'parse',
      severity: 'error' as const,
      message: oneLine(warning.message),
    })),
  );
  const linter = new Linter({ config: lintConfig(catalog), resolver });
  const reports = await linter.lint(parsed.rootElement);
  for (const [rule, entries] of Object.entries(reports)) {
    for (const entry of entries) {
      problems.push({
        elementId: entry.id,
        rule,
        message: entry.message,
        severity: entry.category === 'warn' || entry.category === 'info' ? 'warning' : 'error',
      });
    }
  }
  const process = ((parsed.rootElement.rootElements ?? []) as ModdleElement[]).find(
    (element) => element.$type === 'bpmn:Process' && element.isExecutable === true,
  );
  return {
    key: process?.id,
    name: process?.name as string | undefined,
    startTimers: startTimersOf(process),
    problems,
  };
}

function startTimersOf(process: ModdleElement | undefined): StartTimer[] {
  const timers: StartTimer[] = [];
  for (const element of (process?.flowElements ?? []) as ModdleElement[]) {
    if (element.$type !== 'bpmn:StartEvent') continue;
    for (const definition of (element.eventDefinitions ?? []) as ModdleElement[]) {
      if (definition.$type !== 'bpmn:TimerEventDefinition') continue;
      for (const timerType of ['timeCycle', 'timeDate', 'timeDuration'] as const) {
        const body = (definition[timerType] as ModdleElement | undefined)?.body;
        if (typeof body === 'string') timers.push({ activityId: element.id!, timerType, value: body.trim() });
      }
    }
  }
  return timers;
}

/** The parser quotes what it could not read; a 64 KiB run of text needs no quoting back in full. */
const MAX_MESSAGE_LENGTH = 300;

function oneLine(message: string): string {
  const line = message
    .split('\n')
    .map((part) => part.trim())
    .filter(Boolean)
    .join(', ');
  return line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH)}…` : line;
}

/**
 * Prefixes used in tag or attribute names without an `xmlns:` declaration anywhere. bpmn-moddle
 * resolves a registered prefix (camunda) even then, so only this text check catches it.
 */
function undeclaredPrefixes(xml: string): string[] {
  const used = new Set<string>();
  for (const tag of xml.matchAll(/<[A-Za-z][^>]*>/g))
    for (const name of tag[0].matchAll(/(?:^<|\s)([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*/g))
      if (name[1] !== 'xmlns' && name[1] !== 'xml') used.add(name[1]);
  return [...used].filter((prefix) => !new RegExp(`xmlns:${prefix}\\s*=`).test(xml));
}

function refused(message: string, rule = 'parse'): ValidatedDiagram {
  return {
    key: undefined,
    name: undefined,
    startTimers: [],
    problems: [{ rule, severity: 'error', message }],
  };
}
