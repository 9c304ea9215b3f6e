import { createHash } from 'node:crypto';
import { PreplanError } from '../../errors.js';
import { DefinitionStore, type DefinitionRecord } from '../../store/definition-store.js';
import { isDuplicateKey } from '../../store/duplicate-key.js';
import type { DeploymentCatalog } from './lint-rules/rule-types.js';
import type { DiagramProblem } from './validate-bpmn.js';
import { validateDiagram } from './validate-diagram.js';

export interface DeployResult {
  definition: Omit<DefinitionRecord, 'source'>;
  /** False when the same content was already deployed (its version is returned). */
  created: boolean;
  warnings: DiagramProblem[];
}

export function hashSource(xml: string): string {
  return createHash('sha256').update(xml).digest('hex');
}

/** Lints without storing anything: what the designer shows live. */
export async function lintDefinition(xml: string, catalog: DeploymentCatalog) {
  const { key, name, problems } = await validateDiagram(xml, catalog);
  return { key, name, problems, deployable: !problems.some((p) => p.severity === 'error') };
}

/**
 * Validates and stores a diagram as the next version of its process key. A diagram with any
 * error is refused whole with every problem listed and nothing stored; an unchanged diagram
 * keeps its version.
 */
export async function deployDefinition(
  store: DefinitionStore,
  xml: string,
  options: { catalog: DeploymentCatalog; deployedBy: string },
): Promise<DeployResult> {
  if (typeof xml !== 'string' || xml.trim() === '') throw new PreplanError('invalid', 'the diagram is empty');
  const { key, name, problems, startTimers } = await validateDiagram(xml, options.catalog);
  const errors = problems.filter((problem) => problem.severity === 'error');
  const warnings = problems.filter((problem) => problem.severity === 'warning');
  if (errors.length > 0 || !key)
    throw new PreplanError('refused', `the diagram was not deployed: ${errors.length} problem(s)`, {
      problems: errors,
    });
  const hash = hashSource(xml);
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await store.byHash(key, hash);
    if (existing) return { definition: withoutSource(existing), created: false, warnings };
    const latest = await store.latest(key);
    const version = (latest?.version ?? 0) + 1;
    const record: DefinitionRecord = {
      _id: `${key}:${version}`,
      key,
      version,
      name,
      hash,
      source: xml,
      deployedAt: new Date(),
      deployedBy: options.deployedBy,
      startTimers,
    };
    try {
      await store.insert(record);
      return { definition: withoutSource(record), created: true, warnings };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Another deploy of this key won the race: look again.
    }
  }
  throw new PreplanError('conflict', `could not deploy ${key}: too many concurrent deployments`);
}

function withoutSource(record: DefinitionRecord): Omit<DefinitionRecord, 'source'> {
  const { source: _source, ...rest } = record;
  return rest;
}
