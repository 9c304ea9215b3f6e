import jsep from 'jsep';
import { expressionHelpers, helperNames } from './expression-helpers.js';

/**
 * Diagram expressions (`${grade <= 2}`, `${environment.services.notify}`) evaluated without
 * JavaScript: a jsep syntax tree walked by an interpreter that can read data and call the
 * whitelisted helpers, and nothing else. Method calls, `this`, assignment, `new`, and the
 * property names that lead to constructors are refused when the expression is compiled, which
 * is when a diagram is deployed.
 */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(`${message} in expression "${expression}"`);
    this.name = 'ExpressionError';
  }
}

const FORBIDDEN_PROPERTIES = new Set([
  'constructor',
  '__proto__',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'caller',
  'callee',
  'arguments',
]);

/** Properties of host objects (bpmn-elements' environment and messages) that may be read. */
const HOST_PROPERTIES = new Set([
  'variables',
  'services',
  'output',
  'settings',
  'content',
  'properties',
  'fields',
  'id',
  'name',
  'type',
  'executionId',
]);

const BINARY: Record<string, (a: unknown, b: unknown) => unknown> = {
  '==': (a, b) => a == b,
  '!=': (a, b) => a != b,
  '===': (a, b) => a === b,
  '!==': (a, b) => a !== b,
  '<': (a, b) => (a as number) < (b as number),
  '<=': (a, b) => (a as number) <= (b as number),
  '>': (a, b) => (a as number) > (b as number),
  '>=': (a, b) => (a as number) >= (b as number),
  '+': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a + b : `${String(a)}${String(b)}`),
  '-': (a, b) => (a as number) - (b as number),
  '*': (a, b) => (a as number) * (b as number),
  '/': (a, b) => (a as number) / (b as number),
  '%': (a, b) => (a as number) % (b as number),
};

const UNARY: Record<string, (a: unknown) => unknown> = {
  '!': (a) => !a,
  '-': (a) => -(a as number),
  '+': (a) => +(a as number),
};

export interface Scope {
  /** Named roots (`environment`, `content`, …). */
  roots: Record<string, unknown>;
  /** Where a bare name that is not a root or helper is looked up (process variables). */
  variables: Record<string, unknown>;
}

type Node = jsep.Expression;

function fail(message: string, source: string): never {
  throw new ExpressionError(message, source);
}

/** Refuses every construct the interpreter does not support, so errors surface at deploy. */
function validate(node: Node, source: string): void {
  switch (node.type) {
    case 'Literal':
      if ((node as jsep.Literal).value instanceof RegExp) fail('regular expressions are not allowed', source);
      return;
    case 'Identifier':
      if (FORBIDDEN_PROPERTIES.has((node as jsep.Identifier).name))
        fail(`"${(node as jsep.Identifier).name}" is not allowed`, source);
      return;
    case 'MemberExpression': {
      const member = node as jsep.MemberExpression;
      validate(member.object, source);
      if (member.computed) {
        validate(member.property, source);
        // `x['constructor']`: refused at run time too, but a literal key can be refused at deploy.
        const key = member.property.type === 'Literal' ? String((member.property as jsep.Literal).value) : '';
        if (FORBIDDEN_PROPERTIES.has(key)) fail(`property "${key}" is not allowed`, source);
      } else {
        const name = (member.property as jsep.Identifier).name;
        if (FORBIDDEN_PROPERTIES.has(name)) fail(`property "${name}" is not allowed`, source);
      }
      return;
    }
    case 'CallExpression': {
      const call = node as jsep.CallExpression;
      if (call.callee.type !== 'Identifier' || !helperNames.has((call.callee as jsep.Identifier).name))
        fail(`only these functions may be called: ${[...helperNames].join(', ')}`, source);
      call.arguments.forEach((argument) => validate(argument, source));
      return;
    }
    case 'BinaryExpression': {
      const binary = node as jsep.BinaryExpression;
      if (
        !(binary.operator in BINARY) &&
        binary.operator !== '&&' &&
        binary.operator !== '||' &&
        binary.operator !== '??'
      )
        fail(`operator "${binary.operator}" is not allowed`, source);
      validate(binary.left, source);
      validate(binary.right, source);
      return;
    }
    case 'UnaryExpression': {
      const unary = node as jsep.UnaryExpression;
      if (!(unary.operator in UNARY)) fail(`operator "${unary.operator}" is not allowed`, source);
      validate(unary.argument, source);
      return;
    }
    case 'ConditionalExpression': {
      const conditional = node as jsep.ConditionalExpression;
      validate(conditional.test, source);
      validate(conditional.consequent, source);
      validate(conditional.alternate, source);
      return;
    }
    case 'ArrayExpression':
      (node as jsep.ArrayExpression).elements.forEach((element) => element && validate(element, source));
      return;
    default:
      fail(`${node.type} is not allowed`, source);
  }
}

function readProperty(object: unknown, key: unknown, source: string): unknown {
  if (object === null || object === undefined) return undefined;
  if (typeof key !== 'string' && typeof key !== 'number')
    fail('property names must be strings or numbers', source);
  const name = String(key);
  if (FORBIDDEN_PROPERTIES.has(name)) fail(`property "${name}" is not allowed`, source);
  if ((typeof object === 'string' || Array.isArray(object)) && name === 'length') return object.length;
  if (typeof object !== 'object') return undefined;
  if (Object.hasOwn(object, name)) return (object as Record<string, unknown>)[name];
  const proto = Object.getPrototypeOf(object);
  const isPlain = proto === Object.prototype || proto === null || Array.isArray(object);
  if (!isPlain && HOST_PROPERTIES.has(name)) return (object as Record<string, unknown>)[name];
  return undefined;
}

function evaluate(node: Node, scope: Scope, source: string): unknown {
  switch (node.type) {
    case 'Literal':
      return (node as jsep.Literal).value;
    case 'Identifier': {
      const { name } = node as jsep.Identifier;
      if (name === 'null') return null;
      if (name === 'undefined') return undefined;
      if (Object.hasOwn(scope.roots, name)) return scope.roots[name];
      return readProperty(scope.variables, name, source);
    }
    case 'MemberExpression': {
      const member = node as jsep.MemberExpression;
      const object = evaluate(member.object, scope, source);
      const key = member.computed
        ? evaluate(member.property, scope, source)
        : (member.property as jsep.Identifier).name;
      return readProperty(object, key, source);
    }
    case 'CallExpression': {
      const call = node as jsep.CallExpression;
      const helper = expressionHelpers[(call.callee as jsep.Identifier).name];
      return helper(...call.arguments.map((argument) => evaluate(argument, scope, source)));
    }
    case 'BinaryExpression': {
      const { operator, left, right } = node as jsep.BinaryExpression;
      const a = evaluate(left, scope, source);
      if (operator === '&&') return a ? evaluate(right, scope, source) : a;
      if (operator === '||') return a ? a : evaluate(right, scope, source);
      if (operator === '??') return a ?? evaluate(right, scope, source);
      return BINARY[operator](a, evaluate(right, scope, source));
    }
    case 'UnaryExpression': {
      const { operator, argument } = node as jsep.UnaryExpression;
      return UNARY[operator](evaluate(argument, scope, source));
    }
    case 'ConditionalExpression': {
      const { test, consequent, alternate } = node as jsep.ConditionalExpression;
      return evaluate(test, scope, source)
        ? evaluate(consequent, scope, source)
        : evaluate(alternate, scope, source);
    }
    case 'ArrayExpression':
      return (node as jsep.ArrayExpression).elements.map((element) =>
        element ? evaluate(element, scope, source) : null,
      );
    default:
      return fail(`${node.type} is not allowed`, source);
  }
}

export interface CompiledExpression {
  source: string;
  evaluate(scope: Scope): unknown;
}

const cache = new Map<string, CompiledExpression>();
const CACHE_LIMIT = 5000;

/** Parses and checks the inside of one `${…}`; throws ExpressionError when it is not allowed. */
export function compileExpression(source: string): CompiledExpression {
  const cached = cache.get(source);
  if (cached) return cached;
  let tree: Node;
  try {
    tree = jsep(source);
  } catch (error) {
    return fail(`syntax error: ${(error as Error).message}`, source);
  }
  if (tree.type === 'Compound') fail('only a single expression is allowed', source);
  validate(tree, source);
  const compiled: CompiledExpression = { source, evaluate: (scope) => evaluate(tree, scope, source) };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, compiled);
  return compiled;
}
