import type { Ajv, ValidateFunction } from 'ajv';
import { PreplanError } from '../errors.js';
import { createFormAjv } from './ajv-setup.js';
import { toFieldErrors, type FieldError } from './field-errors.js';
import { readFormFiles, type JsonObject } from './form-files.js';

export type { FieldError } from './field-errors.js';

/** A form's data: its property names are the process variables the diagrams read. */
export type FormValues = JsonObject;

export type FormValidation = { ok: true; data: FormValues } | { ok: false; errors: FieldError[] };

interface LoadedForm {
  schema: JsonObject;
  uiSchema?: JsonObject;
  validate: ValidateFunction<FormValues>;
}

/**
 * The forms of `forms/`: one strict JSON Schema per form key, compiled once at construction
 * (a schema that does not compile stops the load, naming its file). Validation reports every
 * problem at once as zh-CN field errors and never changes the data.
 */
export class FormRegistry {
  private readonly forms = new Map<string, LoadedForm>();
  private readonly ajv: Ajv = createFormAjv();

  constructor(readonly formsDir: string) {
    for (const { key, file, schema, uiSchema } of readFormFiles(formsDir)) {
      let validate: ValidateFunction<FormValues>;
      try {
        validate = this.ajv.compile<FormValues>(schema);
      } catch (error) {
        throw new PreplanError('invalid', `form ${file} does not compile: ${(error as Error).message}`, {
          file,
        });
      }
      this.forms.set(key, { schema, uiSchema, validate });
    }
  }

  keys(): string[] {
    return [...this.forms.keys()].sort();
  }

  has(key: string): boolean {
    return this.forms.has(key);
  }

  /** A copy of the form's JSON Schema, or undefined for an unknown key. */
  schema(key: string): JsonObject | undefined {
    const form = this.forms.get(key);
    return form && structuredClone(form.schema);
  }

  /** A copy of the form's rjsf uiSchema, or undefined when it has none. */
  uiSchema(key: string): JsonObject | undefined {
    const uiSchema = this.forms.get(key)?.uiSchema;
    return uiSchema && structuredClone(uiSchema);
  }

  /** Checks data against the form; an unknown key is `not-found`. */
  validate(key: string, data: unknown): FormValidation {
    const form = this.forms.get(key);
    if (!form) throw new PreplanError('not-found', `form "${key}" does not exist`, { formKey: key });
    if (form.validate(data)) return { ok: true, data };
    return { ok: false, errors: toFieldErrors(form.validate.errors ?? []) };
  }
}
