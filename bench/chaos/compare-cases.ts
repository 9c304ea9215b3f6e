/**
 * Each case of the batch against its scenario's fault-free case (`case-shape.ts`), and every
 * case (the fault-free ones too) against what must never happen: a task completed twice, an
 * activity ended twice, a timer fired twice, an outbox left owed, a process left running.
 */
import type { CaseRun } from './case-driver.js';
import { shapeDiff, type CaseFacts } from './case-shape.js';

export interface CaseComparison {
  closed: number;
  differing: number;
  /** Scenario name → cases of the batch, and how many ended as its fault-free case. */
  perScenario: Map<string, { cases: number; asFaultFree: number }>;
  violations: string[];
}

export function compareCases(
  facts: Map<string, CaseFacts>,
  reference: CaseRun[],
  batch: CaseRun[],
): CaseComparison {
  const violations: string[] = [];
  const expected = new Map<string, CaseFacts>();
  for (const run of reference) {
    const f = run.caseId ? facts.get(run.caseId) : undefined;
    if (f) expected.set(run.scenario.name, f);
  }
  let differing = 0;
  let closed = 0;
  const perScenario = new Map<string, { cases: number; asFaultFree: number }>();
  for (const run of [...reference, ...batch]) {
    const f = run.caseId ? facts.get(run.caseId) : undefined;
    if (!f) {
      if (!run.error) violations.push(`case #${run.index}: no case record`);
      continue;
    }
    if (f.shape.case.status === 'closed') closed++;
    const problems = [
      ...f.tasksCompletedTwice.map((x) => `task completed twice: ${x}`),
      ...f.endedTwice.map((x) => `activity ended twice: ${x}`),
      ...f.timersFiredTwice.map((x) => `timer fired twice: ${x}`),
      ...f.unfinished,
    ];
    for (const problem of problems) violations.push(`${f.caseId}: ${problem}`);
    if (reference.includes(run)) continue;
    const tally = perScenario.get(run.scenario.name) ?? { cases: 0, asFaultFree: 0 };
    tally.cases++;
    const model = expected.get(run.scenario.name);
    const diff = model ? shapeDiff(f.shape, model.shape) : ['no fault-free case to compare with'];
    if (diff.length === 0) tally.asFaultFree++;
    else {
      differing++;
      violations.push(
        `${f.caseId} (${run.scenario.name}) ends unlike its fault-free case:\n    ${diff.join('\n    ')}`,
      );
    }
    perScenario.set(run.scenario.name, tally);
  }
  return { closed, differing, perScenario, violations };
}
