import { hasExpression, resolveTemplate } from '../expressions/expression-template.js';

interface ExpressionContext {
  environment?: { variables?: Record<string, unknown> };
  content?: unknown;
  fields?: unknown;
  properties?: unknown;
}

/**
 * bpmn-engine's `expressions` option: every `${…}` the engine resolves (conditions, timers,
 * implementations, call targets) goes through the safe evaluator instead of the default one,
 * whose `${environment.constructor.constructor(…)}` reaches the Function constructor.
 */
export const safeEngineExpressions = {
  resolveExpression(expression: string, context: ExpressionContext = {}): unknown {
    return resolveTemplate(expression, {
      roots: {
        environment: context.environment,
        content: context.content,
        fields: context.fields,
        properties: context.properties,
      },
      variables: context.environment?.variables ?? {},
    });
  },
  isExpression: (text: unknown): boolean => typeof text === 'string' && /^\$\{.*\}$/s.test(text.trim()),
  hasExpression: (text: unknown): boolean => hasExpression(text),
};

/** Scripts never run, even if a diagram slipped past deploy: there is no script engine. */
export const noScripts = {
  register(): undefined {
    return undefined;
  },
  getScript(): undefined {
    return undefined;
  },
};
