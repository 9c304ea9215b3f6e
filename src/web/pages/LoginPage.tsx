import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ApiError } from '../api';
import { PageTitle } from '../components/bits';

export function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const { login } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!username || !password) return setError(t('login.required'));
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 403
          ? t('login.failed')
          : failure instanceof ApiError && failure.status === 0
            ? t('app.offline')
            : failure instanceof ApiError
              ? failure.detail
              : String(failure),
      );
      setBusy(false);
    }
  };

  return (
    <main className="login-page" id="main">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            P
          </span>
          <span>
            {t('app.name')} <span className="brand-sub">{t('app.subtitle')}</span>
          </span>
          <button
            type="button"
            className="btn btn-ghost login-lang"
            lang={lang === 'en' ? 'zh-CN' : 'en'}
            aria-label={t('nav.languageLabel')}
            onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}
          >
            {t('nav.language')}
          </button>
        </div>
        <PageTitle title={t('login.title')}>{t('login.title')}</PageTitle>
        <p className="muted">{t('login.intro')}</p>
        <form onSubmit={(event) => void submit(event)} noValidate>
          {error && (
            <p className="alert alert-error" role="alert" id="login-error">
              {error}
            </p>
          )}
          <div className="form-group">
            <label htmlFor="username">{t('login.username')}</label>
            <input
              id="username"
              name="username"
              className="form-control"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={username}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'login-error' : undefined}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div className="form-group">
            <label htmlFor="password">{t('login.password')}</label>
            <input
              id="password"
              name="password"
              type="password"
              className="form-control"
              autoComplete="current-password"
              required
              value={password}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'login-error' : undefined}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? t('login.busy') : t('login.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
