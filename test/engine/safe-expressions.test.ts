import {
  compileExpression,
  ExpressionError,
  type Scope,
} from '../../src/engine/expressions/safe-expression.js';
import { resolveTemplate, parseTemplate } from '../../src/engine/expressions/expression-template.js';

class HostEnvironment {
  readonly #variables: Record<string, unknown>;
  constructor(variables: Record<string, unknown>) {
    this.#variables = variables;
  }
  get variables(): Record<string, unknown> {
    return this.#variables;
  }
  secret(): string {
    return 'should not be reachable';
  }
}

const notify = () => 'notified';
const scope = (variables: Record<string, unknown>): Scope => ({
  roots: { environment: Object.assign(new HostEnvironment(variables), { services: { notify } }) },
  variables,
});

describe('evaluating', () => {
  test('comparisons read process variables by bare name', () => {
    expect(resolveTemplate('${grade <= 2}', scope({ grade: 1 }))).toBe(true);
    expect(resolveTemplate('${grade <= 2}', scope({ grade: 3 }))).toBe(false);
    expect(
      resolveTemplate('${grade == 2 && category != "other"}', scope({ grade: 2, category: 'land' })),
    ).toBe(true);
  });

  test('host objects expose their data properties but not their methods', () => {
    expect(resolveTemplate('${environment.variables.grade}', scope({ grade: 4 }))).toBe(4);
    expect(resolveTemplate('${environment.services.notify}', scope({}))).toBe(notify);
    expect(resolveTemplate('${environment.secret}', scope({}))).toBeUndefined();
  });

  test('a lone expression yields its value and mixed text yields a string', () => {
    expect(resolveTemplate('${count}', scope({ count: 3 }))).toBe(3);
    expect(resolveTemplate('case ${id}: grade ${grade}', scope({ id: 'c1', grade: 2 }))).toBe(
      'case c1: grade 2',
    );
    expect(resolveTemplate('no expression', scope({}))).toBe('no expression');
  });

  test('whitelisted helpers compute deadlines and membership', () => {
    const vars = { occurredAt: '2026-01-01T00:00:00.000Z', roles: ['office', 'leader'] };
    expect(resolveTemplate('${addHours(occurredAt, 12)}', scope(vars))).toBe('2026-01-01T12:00:00.000Z');
    expect(resolveTemplate('${includes(roles, "leader")}', scope(vars))).toBe(true);
    expect(resolveTemplate('${coalesce(missing, "x")}', scope(vars))).toBe('x');
  });

  test('missing variables are undefined, not errors', () => {
    expect(resolveTemplate('${nothing.deeper.still}', scope({}))).toBeUndefined();
  });
});

describe('refusing', () => {
  const refused = (expression: string) =>
    expect(() => compileExpression(expression)).toThrow(ExpressionError);

  test('the constructor sandbox escape is refused when compiled', () => {
    refused('environment.constructor.constructor("return process")()');
    expect(() => parseTemplate('${environment.constructor.constructor("return process")().exit()}')).toThrow(
      ExpressionError,
    );
    refused('environment.constructor');
  });

  test('calls other than helpers, this, and prototype access are refused', () => {
    refused('name.toUpperCase()');
    refused('this');
    refused('x.__proto__');
    refused('process.exit()');
    refused('a = 1');
    refused('a; b');
    refused('/x/');
  });

  test('a literal computed key to a forbidden property is refused when compiled', () => {
    refused('environment["constructor"]');
    refused("x['__proto__'].polluted");
    refused("grade['prototype']");
  });

  test('a computed path to a forbidden property fails when evaluated', () => {
    const compiled = compileExpression('environment["constr" + "uctor"]');
    expect(() => compiled.evaluate(scope({}))).toThrow(/not allowed/);
  });

  test('syntax errors say where the expression is', () => {
    expect(() => compileExpression('grade <=')).toThrow(/syntax error.*grade <=/);
    expect(() => parseTemplate('${grade')).toThrow(/unterminated/);
  });
});
