import type { ServiceImplementation } from './service-types.js';
import { PreplanError } from '../errors.js';

export type CaseOpener = (
  report: unknown,
  options: { actor: string; via: 'sweep'; externalId: string },
) => Promise<{ case: { _id: string }; created: boolean }>;

/**
 * `open-cases`: every finding of a monitoring sweep becomes a case with its own intake. A
 * finding whose source is already a case is listed, not opened twice; a retry after a crash
 * opens nothing twice (each finding's external id is the job key + its position).
 */
export function createOpenCases(openCase: CaseOpener): ServiceImplementation {
  return async (call) => {
    const findings = Array.isArray(call.variables.findings) ? call.variables.findings : [];
    const actor = typeof call.input.by === 'string' && call.input.by ? call.input.by : 'monitor';
    const openedCases: string[] = [];
    const alreadyReported: Array<{ finding: number; caseId: string }> = [];
    for (const [index, finding] of findings.entries()) {
      try {
        const opened = await openCase(finding, {
          actor,
          via: 'sweep',
          externalId: `${call.idempotencyKey}#${index}`,
        });
        openedCases.push(opened.case._id);
      } catch (error) {
        if (!(error instanceof PreplanError && error.kind === 'conflict')) throw error;
        alreadyReported.push({ finding: index, caseId: String(error.details.caseId ?? '') });
      }
    }
    return { openedCases, alreadyReported };
  };
}
