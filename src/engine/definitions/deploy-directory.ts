import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DefinitionStore } from '../../store/definition-store.js';
import type { DeploymentCatalog } from './lint-rules/rule-types.js';
import { deployDefinition, type DeployResult } from './deploy-definition.js';

const PROCESS_ID = /<(?:[\w-]+:)?process\b[^>]*?\sid="([^"]+)"/g;

/**
 * Deploys every `*.bpmn` in a directory (the plan's `processes/` at start-up). Call
 * activities may call any process of the directory, so all their keys count as known.
 * An unchanged file keeps its version; any refused file stops the whole start-up.
 */
export async function deployDirectory(
  store: DefinitionStore,
  dir: string,
  catalog: Omit<DeploymentCatalog, 'processKeys'> & { processKeys?: string[] },
  deployedBy = 'startup',
): Promise<DeployResult[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((name) => name.endsWith('.bpmn')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const sources = await Promise.all(files.map((file) => readFile(path.join(dir, file), 'utf8')));
  const keys = sources.flatMap((xml) => [...xml.matchAll(PROCESS_ID)].map((match) => match[1]));
  const full: DeploymentCatalog = {
    ...catalog,
    processKeys: [...new Set([...(catalog.processKeys ?? []), ...(await store.keys()), ...keys])],
  };
  const results: DeployResult[] = [];
  for (const [i, xml] of sources.entries()) {
    try {
      results.push(await deployDefinition(store, xml, { catalog: full, deployedBy }));
    } catch (error) {
      const problems = (error as { details?: { problems?: Array<{ elementId?: string; message: string }> } })
        .details?.problems;
      const listed = problems?.map((p) => `  ${p.elementId ?? '-'}: ${p.message}`).join('\n');
      throw new Error(
        `${files[i]} was not deployed: ${(error as Error).message}${listed ? `\n${listed}` : ''}`,
      );
    }
  }
  return results;
}
