import type { Clock } from '../engine/clock.js';
import type { UserRecord, UserStore } from '../store/user-store.js';
import type { CredentialStore } from '../store/credential-store.js';
import type { SessionStore } from '../store/session-store.js';
import { PreplanError } from '../errors.js';
import { roleNames, roles as roleLabels, type Role } from '../roles.js';
import { hashPassword, passwordProblem, randomPassword } from './passwords.js';

export interface UserAdminDeps {
  users: UserStore;
  credentials: CredentialStore;
  sessions: SessionStore;
  clock: Clock;
}

export interface NewUser {
  id: string;
  displayName: string;
  roles: string[];
  email?: string;
  password?: string;
  demo?: boolean;
}

const PLAN_ROLES: Role[] = ['leader', 'deputy', 'member', 'office', 'monitor', 'writer', 'county-liaison'];

function checkRoles(roles: string[]): void {
  const unknown = roles.filter((role) => !(roleNames as string[]).includes(role));
  if (unknown.length)
    throw new PreplanError('invalid', `未知角色：${unknown.join('、')}`, { roles: unknown });
}

/**
 * Accounts: created by an admin (or at first start), roles changed, deactivated. People are
 * never deleted (the history names them); only the demo accounts can be removed.
 */
export class UserAdmin {
  constructor(private readonly deps: UserAdminDeps) {}

  /** Creates a user; without a password one is generated and returned (to be shown once). */
  async create(input: NewUser): Promise<{ user: UserRecord; password: string }> {
    checkRoles(input.roles);
    if (await this.deps.users.byId(input.id)) throw new PreplanError('conflict', `用户 ${input.id} 已存在`);
    const password = input.password ?? randomPassword();
    const problem = passwordProblem(password);
    if (problem)
      throw new PreplanError('invalid', problem, { errors: [{ path: '/password', message: problem }] });
    const now = this.deps.clock.now();
    const user: UserRecord = {
      _id: input.id,
      displayName: input.displayName,
      roles: [...new Set(input.roles)],
      ...(input.email ? { email: input.email } : {}),
      active: true,
      demo: input.demo ?? false,
      createdAt: now,
      updatedAt: now,
    };
    const hash = await hashPassword(password);
    // Insert before the password: of two creations at once (several nodes bootstrapping one
    // empty store), only the first sets a password, so the one printed is the one that works.
    if (!(await this.deps.users.insert(user))) throw new PreplanError('conflict', `用户 ${input.id} 已存在`);
    await this.deps.credentials.set(user._id, hash, now);
    return { user, password };
  }

  async update(
    id: string,
    patch: {
      displayName?: string;
      roles?: string[];
      email?: string | null;
      active?: boolean;
      password?: string;
    },
  ): Promise<UserRecord> {
    const user = await this.deps.users.byId(id);
    if (!user) throw new PreplanError('not-found', `用户 ${id} 不存在`);
    if (patch.roles) checkRoles(patch.roles);
    const now = this.deps.clock.now();
    if (patch.password !== undefined) {
      const problem = passwordProblem(patch.password);
      if (problem)
        throw new PreplanError('invalid', problem, { errors: [{ path: '/password', message: problem }] });
      await this.deps.credentials.set(id, await hashPassword(patch.password), now);
    }
    const next: UserRecord = {
      ...user,
      ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
      ...(patch.roles ? { roles: [...new Set(patch.roles)] } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
      updatedAt: now,
    };
    if (patch.email === null) delete next.email;
    else if (patch.email !== undefined) next.email = patch.email;
    await this.deps.users.save(next);
    // A changed password, lost roles or a deactivation ends the person's open sessions.
    if (patch.password !== undefined || patch.active === false || patch.roles)
      await this.deps.sessions.removeForUsers([id]);
    return next;
  }

  /**
   * An empty store gets an admin and one demo user per plan role, each with a random password
   * that is returned once (the node logs it). Never a fixed default password.
   */
  async bootstrap(): Promise<Array<{ id: string; password: string; roles: string[]; demo: boolean }>> {
    if ((await this.deps.users.list()).length > 0) return [];
    const created = [];
    let admin;
    try {
      admin = await this.create({ id: 'admin', displayName: '系统管理员', roles: ['admin'] });
    } catch (error) {
      // Another node started on the same empty store at the same moment and is creating them.
      if (error instanceof PreplanError && error.kind === 'conflict') return [];
      throw error;
    }
    created.push({ id: 'admin', password: admin.password, roles: ['admin'], demo: false });
    for (const role of PLAN_ROLES) {
      const id = `demo-${role}`;
      const user = await this.create({
        id,
        displayName: `演示：${roleLabels[role]}`,
        roles: [role],
        demo: true,
      });
      created.push({ id, password: user.password, roles: [role], demo: true });
    }
    return created;
  }

  /** Removes the demo accounts (their records, passwords and sessions). */
  async removeDemoUsers(): Promise<string[]> {
    const demo = (await this.deps.users.list()).filter((user) => user.demo).map((user) => user._id);
    await this.deps.sessions.removeForUsers(demo);
    await this.deps.credentials.remove(demo);
    await this.deps.users.remove(demo);
    return demo;
  }
}
