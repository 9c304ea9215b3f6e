import type { ModdleElement } from 'bpmn-moddle';
import { isType, type LintReporter, type RuleFactory } from './rule-types.js';
import { hasExpression, parseTemplate } from '../../expressions/expression-template.js';

function ownerId(node: ModdleElement): string | undefined {
  let current: ModdleElement | undefined = node;
  while (current && !current.id) current = current.$parent;
  return current?.id;
}

function checkText(node: ModdleElement, text: string, reporter: LintReporter): void {
  if (!hasExpression(text)) return;
  try {
    parseTemplate(text);
  } catch (error) {
    reporter.report(ownerId(node), (error as Error).message);
  }
}

/**
 * Every `${…}` in the diagram compiles with the safe evaluator, and every sequence-flow
 * condition is one: bpmn-engine treats a bare literal such as `false` as truthy.
 */
const safeExpressions: RuleFactory = () => ({
  check(node, reporter) {
    for (const [name, value] of Object.entries(node)) {
      if (name.startsWith('$') || typeof value !== 'string') continue;
      checkText(node, value, reporter);
    }
    for (const value of Object.values(node.$attrs ?? {}))
      if (typeof value === 'string') checkText(node, value, reporter);
    if (isType(node, 'bpmn:SequenceFlow')) {
      const condition = node.conditionExpression as ModdleElement | undefined;
      const body = typeof condition?.body === 'string' ? condition.body.trim() : undefined;
      if (condition && !(body && body.startsWith('${') && body.endsWith('}')))
        reporter.report(node.id, 'a condition must be a single ${…} expression');
    }
  },
});

export default safeExpressions;
