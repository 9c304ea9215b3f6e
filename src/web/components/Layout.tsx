import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useI18n } from '../i18n';
import { may, useSession, useUser } from '../session';
import { rolesName } from '../labels';

/** Every signed-in page: the header (navigation, the one-click report button, language, sign-out) and the page. */
export function Layout() {
  const i18n = useI18n();
  const { t, lang, setLang } = i18n;
  const user = useUser();
  const { logout } = useSession();
  const navigate = useNavigate();
  const links = [
    may.seeTasks(user) && { to: '/tasks', label: t('nav.tasks') },
    may.seeCases(user) && { to: '/cases', label: t('nav.cases') },
    may.design(user) && { to: '/designer', label: t('nav.designer') },
    may.audit(user) && { to: '/audit', label: t('nav.audit') },
    may.readReports(user) && { to: '/reports', label: t('nav.reports') },
    may.administer(user) && { to: '/admin', label: t('nav.admin') },
  ].filter((l): l is { to: string; label: string } => Boolean(l));

  return (
    <>
      <a href="#main" className="skip-link">
        {t('app.skip')}
      </a>
      <header className="site-header">
        <div className="header-row">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true">
              P
            </span>
            <span className="brand-text">
              {t('app.name')}
              <span className="brand-sub">{t('app.subtitle')}</span>
            </span>
          </Link>
          <div className="header-tools">
            {may.report(user) && (
              <Link to="/report" className="btn btn-report" data-testid="report-button">
                <span aria-hidden="true">＋ </span>
                {t('nav.report')}
              </Link>
            )}
            <button
              type="button"
              className="btn btn-ghost"
              lang={lang === 'en' ? 'zh-CN' : 'en'}
              aria-label={t('nav.languageLabel')}
              onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}
            >
              {t('nav.language')}
            </button>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => void logout().then(() => navigate('/login'))}
            >
              {t('nav.logout')}
            </button>
          </div>
        </div>
        <div className="header-row nav-row">
          <nav aria-label={t('nav.main')} className="main-nav">
            <ul>
              {links.map((link) => (
                <li key={link.to}>
                  <NavLink to={link.to}>{link.label}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <p className="whoami">
            {t('nav.user', { name: user.displayName || user.id, roles: rolesName(i18n, user.roles) })}
          </p>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
