import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { PreplanError } from '../errors.js';
import { localizeZh } from '../forms/ajv-setup.js';
import { toFieldErrors } from '../forms/field-errors.js';

const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false, useDefaults: true, verbose: true });
ajvFormats.default(ajv);

/** Query strings arrive as text: these schemas coerce (`?limit=20`), bodies never do. */
const queryAjv = new Ajv({
  allErrors: true,
  strict: true,
  coerceTypes: true,
  useDefaults: true,
  verbose: true,
});
ajvFormats.default(queryAjv);

export type Schema = Record<string, unknown>;

function checker<T>(validator: ValidateFunction, where: string): (value: unknown) => T {
  return (value) => {
    if (validator(value)) return value as T;
    const errors = [...((validator.errors ?? []) as ErrorObject[])];
    localizeZh(errors);
    throw new PreplanError('invalid', `${where}不符合要求`, { errors: toFieldErrors(errors) });
  };
}

/** A JSON body checked against its schema: unknown fields, wrong types, `$` operators all refused. */
export function bodyChecker<T>(schema: Schema): (value: unknown) => T {
  return checker<T>(ajv.compile({ type: 'object', additionalProperties: false, ...schema }), '请求体');
}

export function queryChecker<T>(schema: Schema): (value: unknown) => T {
  return checker<T>(queryAjv.compile({ type: 'object', additionalProperties: false, ...schema }), '查询参数');
}

/** Ids in paths: plain names, never operators or paths. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@~-]{0,199}$/;

export function checkId(value: string | string[] | undefined, what: string): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value))
    throw new PreplanError('not-found', `${what} 不存在`);
  return value;
}
