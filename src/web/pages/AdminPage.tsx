import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../i18n';
import { useUser } from '../session';
import { api, ApiError } from '../api';
import { useApi } from '../useApi';
import { roleName, rolesName } from '../labels';
import { formatDateTime } from '../time';
import { ErrorBox, Loading, PageTitle } from '../components/bits';
import { DefinitionTable } from './DesignerPage';
import type { ApiToken, Catalog, DefinitionSummary, Incident, UserAccount } from '../types';

/** Roles in the order the server lists them (GET /api/catalog), with this UI's names. */
function useRoles(): string[] {
  const catalog = useApi<Catalog>('/api/catalog');
  return catalog.data?.roles.map((r) => r.id) ?? [];
}

/** What a refused request says, with its field errors. */
function Refusal({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!(error instanceof ApiError) || error.errors.length === 0) return <ErrorBox error={error} />;
  return (
    <div className="alert alert-error" role="alert">
      <p>
        <strong>{t('app.error')}：</strong>
        {error.detail}
      </p>
      <ul>
        {error.errors.map((e, i) => (
          <li key={i}>
            {e.path && <code>{e.path.replace(/^\//, '')}</code>} {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A secret the server shows once (a generated password, a token): say so, and make it easy to copy. */
function ShownOnce({
  label,
  value,
  onDone,
  testId,
}: {
  label: string;
  value: string;
  onDone(): void;
  testId: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const [copied, setCopied] = useState(false);
  return (
    <div className="alert alert-success shown-once" role="status">
      <p>
        <strong>{label}</strong>
      </p>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <div className="secret-row">
        <input
          id={id}
          className="form-control secret"
          readOnly
          value={value}
          data-testid={testId}
          onFocus={(e) => e.target.select()}
        />
        <button
          type="button"
          className="btn btn-secondary btn-compact"
          onClick={() => {
            void navigator.clipboard
              ?.writeText(value)
              .then(() => setCopied(true))
              .catch(() => setCopied(false));
          }}
        >
          {copied ? t('admin.copied') : t('admin.copy')}
        </button>
        <button type="button" className="btn btn-secondary btn-compact" onClick={onDone}>
          {t('admin.dismiss')}
        </button>
      </div>
      <p className="small">{t('admin.shownOnce')}</p>
    </div>
  );
}

function RoleChecks({
  roles,
  value,
  onChange,
  legend,
  idPrefix,
}: {
  roles: string[];
  value: string[];
  onChange(next: string[]): void;
  legend: ReactNode;
  idPrefix: string;
}) {
  const i18n = useI18n();
  return (
    <fieldset className="form-group role-checks">
      <legend>{legend}</legend>
      {roles.map((role) => (
        <label key={role} className="checkbox-line" htmlFor={`${idPrefix}-${role}`}>
          <input
            id={`${idPrefix}-${role}`}
            type="checkbox"
            checked={value.includes(role)}
            onChange={(e) => onChange(e.target.checked ? [...value, role] : value.filter((r) => r !== role))}
          />{' '}
          {roleName(i18n, role)}
        </label>
      ))}
    </fieldset>
  );
}

/** 管理: users and roles, API tokens, incidents, deployed definitions. */
export function AdminPage() {
  const { t } = useI18n();
  return (
    <div className="admin-page">
      <PageTitle title={t('admin.title')}>{t('admin.title')}</PageTitle>
      <nav className="in-page" aria-label={t('admin.sections')}>
        <a href="#users-title">{t('admin.users')}</a>
        <a href="#tokens-title">{t('admin.tokens')}</a>
        <a href="#incidents-title">{t('admin.incidents')}</a>
        <a href="#definitions-title">{t('admin.definitions')}</a>
      </nav>
      <Users />
      <Tokens />
      <Incidents />
      <Definitions />
    </div>
  );
}

function Users() {
  const i18n = useI18n();
  const { t } = i18n;
  const me = useUser();
  const users = useApi<{ items: UserAccount[] }>('/api/users');
  const roles = useRoles();
  const [draft, setDraft] = useState({ id: '', displayName: '', email: '', roles: [] as string[] });
  const [created, setCreated] = useState<{ id: string; password?: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<{ user: UserAccount; password?: string }>('/api/users', {
        id: draft.id.trim(),
        displayName: draft.displayName.trim(),
        roles: draft.roles,
        ...(draft.email.trim() ? { email: draft.email.trim() } : {}),
      });
      setCreated({ id: answer.user.id, password: answer.password });
      setDraft({ id: '', displayName: '', email: '', roles: [] });
      users.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const setActive = async (user: UserAccount, active: boolean) => {
    setError(null);
    try {
      await api.patch(`/api/users/${encodeURIComponent(user.id)}`, { active });
      users.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title" tabIndex={-1}>
        {t('admin.users')}
      </h2>
      {created && (
        <ShownOnce
          label={
            created.password
              ? t('admin.userCreatedPassword', { id: created.id })
              : t('admin.userCreated', { id: created.id })
          }
          value={created.password ?? created.id}
          testId="new-password"
          onDone={() => setCreated(null)}
        />
      )}
      {error !== null && <Refusal error={error} />}
      {users.error ? (
        <ErrorBox error={users.error} onRetry={users.reload} />
      ) : !users.data ? (
        <Loading />
      ) : (
        <table className="responsive users" data-testid="users">
          <thead>
            <tr>
              <th scope="col">{t('admin.account')}</th>
              <th scope="col">{t('admin.displayName')}</th>
              <th scope="col">{t('admin.roles')}</th>
              <th scope="col">{t('admin.email')}</th>
              <th scope="col">{t('admin.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((user) =>
              editing === user.id ? (
                <tr key={user.id} className="editing">
                  <td colSpan={6}>
                    <EditUser
                      user={user}
                      roles={roles}
                      onDone={(changed) => {
                        setEditing(null);
                        if (changed) users.reload();
                      }}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={user.id} className={user.active ? undefined : 'inactive'} data-user={user.id}>
                  <td data-label={t('admin.account')}>
                    <code>{user.id}</code>
                  </td>
                  <td data-label={t('admin.displayName')}>{user.displayName}</td>
                  <td data-label={t('admin.roles')}>{rolesName(i18n, user.roles)}</td>
                  <td data-label={t('admin.email')}>{user.email ?? '—'}</td>
                  <td data-label={t('admin.state')}>
                    <span className={`badge ${user.active ? 'ok' : 'bad'}`}>
                      {user.active ? t('admin.active') : t('admin.inactive')}
                    </span>
                    {user.demo && <span className="badge drill">{t('admin.demo')}</span>}
                  </td>
                  <td className="actions-cell">
                    <div className="row-actions">
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={t('admin.editUser', { id: user.id })}
                        onClick={() => setEditing(user.id)}
                      >
                        {t('admin.edit')}
                      </button>
                      {user.id !== me.id && (
                        <button
                          type="button"
                          className={`btn btn-small ${user.active ? 'btn-danger-text' : ''}`}
                          aria-label={
                            user.active
                              ? t('admin.deactivateUser', { id: user.id })
                              : t('admin.activateUser', { id: user.id })
                          }
                          onClick={() => void setActive(user, !user.active)}
                        >
                          {user.active ? t('admin.deactivate') : t('admin.activate')}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}

      <form className="subform" onSubmit={(e) => void create(e)} aria-labelledby="new-user-title">
        <h3 id="new-user-title">{t('admin.newUser')}</h3>
        <div className="form-row">
          <div className="form-group">
            <label htmlFor="new-user-id">{t('admin.account')}</label>
            <input
              id="new-user-id"
              className="form-control"
              required
              pattern="[a-z0-9][a-z0-9._\-]{1,39}"
              aria-describedby="new-user-id-hint"
              value={draft.id}
              autoComplete="off"
              onChange={(e) => setDraft({ ...draft, id: e.target.value })}
            />
            <p id="new-user-id-hint" className="field-description">
              {t('admin.accountHint')}
            </p>
          </div>
          <div className="form-group">
            <label htmlFor="new-user-name">{t('admin.displayName')}</label>
            <input
              id="new-user-name"
              className="form-control"
              required
              value={draft.displayName}
              onChange={(e) => setDraft({ ...draft, displayName: e.target.value })}
            />
          </div>
          <div className="form-group">
            <label htmlFor="new-user-email">{t('admin.emailOptional')}</label>
            <input
              id="new-user-email"
              type="email"
              className="form-control"
              value={draft.email}
              onChange={(e) => setDraft({ ...draft, email: e.target.value })}
            />
          </div>
        </div>
        <RoleChecks
          roles={roles}
          value={draft.roles}
          legend={t('admin.roles')}
          idPrefix="new-user-role"
          onChange={(next) => setDraft({ ...draft, roles: next })}
        />
        <p className="field-description">{t('admin.passwordNote')}</p>
        <button type="submit" className="btn btn-primary" disabled={busy || draft.roles.length === 0}>
          {t('admin.createUser')}
        </button>
      </form>
    </section>
  );
}

function EditUser({
  user,
  roles,
  onDone,
}: {
  user: UserAccount;
  roles: string[];
  onDone(changed: boolean): void;
}) {
  const { t } = useI18n();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [email, setEmail] = useState(user.email ?? '');
  const [chosen, setChosen] = useState(user.roles);
  const [error, setError] = useState<unknown>(null);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api.patch(`/api/users/${encodeURIComponent(user.id)}`, {
        displayName: displayName.trim(),
        email: email.trim() || null,
        roles: chosen,
      });
      onDone(true);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form
      className="edit-user"
      onSubmit={(e) => void save(e)}
      aria-label={t('admin.editUser', { id: user.id })}
    >
      <p>
        <strong>{t('admin.editUser', { id: user.id })}</strong>
      </p>
      <div className="form-row">
        <div className="form-group">
          <label htmlFor={`edit-${user.id}-name`}>{t('admin.displayName')}</label>
          <input
            id={`edit-${user.id}-name`}
            className="form-control"
            required
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </div>
        <div className="form-group">
          <label htmlFor={`edit-${user.id}-email`}>{t('admin.emailOptional')}</label>
          <input
            id={`edit-${user.id}-email`}
            type="email"
            className="form-control"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
      </div>
      <RoleChecks
        roles={roles}
        value={chosen}
        legend={t('admin.roles')}
        idPrefix={`edit-${user.id}-role`}
        onChange={setChosen}
      />
      {error !== null && <Refusal error={error} />}
      <div className="filter-actions">
        <button type="submit" className="btn btn-primary" disabled={chosen.length === 0}>
          {t('admin.save')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={() => onDone(false)}>
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}

function Tokens() {
  const i18n = useI18n();
  const { t } = i18n;
  const tokens = useApi<{ items: ApiToken[] }>('/api/tokens');
  const roles = useRoles().filter((role) => role !== 'admin');
  const [name, setName] = useState('');
  const [role, setRole] = useState('monitor');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const answer = await api.post<{ name: string; token: string }>('/api/tokens', {
        name: name.trim(),
        role,
      });
      setCreated({ name: answer.name, token: answer.token });
      setName('');
      tokens.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const revoke = async (token: ApiToken) => {
    setError(null);
    setConfirming(null);
    try {
      await api.delete(`/api/tokens/${encodeURIComponent(token.id)}`);
      tokens.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title" tabIndex={-1}>
        {t('admin.tokens')}
      </h2>
      <p className="muted small">{t('admin.tokensIntro')}</p>
      {created && (
        <ShownOnce
          label={t('admin.tokenCreated', { name: created.name })}
          value={created.token}
          testId="new-token"
          onDone={() => setCreated(null)}
        />
      )}
      {error !== null && <Refusal error={error} />}
      {tokens.error ? (
        <ErrorBox error={tokens.error} onRetry={tokens.reload} />
      ) : !tokens.data ? (
        <Loading />
      ) : tokens.data.items.length === 0 ? (
        <p className="muted">{t('admin.noTokens')}</p>
      ) : (
        <table className="responsive" data-testid="tokens">
          <thead>
            <tr>
              <th scope="col">{t('admin.tokenName')}</th>
              <th scope="col">{t('admin.tokenRole')}</th>
              <th scope="col">{t('admin.createdBy')}</th>
              <th scope="col">{t('admin.lastUsed')}</th>
              <th scope="col">{t('admin.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.items.map((token) => (
              <tr key={token.id} data-token={token.name}>
                <td data-label={t('admin.tokenName')}>
                  {token.name} <code className="muted small">pp_{token.id}_…</code>
                </td>
                <td data-label={t('admin.tokenRole')}>{roleName(i18n, token.role)}</td>
                <td data-label={t('admin.createdBy')}>
                  {token.createdBy} <span className="muted small">· {formatDateTime(token.createdAt)}</span>
                </td>
                <td data-label={t('admin.lastUsed')}>
                  {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : '—'}
                </td>
                <td data-label={t('admin.state')}>
                  {token.revokedAt ? (
                    <span className="badge bad">
                      {t('admin.revokedAt', { at: formatDateTime(token.revokedAt) })}
                    </span>
                  ) : (
                    <span className="badge ok">{t('admin.valid')}</span>
                  )}
                </td>
                <td className="actions-cell">
                  <div className="row-actions">
                    {!token.revokedAt &&
                      (confirming === token.id ? (
                        <>
                          <button
                            type="button"
                            className="btn btn-small btn-danger-text"
                            onClick={() => void revoke(token)}
                          >
                            {t('admin.confirmRevoke', { name: token.name })}
                          </button>
                          <button type="button" className="btn btn-small" onClick={() => setConfirming(null)}>
                            {t('admin.cancel')}
                          </button>
                        </>
                      ) : (
                        <button
                          type="button"
                          className="btn btn-small btn-danger-text"
                          aria-label={t('admin.revokeToken', { name: token.name })}
                          onClick={() => setConfirming(token.id)}
                        >
                          {t('admin.revoke')}
                        </button>
                      ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="subform" onSubmit={(e) => void create(e)} aria-labelledby="new-token-title">
        <h3 id="new-token-title">{t('admin.newToken')}</h3>
        <div className="form-row">
          <div className="form-group">
            <label htmlFor="new-token-name">{t('admin.tokenName')}</label>
            <input
              id="new-token-name"
              className="form-control"
              required
              pattern="[A-Za-z0-9._\-]{2,40}"
              aria-describedby="new-token-name-hint"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <p id="new-token-name-hint" className="field-description">
              {t('admin.tokenNameHint')}
            </p>
          </div>
          <div className="form-group">
            <label htmlFor="new-token-role">{t('admin.tokenRole')}</label>
            <select
              id="new-token-role"
              className="form-control"
              value={role}
              onChange={(e) => setRole(e.target.value)}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {roleName(i18n, r)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" className="btn btn-primary">
          {t('admin.createToken')}
        </button>
      </form>
    </section>
  );
}

function Incidents() {
  const { t } = useI18n();
  const incidents = useApi<{ items: Incident[] }>('/api/incidents');
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const retry = async (incident: Incident) => {
    setError(null);
    setDone(null);
    try {
      await api.post(`/api/incidents/${encodeURIComponent(incident.id)}/retry`);
      setDone(t('admin.retried', { id: incident.id }));
      incidents.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section className="card" aria-labelledby="incidents-title">
      <div className="section-head">
        <h2 id="incidents-title" tabIndex={-1}>
          {t('admin.incidents')}
        </h2>
        <button type="button" className="btn btn-secondary btn-compact" onClick={incidents.reload}>
          {t('tasks.refresh')}
        </button>
      </div>
      <p className="muted small">{t('admin.incidentsIntro')}</p>
      {done && (
        <p className="alert alert-success" role="status">
          {done}
        </p>
      )}
      {error !== null && <Refusal error={error} />}
      {incidents.error ? (
        <ErrorBox error={incidents.error} onRetry={incidents.reload} />
      ) : !incidents.data ? (
        <Loading />
      ) : incidents.data.items.length === 0 ? (
        <p className="muted" data-testid="no-incidents">
          {t('admin.noIncidents')}
        </p>
      ) : (
        <table className="responsive" data-testid="incidents">
          <thead>
            <tr>
              <th scope="col">{t('admin.instance')}</th>
              <th scope="col">{t('admin.job')}</th>
              <th scope="col">{t('admin.attempts')}</th>
              <th scope="col">{t('admin.lastError')}</th>
              <th scope="col">{t('admin.since')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {incidents.data.items.map((incident) => (
              <tr key={incident.id}>
                <td data-label={t('admin.instance')}>
                  <InstanceCase instanceId={incident.instanceId} />
                </td>
                <td data-label={t('admin.job')}>
                  {incident.topic ?? incident.kind}
                  {incident.activityId && <span className="muted small"> · {incident.activityId}</span>}
                </td>
                <td data-label={t('admin.attempts')}>{incident.attempts}</td>
                <td data-label={t('admin.lastError')} className="error-cell">
                  {incident.error ?? '—'}
                </td>
                <td data-label={t('admin.since')}>{formatDateTime(incident.since)}</td>
                <td className="actions-cell">
                  <div className="row-actions">
                    <button type="button" className="btn btn-small" onClick={() => void retry(incident)}>
                      {t('admin.retry')}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** An instance of a case's processes (`intake-<case>…`) links to the case. */
function InstanceCase({ instanceId }: { instanceId: string }) {
  const caseId = /^intake-([A-Z]+-\d{8}-\d{4})/.exec(instanceId)?.[1];
  return (
    <>
      {caseId && (
        <Link to={`/cases/${caseId}`} className="case-id">
          {caseId}
        </Link>
      )}
      <code className="small instance-id">{instanceId}</code>
    </>
  );
}

function Definitions() {
  const { t } = useI18n();
  const definitions = useApi<{ items: DefinitionSummary[] }>('/api/definitions');
  return (
    <section className="card" aria-labelledby="definitions-title">
      <h2 id="definitions-title" tabIndex={-1}>
        {t('admin.definitions')}
      </h2>
      {definitions.error ? (
        <ErrorBox error={definitions.error} onRetry={definitions.reload} />
      ) : !definitions.data ? (
        <Loading />
      ) : (
        <DefinitionTable items={definitions.data.items} />
      )}
    </section>
  );
}
