/** Made by vite.config.ts from forms/*.json at build time. */
declare module 'virtual:preplan-forms' {
  import type { ValidatorFunctions } from '@rjsf/validator-ajv8';

  export interface BundledForm {
    schema: Record<string, unknown>;
    uiSchema: Record<string, unknown>;
    /** The form's ajv validators, compiled at build time (the CSP forbids compiling in the browser). */
    validators: () => Promise<{ default: ValidatorFunctions }>;
  }

  export const forms: Record<string, BundledForm>;
}
