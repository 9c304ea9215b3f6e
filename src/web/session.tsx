import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from './api';
import type { User } from './types';

interface SessionState {
  /** undefined while the first GET /api/me is on its way; null when signed out. */
  user: User | null | undefined;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

interface MeResponse {
  user: User;
  csrfToken: string | null;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      setUser(null);
    });
    let live = true;
    api
      .get<MeResponse>('/api/me')
      .then((me) => {
        if (!live) return;
        setCsrfToken(me.csrfToken);
        setUser(me.user);
      })
      .catch(() => {
        if (live) setUser(null);
      });
    return () => {
      live = false;
      setUnauthorizedHandler(null);
    };
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const session = await api.post<MeResponse>('/api/session', { username, password });
    setCsrfToken(session.csrfToken);
    setUser(session.user);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.delete('/api/session');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
    setCsrfToken(null);
    setUser(null);
  }, []);

  const value = useMemo(() => ({ user, login, logout }), [user, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user (only inside the signed-in part of the app). */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a signed-in user');
  return user;
}

/** Who may do what in the UI, mirroring src/api/access-policy.ts (the server decides). */
export const PLAN_ROLES = ['leader', 'deputy', 'member', 'office', 'monitor', 'writer', 'county-liaison'];
const REPORTERS = ['monitor', 'office', 'leader', 'deputy'];
const has = (user: User, roles: string[]) => user.roles.some((role) => roles.includes(role));

export const may = {
  seeTasks: (user: User) => has(user, [...PLAN_ROLES, 'auditor']),
  seeCases: (user: User) => has(user, [...PLAN_ROLES, 'auditor', 'admin']),
  report: (user: User) => has(user, REPORTERS),
  design: (user: User) => has(user, ['designer', 'admin', 'auditor']),
  /** Edit in the modeler and run the deploy checks (designer, admin); only designers deploy. */
  edit: (user: User) => has(user, ['designer', 'admin']),
  deploy: (user: User) => has(user, ['designer']),
  audit: (user: User) => has(user, ['auditor', 'admin']),
  /** The plan's reports (`report.read`): the leading group, its office, auditors and admins. */
  readReports: (user: User) => has(user, ['auditor', 'admin', 'leader', 'deputy', 'office']),
  administer: (user: User) => has(user, ['admin']),
};
