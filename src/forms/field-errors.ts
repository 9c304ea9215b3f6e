import type { ErrorObject } from 'ajv';
import { localizeZh } from './ajv-setup.js';

/** One problem with a form's data, placed at the field it concerns. */
export interface FieldError {
  /** JSON pointer of the field, e.g. `/measures/0/owner`; `''` for the form as a whole. */
  path: string;
  /** zh-CN, for the person filling the form. */
  message: string;
  /** The JSON Schema keyword that failed (`required`, `maxLength`, `oneOf`, …). */
  keyword: string;
}

/** Patterns whose raw message (`应当匹配模式 "…"`) means nothing to the person filling the form. */
const PATTERN_MESSAGES: Record<string, string> = {
  '^https?://': '应当是以 http:// 或 https:// 开头的网址',
};

const LENGTH_KEYWORDS = new Set(['minLength', 'maxLength']);

/**
 * Turns ajv's errors into field errors in zh-CN: `required` and `additionalProperties` point at
 * the field they name; a failed choice (`oneOf` of `const` branches) becomes one message listing
 * the choices' titles instead of one error per branch plus the `oneOf` and `type` noise; the `if`
 * keyword's own error is dropped (the `required` under its `then` says what is missing); a failed
 * `format` hides the length errors of the same field.
 */
export function toFieldErrors(ajvErrors: readonly ErrorObject[]): FieldError[] {
  const errors = ajvErrors.map((error) => ({ ...error }));
  localizeZh(errors);

  const choices = errors.filter(isFailedChoice);
  const coveredByChoice = (error: ErrorObject): boolean =>
    choices.some(
      (choice) =>
        choice !== error &&
        choice.instancePath === error.instancePath &&
        error.schemaPath.startsWith(`${parentSchemaPath(choice)}/`),
    );
  const formatFailed = new Set(errors.filter((e) => e.keyword === 'format').map((e) => e.instancePath));

  const result: FieldError[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if' || coveredByChoice(error)) continue;
    if (LENGTH_KEYWORDS.has(error.keyword) && formatFailed.has(error.instancePath)) continue;
    const fieldError = toFieldError(error);
    const id = `${fieldError.path}\u0000${fieldError.keyword}\u0000${fieldError.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    result.push(fieldError);
  }
  return result;
}

function toFieldError(error: ErrorObject): FieldError {
  const { keyword, instancePath } = error;
  const message = error.message ?? keyword;
  switch (keyword) {
    case 'required': {
      const { missingProperty } = error.params as { missingProperty: string };
      return { path: childPath(instancePath, missingProperty), message, keyword };
    }
    case 'additionalProperties': {
      const { additionalProperty } = error.params as { additionalProperty: string };
      return {
        path: childPath(instancePath, additionalProperty),
        message: `${message}：${additionalProperty}`,
        keyword,
      };
    }
    case 'oneOf':
      if (isFailedChoice(error)) {
        const titles = choiceBranches(error.schema).map((branch) => branch.title ?? String(branch.const));
        return { path: instancePath, message: `必须是以下之一：${titles.join('、')}`, keyword };
      }
      return { path: instancePath, message, keyword };
    case 'pattern': {
      const { pattern } = error.params as { pattern: string };
      return { path: instancePath, message: PATTERN_MESSAGES[pattern] ?? message, keyword };
    }
    default:
      return { path: instancePath, message, keyword };
  }
}

interface ChoiceBranch {
  const: unknown;
  title?: string;
}

/** A `oneOf` whose branches are all `{ const, title }`: the forms' way of writing a labelled enum. */
function isFailedChoice(error: ErrorObject): boolean {
  return error.keyword === 'oneOf' && choiceBranches(error.schema).length > 0;
}

function choiceBranches(schema: unknown): ChoiceBranch[] {
  if (!Array.isArray(schema)) return [];
  const branches = schema.filter(
    (branch): branch is ChoiceBranch => typeof branch === 'object' && branch !== null && 'const' in branch,
  );
  return branches.length === schema.length ? branches : [];
}

/** `#/properties/trend/oneOf` → `#/properties/trend`: the schema whose other errors the choice covers. */
function parentSchemaPath(choice: ErrorObject): string {
  return choice.schemaPath.slice(0, -'/oneOf'.length);
}

function childPath(parent: string, property: string): string {
  return `${parent}/${property.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
