import { Ajv, type ErrorObject } from 'ajv';
import ajvFormats from 'ajv-formats';
import ajvI18nZh from 'ajv-i18n/localize/zh/index.js';

/**
 * The one ajv configuration for forms: every error at once, strict schemas (unknown keywords,
 * required names that no `properties` defines and type-less constraints are compile errors), and
 * validation that never changes the data (no coercion, no defaults). `verbose` keeps each error's
 * schema so that enum messages can name the choices.
 */
export function createFormAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    coerceTypes: false,
    useDefaults: false,
    verbose: true,
  });
  ajvFormats.default(ajv);
  return ajv;
}

type Localize = (errors?: ErrorObject[] | null) => void;

/**
 * ajv-i18n's zh localizer. Its typings say `export default` while the CommonJS file assigns
 * `module.exports` itself, so under Node ESM the default import is the function, not
 * `.default`: accept either shape.
 */
export const localizeZh: Localize = pickFunction(ajvI18nZh, 'ajv-i18n/localize/zh');

function pickFunction(imported: unknown, name: string): Localize {
  if (typeof imported === 'function') return imported as Localize;
  const inner = (imported as { default?: unknown } | null)?.default;
  if (typeof inner === 'function') return inner as Localize;
  throw new Error(`${name} does not export a function`);
}
