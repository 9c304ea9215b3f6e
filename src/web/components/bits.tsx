import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { gradeBadge } from '../labels';
import { ApiError } from '../api';

export function GradeBadge({ grade }: { grade: number }) {
  const i18n = useI18n();
  return <span className={`badge grade grade-${grade}`}>{gradeBadge(i18n, grade)}</span>;
}

export function DrillBadge() {
  const { t } = useI18n();
  return <span className="badge drill">{t('drill.badge')}</span>;
}

/** The page's heading: sets the document title and takes focus when the page opens (for screen readers). */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · preplan`;
  }, [title]);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('app.loading')}
    </p>
  );
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const message =
    error instanceof ApiError
      ? error.status === 0
        ? t('app.offline')
        : error.detail || `${error.status}`
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <div className="alert alert-error" role="alert">
      <p>
        <strong>{t('app.error')}：</strong>
        {message}
      </p>
      {onRetry && (
        <button type="button" className="btn btn-secondary" onClick={onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}

/** A link that leaves preplan (a source, a publication): new tab, no referrer. */
export function ExternalLink({ href, children }: { href: string; children?: ReactNode }) {
  const safe = /^https?:\/\//i.test(href);
  if (!safe) return <span>{children ?? href}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="external">
      {children ?? href}
    </a>
  );
}
