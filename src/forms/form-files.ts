import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PreplanError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

/** One form as found on disk: `<key>.json` and, when present, its rjsf hints `<key>.ui.json`. */
export interface FormFile {
  key: string;
  file: string;
  schema: JsonObject;
  uiSchema?: JsonObject;
}

const UI_SUFFIX = '.ui.json';

/**
 * Reads the forms directory: every `*.json` but `*.ui.json` is a form named by its file. A missing
 * directory holds no forms (as for the deployment catalog); a file that is not a JSON object, a
 * `$id` other than `preplan:form:<key>`, or a `.ui.json` without its form is refused naming the file.
 */
export function readFormFiles(formsDir: string): FormFile[] {
  let names: string[];
  try {
    names = readdirSync(formsDir).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const formNames = names.filter((name) => name.endsWith('.json') && !name.endsWith(UI_SUFFIX));
  const uiNames = new Set(names.filter((name) => name.endsWith(UI_SUFFIX)));

  const forms = formNames.map((name): FormFile => {
    const key = path.basename(name, '.json');
    const file = path.join(formsDir, name);
    const schema = readJsonObject(file);
    const expectedId = `preplan:form:${key}`;
    if (schema.$id !== undefined && schema.$id !== expectedId)
      throw new PreplanError('invalid', `form ${file}: $id must be "${expectedId}"`, { file });
    const uiName = `${key}${UI_SUFFIX}`;
    if (!uiNames.delete(uiName)) return { key, file, schema };
    return { key, file, schema, uiSchema: readJsonObject(path.join(formsDir, uiName)) };
  });
  for (const orphan of uiNames) {
    const file = path.join(formsDir, orphan);
    throw new PreplanError(
      'invalid',
      `ui schema ${file} has no form ${path.basename(orphan, UI_SUFFIX)}.json`,
      {
        file,
      },
    );
  }
  return forms;
}

function readJsonObject(file: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PreplanError('invalid', `form ${file} is not valid JSON: ${(error as Error).message}`, {
      file,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new PreplanError('invalid', `form ${file} must be a JSON object`, { file });
  return parsed as JsonObject;
}
