import type { UserStore } from '../store/user-store.js';
import type { Directory, Recipient } from '../services/service-types.js';

/** Who holds which role, for notifications: the active users of the users collection. */
export class UserDirectory implements Directory {
  constructor(private readonly users: UserStore) {}

  async usersInRoles(roles: string[]): Promise<Recipient[]> {
    return (await this.users.inRoles(roles)).map((user) => ({
      userId: user._id,
      displayName: user.displayName,
      email: user.email,
      roles: user.roles,
    }));
  }
}
