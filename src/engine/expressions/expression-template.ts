import {
  compileExpression,
  ExpressionError,
  type CompiledExpression,
  type Scope,
} from './safe-expression.js';

type Part = string | CompiledExpression;

/** Splits `text ${expr} more ${expr}` into literal text and compiled expressions. */
export function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let at = 0;
  while (at < template.length) {
    const start = template.indexOf('${', at);
    if (start < 0) {
      parts.push(template.slice(at));
      break;
    }
    if (start > at) parts.push(template.slice(at, start));
    const end = closingBrace(template, start + 2);
    if (end < 0) throw new ExpressionError('unterminated ${', template);
    parts.push(compileExpression(template.slice(start + 2, end).trim()));
    at = end + 1;
  }
  return parts;
}

/** Index of the `}` closing an expression, skipping braces inside quoted strings. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

export function hasExpression(text: unknown): text is string {
  return typeof text === 'string' && text.includes('${');
}

/**
 * Resolves a template: a lone `${expr}` yields the value itself (a boolean for a condition, a
 * function for a service implementation); mixed text yields a string.
 */
export function resolveTemplate(template: string, scope: Scope): unknown {
  const parts = parseTemplate(template);
  if (parts.length === 1 && typeof parts[0] !== 'string') return parts[0].evaluate(scope);
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const value = part.evaluate(scope);
      return value === undefined || value === null ? '' : String(value);
    })
    .join('');
}
