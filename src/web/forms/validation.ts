import {
  deepEquals,
  type ErrorSchema,
  type RJSFSchema,
  type RJSFValidationError,
  type UiSchema,
  type ValidatorType,
} from '@rjsf/utils';
import { createPrecompiledValidator } from '@rjsf/validator-ajv8';
import localizeZh from 'ajv-i18n/localize/zh';
import { forms } from 'virtual:preplan-forms';
import type { Lang, Translate } from '../i18n';
import type { FieldError, JsonObject } from '../types';

export interface LoadedValidator {
  validator: ValidatorType;
  /** The schema the form renders: the served one (equal to the bundled one when checked in the browser). */
  schema: RJSFSchema;
  /** True when the browser has no compiled validator for this schema: only the server checks it. */
  serverOnly: boolean;
}

/**
 * A stand-in when the served schema is not the one built into the UI (a form changed on the server
 * since the UI was built): the browser checks nothing and the server's field errors are shown.
 */
const serverOnlyValidator: ValidatorType = {
  validateFormData: () => ({ errors: [], errorSchema: {} }),
  isValid: () => false,
  rawValidation: () => ({ errors: [] }),
};

/**
 * The form's validator: ajv with ajv-formats, compiled when the UI was built from the same
 * forms/*.json the server validates with, so `format: date-time / uri / email` and every length,
 * pattern and `if/then` are checked in the browser as on the server.
 */
export async function loadValidator(formKey: string, served: JsonObject | undefined, lang: Lang) {
  const bundled = forms[formKey];
  const schema = (served ?? bundled?.schema) as RJSFSchema | undefined;
  if (!schema) throw new Error(`form ${formKey} has no schema`);
  if (!bundled || !deepEquals(bundled.schema, schema))
    return { validator: serverOnlyValidator, schema, serverOnly: true } satisfies LoadedValidator;
  const { default: validateFns } = await bundled.validators();
  const validator = createPrecompiledValidator(
    validateFns,
    bundled.schema as RJSFSchema,
    lang === 'zh-CN' ? localizeZh : undefined,
  );
  return { validator, schema: bundled.schema as RJSFSchema, serverOnly: false } satisfies LoadedValidator;
}

type SchemaNode = Record<string, unknown>;

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The sub-schema at a path of data keys (`['measures', '0', 'owner']`), if the form has one. */
export function schemaAt(schema: unknown, keys: string[]): SchemaNode | undefined {
  let node: unknown = schema;
  for (const key of keys) {
    if (!isNode(node)) return undefined;
    if (isNode(node.properties) && key in node.properties) node = node.properties[key];
    else if (/^\d+$/.test(key) && isNode(node.items)) node = node.items;
    else return undefined;
  }
  return isNode(node) ? node : undefined;
}

function choiceTitles(node: unknown): string[] | undefined {
  if (!isNode(node) || !Array.isArray(node.oneOf)) return undefined;
  const branches = node.oneOf as unknown[];
  if (!branches.every((b) => isNode(b) && 'const' in b)) return undefined;
  return branches.map((b) => String((b as SchemaNode).title ?? (b as SchemaNode).const));
}

/** `#/properties/trend/oneOf/1/const` → the schema at `#/properties/trend`. */
function schemaAtPointer(schema: unknown, pointer: string): unknown {
  let node: unknown = schema;
  for (const part of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (!isNode(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

const URL_PATTERN = '^https?://';
const LENGTH = new Set(['minLength', 'maxLength']);

/**
 * ajv's raw errors made readable, as the server does for its own (src/forms/field-errors.ts):
 * a failed choice says the choices once, `if` says nothing (its `then` does), a missing field
 * says "required" on the field itself, a failed format hides the same field's length errors.
 */
export function errorTransformer(t: Translate, schema: RJSFSchema) {
  return (errors: RJSFValidationError[], uiSchema?: UiSchema): RJSFValidationError[] => {
    const formatFailed = new Set(errors.filter((e) => e.name === 'format').map((e) => e.property));
    const out: RJSFValidationError[] = [];
    for (const error of errors) {
      const path = error.schemaPath ?? '';
      if (error.name === 'if') continue;
      if (LENGTH.has(error.name ?? '') && formatFailed.has(error.property)) continue;
      const choice = path.match(/^(.*)\/oneOf\/\d+\//);
      if (choice && choiceTitles(schemaAtPointer(schema, choice[1]))) continue;
      let message = error.message ?? '';
      if (error.name === 'oneOf') {
        const titles = choiceTitles(schemaAtPointer(schema, path.replace(/\/oneOf$/, '')));
        if (titles) message = t('form.oneOf', { choices: titles.join('、') });
      } else if (error.name === 'required') message = t('form.required');
      else if (error.name === 'pattern' && (error.params as { pattern?: string })?.pattern === URL_PATTERN)
        message = t('form.url');
      out.push({ ...error, message, stack: message });
    }
    // In the order the fields appear: the first error is the one that gets the focus.
    const order: string[] = Array.isArray(uiSchema?.['ui:order'])
      ? (uiSchema['ui:order'] as string[])
      : Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
    const position = (property: string | undefined) => {
      const index = order.indexOf((property ?? '').replace(/^\./, '').split('.')[0]);
      return index < 0 ? order.length : index;
    };
    return out
      .map((error, i) => ({ error, i }))
      .sort((a, b) => position(a.error.property) - position(b.error.property) || a.i - b.i)
      .map(({ error }) => error);
  };
}

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * The server's field errors (`{ path: '/measures/0/owner', message }`) as rjsf's error schema, so
 * each shows on its field; an error for a field the form does not have goes to the form as a whole.
 */
export function serverErrorSchema(errors: FieldError[], schema: RJSFSchema, t: Translate): ErrorSchema {
  const root: Record<string, unknown> = {};
  const add = (node: Record<string, unknown>, message: string) => {
    const list = (node.__errors as string[] | undefined) ?? [];
    if (!list.includes(message)) list.push(message);
    node.__errors = list;
  };
  for (const error of errors) {
    const keys = error.path.split('/').slice(1).map(unescape);
    const message = error.keyword === 'required' ? t('form.required') : error.message;
    if (keys.length === 0 || !schemaAt(schema, keys)) {
      add(root, keys.length ? `${keys.join('.')}: ${message}` : message);
      continue;
    }
    let node = root;
    for (const key of keys) {
      node[key] = (node[key] as Record<string, unknown> | undefined) ?? {};
      node = node[key] as Record<string, unknown>;
    }
    add(node, message);
  }
  return root as ErrorSchema;
}
