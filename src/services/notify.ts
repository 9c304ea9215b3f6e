import type { ServiceDeps, ServiceImplementation } from './service-types.js';
import { isTemplateName, renderTemplate, templateNames } from './templates.js';
import { deliver, groupTargets, type Target } from './channels/index.js';
import { gradeLeadRoles, isGrade } from './plan-labels.js';

/** `to` is a comma-separated list of roles; `grade-lead` stands for the case grade's lead. */
export function rolesOf(to: unknown, grade: unknown): string[] {
  const names = (Array.isArray(to) ? to.map(String) : String(to ?? '').split(','))
    .map((role) => role.trim())
    .filter(Boolean);
  const lead = isGrade(Number(grade)) ? gradeLeadRoles[Number(grade) as 1 | 2 | 3 | 4] : [];
  return [...new Set(names.flatMap((role) => (role === 'grade-lead' ? lead : [role])))];
}

/**
 * `notify`: tells the people of some roles, by e-mail and their roles' robots, using one of the
 * templates (input `template`, `to`, optional `hoursLeft`). In a drill only the internal
 * channels are told, and every message says 【演练】.
 */
export function createNotify(deps: ServiceDeps): ServiceImplementation {
  return async (call) => {
    const { template } = call.input;
    if (!isTemplateName(template))
      throw new Error(`notify: unknown template "${String(template)}" (known: ${templateNames.join(', ')})`);
    const drill = call.variables.drill === true;
    const now = deps.clock.now();
    const message = renderTemplate(template, { variables: call.variables, input: call.input, now }, drill);
    let targets: Target[];
    if (drill) targets = groupTargets(deps.channels.internal);
    else {
      const roles = rolesOf(call.input.to, call.variables.grade);
      if (roles.length === 0) throw new Error(`notify "${template}": input "to" names no role`);
      const users = await deps.directory.usersInRoles(roles);
      targets = [
        ...users.flatMap((user): Target[] => (user.email ? [{ kind: 'email', address: user.email }] : [])),
        ...roles.flatMap((role) =>
          (deps.channels.roleChannels[role] ?? []).map((channel): Target => ({ kind: 'channel', channel })),
        ),
      ];
    }
    const outcome = await deliver(deps, call, targets, message);
    return { lastNotification: { template, ...outcome, at: now.toISOString() } };
  };
}
