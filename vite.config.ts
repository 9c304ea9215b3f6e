import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import ajvFormats from 'ajv-formats';
import { RJSF_ADDITIONAL_PROPERTIES_FLAG, schemaParser, type RJSFSchema } from '@rjsf/utils';

const ROOT = import.meta.dirname;
const FORMS_DIR = path.join(ROOT, 'forms');
const FORMS_ID = 'virtual:preplan-forms';
const VALIDATOR_PREFIX = 'virtual:preplan-form-validator/';

type Json = Record<string, unknown>;

function formFiles(): Array<{ key: string; file: string; schema: Json; uiSchema?: Json }> {
  return readdirSync(FORMS_DIR)
    .filter((name) => name.endsWith('.json') && !name.endsWith('.ui.json'))
    .sort()
    .map((name) => {
      const key = name.slice(0, -'.json'.length);
      const file = path.join(FORMS_DIR, name);
      const uiFile = path.join(FORMS_DIR, `${key}.ui.json`);
      let uiSchema: Json | undefined;
      try {
        uiSchema = JSON.parse(readFileSync(uiFile, 'utf8')) as Json;
      } catch {
        uiSchema = undefined;
      }
      return { key, file, schema: JSON.parse(readFileSync(file, 'utf8')) as Json, uiSchema };
    });
}

/**
 * The form's validators compiled at build time (ajv standalone code), as rjsf's precompiled
 * validator wants them: the page's CSP (`script-src 'self'`) forbids the `new Function` that
 * ajv would need to compile a schema in the browser. Same ajv options as rjsf's own validator,
 * with every format of ajv-formats, so the browser checks what the server checks.
 */
function validatorModule(schema: Json): string {
  const parsed = schemaParser(schema as RJSFSchema);
  const ids = Object.keys(parsed);
  const ajv = new Ajv({
    allErrors: true,
    multipleOfPrecision: 8,
    strict: false,
    verbose: true,
    discriminator: false,
    code: { source: true, esm: true, lines: false, optimize: true },
    schemas: Object.values(parsed),
  });
  ajvFormats.default(ajv);
  ajv.addKeyword(RJSF_ADDITIONAL_PROPERTIES_FLAG);
  const mapping = Object.fromEntries(ids.map((id, i) => [`v${i}`, id]));
  let code = standaloneCode.default(ajv, mapping);
  // ajv's standalone code still `require`s its runtime helpers: import them as ES modules.
  const modules: string[] = [];
  code = code.replace(/require\("([^"]+)"\)/g, (_match, specifier: string) => {
    let index = modules.indexOf(specifier);
    if (index < 0) index = modules.push(specifier) - 1;
    return `__m${index}`;
  });
  const imports = modules.map((m, i) => `import * as __m${i} from ${JSON.stringify(m)};`).join('\n');
  const table = ids.map((id, i) => `${JSON.stringify(id)}: v${i}`).join(',\n');
  return `${imports}\n${code.replace(/^"use strict";/, '')}\nexport default {\n${table}\n};\n`;
}

/** `virtual:preplan-forms`: every form of forms/ (schema, UI hints) and a loader of its validator. */
function preplanForms(): Plugin {
  return {
    name: 'preplan-forms',
    resolveId(id) {
      if (id === FORMS_ID || id.startsWith(VALIDATOR_PREFIX)) return `\0${id}`;
      return undefined;
    },
    load(id) {
      if (id === `\0${FORMS_ID}`) {
        const entries = formFiles().map(({ key, file, schema, uiSchema }) => {
          this.addWatchFile(file);
          return `${JSON.stringify(key)}: { schema: ${JSON.stringify(schema)}, uiSchema: ${JSON.stringify(
            uiSchema ?? {},
          )}, validators: () => import(${JSON.stringify(VALIDATOR_PREFIX + key)}) }`;
        });
        return `export const forms = {\n${entries.join(',\n')}\n};\n`;
      }
      if (id.startsWith(`\0${VALIDATOR_PREFIX}`)) {
        const key = id.slice(`\0${VALIDATOR_PREFIX}`.length);
        const form = formFiles().find((f) => f.key === key);
        if (!form) throw new Error(`no form ${key} in forms/`);
        this.addWatchFile(form.file);
        return validatorModule(form.schema);
      }
      return undefined;
    },
  };
}

export default defineConfig({
  root: path.join(ROOT, 'src/web'),
  base: '/',
  publicDir: false,
  plugins: [preplanForms()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: path.join(ROOT, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // rjsf marks its hooks 'use client' (for React Server Components): meaningless in this bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      output: {
        chunkFileNames: (chunk) =>
          `assets/${chunk.name.replace(/^_?virtual_preplan-form-validator_?/, 'form-')}-[hash].js`,
      },
    },
  },
  server: {
    // `npm run dev:web`: the UI with hot reload, the API of a node started with `npm start`.
    proxy: Object.fromEntries(
      ['/api', '/healthz', '/readyz', '/metrics'].map((p) => [
        p,
        `http://127.0.0.1:${process.env.PREPLAN_PORT ?? 3000}`,
      ]),
    ),
  },
});
