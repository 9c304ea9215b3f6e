import type { ModdleElement } from 'bpmn-moddle';

/** What a deployment is checked against: the services, forms, roles and processes that exist. */
export interface DeploymentCatalog {
  services: string[];
  formKeys: string[];
  roles: string[];
  /** Process keys a call activity may call (deployed, or deployed together with this one). */
  processKeys: string[];
}

export interface LintReporter {
  report(id: string | undefined, message: string, path?: string[]): void;
}

export interface LintRule {
  check(node: ModdleElement, reporter: LintReporter): void;
}

/** A bpmnlint rule factory; bpmnlint hands it the rule's configuration (our catalog). */
export type RuleFactory = (catalog: DeploymentCatalog) => LintRule;

export const isType = (node: ModdleElement, type: string): boolean =>
  typeof (node as { $instanceOf?: (t: string) => boolean }).$instanceOf === 'function'
    ? (node as unknown as { $instanceOf: (t: string) => boolean }).$instanceOf(type)
    : node.$type === type;

export function attribute(node: ModdleElement, name: string): string | undefined {
  const value = node.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Splits `camunda:candidateGroups="office, leader"` into names. */
export function listAttribute(node: ModdleElement, name: string): string[] {
  return (attribute(node, name) ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}
