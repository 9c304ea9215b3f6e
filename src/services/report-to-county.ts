import type { ServiceDeps, ServiceImplementation } from './service-types.js';
import { renderTemplate } from './templates.js';
import { deliver, groupTargets } from './channels/index.js';

const templateOf = {
  'county-guidance': 'county-fast-report',
  'release-signoff': 'county-signoff-request',
} as const;

type Purpose = keyof typeof templateOf;

function isPurpose(value: unknown): value is Purpose {
  return typeof value === 'string' && Object.hasOwn(templateOf, value);
}

/**
 * `report-to-county`: the formal report to the county (快报事实, asking for guidance) or a
 * release for its sign-off, each with a signed single-use link to the task that takes the
 * county's answer. Without a county channel the office relays the link by hand (`manual`); in
 * a drill the internal channels get it instead.
 */
export function createReportToCounty(deps: ServiceDeps): ServiceImplementation {
  return async (call) => {
    const { purpose, linkActivity } = call.input;
    if (!isPurpose(purpose))
      throw new Error(
        `report-to-county: input "purpose" must be county-guidance or release-signoff, not "${String(purpose)}"`,
      );
    if (typeof linkActivity !== 'string' || !linkActivity)
      throw new Error('report-to-county: input "linkActivity" (the task the link opens) is required');
    const { caseId } = call.variables;
    if (typeof caseId !== 'string' || !caseId)
      throw new Error('report-to-county: variable "caseId" is missing');
    const drill = call.variables.drill === true;
    const now = deps.clock.now();
    const link = await deps.links.issue({
      caseId,
      instanceId: call.instanceId,
      activityId: linkActivity,
      purpose,
    });
    const message = renderTemplate(
      templateOf[purpose],
      { variables: call.variables, input: call.input, now, link },
      drill,
    );
    const targets = groupTargets(drill ? deps.channels.internal : deps.channels.county);
    const outcome = await deliver(deps, call, targets, message, {
      purpose,
      link: link.url,
      expiresAt: link.expiresAt.toISOString(),
    });
    const delivered = outcome.sent + outcome.skipped;
    return {
      countyReport: {
        purpose,
        delivered,
        link: link.url,
        expiresAt: link.expiresAt.toISOString(),
        at: now.toISOString(),
        ...(delivered === 0 ? { manual: true } : {}),
      },
    };
  };
}
