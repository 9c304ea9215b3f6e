import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { DeploymentCatalog } from './lint-rules/rule-types.js';

/** The form keys that exist: one JSON Schema per key, `forms/<key>.json`. */
export async function formKeysIn(formsDir: string): Promise<string[]> {
  try {
    return (await readdir(formsDir))
      .filter((name) => name.endsWith('.json') && !name.endsWith('.ui.json'))
      .map((name) => path.basename(name, '.json'))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export async function buildCatalog(options: {
  services: string[];
  formsDir: string;
  roles: string[];
  processKeys: string[];
}): Promise<DeploymentCatalog> {
  return {
    services: [...options.services].sort(),
    formKeys: await formKeysIn(options.formsDir),
    roles: [...options.roles],
    processKeys: [...new Set(options.processKeys)].sort(),
  };
}
