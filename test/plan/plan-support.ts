import { randomBytes } from 'node:crypto';
import { formExamples, formVariants } from '../forms/form-examples.js';
import { startPlanHarness, type PlanHarness } from '../support/plan-harness.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A fresh plan node on its own database for each test. */
export function usePlanHarness(options: Parameters<typeof startPlanHarness>[1] = {}): {
  readonly h: PlanHarness;
} {
  let h: PlanHarness | undefined;
  beforeEach(async () => {
    h = await startPlanHarness(`test_plan_${randomBytes(4).toString('hex')}`, options);
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  afterAll(() => stopDiagramValidator());
  return {
    get h(): PlanHarness {
      if (!h) throw new Error('plan harness used outside a test');
      return h;
    },
  };
}

/** An incident seen 10 minutes ago that occurred 40 minutes ago, at this grade. */
export function incident(h: PlanHarness, grade: number, overrides: Record<string, unknown> = {}) {
  const now = h.clock.now().getTime();
  return {
    ...formExamples['incident-report'],
    firstSeenAt: new Date(now - 10 * MINUTE).toISOString(),
    occurredAt: new Date(now - 40 * MINUTE).toISOString(),
    grade,
    ...overrides,
  };
}

export const data = {
  ...formExamples,
  stable: formExamples['monitoring-update'],
  worsenedTo: (newGrade: number) => ({ ...formVariants.monitoringWorsened.data, newGrade }),
  rejected: formVariants.signOffRejected.data,
  approved: formExamples['release-signoff'],
  escalate: formVariants.followUpEscalate.data,
  subsided: formVariants.followUpSubsided.data,
  notConfirmed: formVariants.subsidenceNotConfirmed.data,
};

/** Subjects of the mails each address received, in order. */
export function mailsTo(h: PlanHarness, address: string): string[] {
  return h.smtp.messages.filter((m) => m.envelope.to.includes(address)).map((m) => m.subject);
}

/** The county links sent so far (from the county's mail), oldest first, as tokens. */
export function countyLinks(h: import('../support/plan-harness.js').PlanHarness): string[] {
  const tokens: string[] = [];
  for (const mail of h.smtp.messages.filter((m) => m.envelope.to.includes('xcb@county.example')))
    for (const match of mail.text.matchAll(/https:\/\/preplan\.street\.example\/county\/([\w.-]+)/g))
      if (!tokens.includes(match[1])) tokens.push(match[1]);
  return tokens;
}

/** Replays every process of a case from its history; each must agree with its record. */
export async function replayCase(h: import('../support/plan-harness.js').PlanHarness, caseId: string) {
  const { replayInstance } = await import('../../src/audit/replay.js');
  const { DefinitionCache } = await import('../../src/engine/runtime/definition-cache.js');
  const definitions = new DefinitionCache(h.node.stores.definitions);
  const results = [];
  for (const instance of await h.node.stores.instances.list({ businessKey: caseId })) {
    const record = (await h.node.stores.instances.load(instance._id))!;
    results.push(
      await replayInstance(
        record._id,
        await definitions.get(record.definitionId),
        await h.node.stores.history.forInstance(record._id),
        record.variables,
      ),
    );
  }
  return results;
}
