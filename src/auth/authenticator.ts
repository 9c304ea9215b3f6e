import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../engine/clock.js';
import type { UserStore } from '../store/user-store.js';
import type { CredentialStore } from '../store/credential-store.js';
import type { SessionStore } from '../store/session-store.js';
import type { TokenRecord, TokenStore } from '../store/token-store.js';
import { PreplanError } from '../errors.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { Actor } from './actor.js';

export interface AuthenticatorDeps {
  users: UserStore;
  credentials: CredentialStore;
  sessions: SessionStore;
  tokens: TokenStore;
  clock: Clock;
  sessionHours?: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const DUMMY_HASH = hashPassword('preplan-timing-equaliser');

/**
 * Sign-in for people (a session cookie plus a CSRF token) and API tokens for integrations. The
 * cookie value and the token secret are random and stored only as hashes.
 */
export class Authenticator {
  constructor(private readonly deps: AuthenticatorDeps) {}

  async login(
    userId: string,
    password: string,
  ): Promise<{ sessionId: string; csrf: string; actor: Actor; expiresAt: Date }> {
    const user = await this.deps.users.byId(userId);
    const stored = user?.active ? await this.deps.credentials.hashOf(userId) : null;
    // The same work whether or not the user exists, so timing does not tell who does.
    const ok = await verifyPassword(stored ?? (await DUMMY_HASH), password);
    if (!user || !stored || !ok) throw new PreplanError('forbidden', '用户名或密码错误', { reason: 'login' });
    const now = this.deps.clock.now();
    const sessionId = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + (this.deps.sessionHours ?? 12) * 3_600_000);
    await this.deps.sessions.create({ _id: sha256(sessionId), userId, csrf, createdAt: now, expiresAt });
    return { sessionId, csrf, actor: this.actorOf(user), expiresAt };
  }

  async logout(sessionId: string): Promise<void> {
    await this.deps.sessions.remove(sha256(sessionId));
  }

  /** The person behind a session cookie, with the CSRF token their unsafe requests must carry. */
  async fromSession(sessionId: string): Promise<{ actor: Actor; csrf: string } | null> {
    const session = await this.deps.sessions.live(sha256(sessionId), this.deps.clock.now());
    if (!session) return null;
    const user = await this.deps.users.byId(session.userId);
    if (!user?.active) return null;
    return { actor: this.actorOf(user), csrf: session.csrf };
  }

  /**
   * `pp_<id>_<secret>`: an integration acting in one role. The id is always 12 characters
   * (9 random bytes, base64url); both parts may contain `_`, so it is cut at that length.
   */
  async fromToken(token: string): Promise<Actor | null> {
    const match = /^pp_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{20,100})$/.exec(token);
    if (!match) return null;
    const record = await this.deps.tokens.byId(match[1]);
    if (!record || record.revokedAt) return null;
    const expected = Buffer.from(record.hash, 'hex');
    const given = Buffer.from(sha256(match[2]), 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    await this.deps.tokens.touch(record._id, this.deps.clock.now());
    return { id: `token:${record.name}`, roles: [record.role], kind: 'token', displayName: record.name };
  }

  async createToken(
    name: string,
    role: string,
    createdBy: string,
  ): Promise<{ token: string; record: TokenRecord }> {
    const id = randomBytes(9).toString('base64url');
    const secret = randomBytes(24).toString('base64url');
    const record: TokenRecord = {
      _id: id,
      name,
      hash: sha256(secret),
      role,
      createdBy,
      createdAt: this.deps.clock.now(),
    };
    await this.deps.tokens.create(record);
    return { token: `pp_${id}_${secret}`, record };
  }

  private actorOf(user: { _id: string; roles: string[]; displayName: string; demo: boolean }): Actor {
    return { id: user._id, roles: user.roles, kind: 'user', displayName: user.displayName, demo: user.demo };
  }
}
