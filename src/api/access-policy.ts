import type { Actor } from '../auth/actor.js';

const PLAN_ROLES = ['leader', 'deputy', 'member', 'office', 'monitor', 'writer', 'county-liaison'];
const REPORTERS = ['monitor', 'office', 'leader', 'deputy'];

/**
 * Who may call what: every API operation × role, decided here and nowhere else (routes name
 * their operation; a table-driven test walks every cell). Per-object rules — a task only for
 * its candidate groups or assignee, a case only for those with work in it — come on top, in the
 * domain functions.
 */
export const accessPolicy = {
  'session.create': 'public',
  'session.delete': 'authenticated',
  'me.read': 'authenticated',
  'case.create': REPORTERS,
  'case.list': [...PLAN_ROLES, 'auditor', 'admin'],
  'case.read': [...PLAN_ROLES, 'auditor', 'admin'],
  'case.regrade': REPORTERS,
  /** The printable case report: whoever may read the case (per-object rule as for case.read). */
  'case.report': [...PLAN_ROLES, 'auditor', 'admin'],
  'task.list': [...PLAN_ROLES, 'auditor'],
  'task.read': [...PLAN_ROLES, 'auditor'],
  'task.claim': PLAN_ROLES,
  'task.complete': PLAN_ROLES,
  'definition.list': ['designer', 'admin', 'auditor'],
  'definition.read': ['designer', 'admin', 'auditor'],
  'definition.lint': ['designer', 'admin'],
  'definition.deploy': ['designer'],
  'instance.read': ['auditor', 'admin', 'designer', 'leader', 'office'],
  'incident.list': ['admin', 'designer', 'auditor'],
  'incident.retry': ['admin'],
  'user.list': ['admin'],
  'user.create': ['admin'],
  'user.update': ['admin'],
  'token.list': ['admin'],
  'token.create': ['admin'],
  'token.revoke': ['admin'],
  'catalog.read': ['designer', 'admin', 'auditor'],
  'form.read': 'authenticated',
  'audit.verify': ['auditor', 'admin'],
  'audit.digests': ['auditor', 'admin'],
  'report.read': ['auditor', 'admin', 'leader', 'deputy', 'office'],
  'external.read': 'public',
  'external.submit': 'public',
  'system.health': 'public',
  'system.metrics': 'public',
  'system.docs': 'public',
} as const satisfies Record<string, 'public' | 'authenticated' | readonly string[]>;

export type Operation = keyof typeof accessPolicy;

export type Decision = 'allow' | 'unauthenticated' | 'forbidden';

export function decide(operation: Operation, actor: Actor | undefined): Decision {
  const rule = accessPolicy[operation] as 'public' | 'authenticated' | readonly string[];
  if (rule === 'public') return 'allow';
  if (!actor) return 'unauthenticated';
  if (rule === 'authenticated') return 'allow';
  return actor.roles.some((role) => rule.includes(role)) ? 'allow' : 'forbidden';
}
