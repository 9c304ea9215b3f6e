import type { ReactNode } from 'react';
import { useI18n } from '../i18n';

/**
 * One report on the reports page: its heading, what it counts, its CSV download and its body.
 * The download is a plain link to the API (same origin, session cookie), not a fetch.
 */
export function ReportCard({
  id,
  title,
  intro,
  csvUrl,
  tools,
  children,
}: {
  id: string;
  title: string;
  intro: string;
  csvUrl: string;
  /** Controls of this report alone (the month picker). */
  tools?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <section className="card report" aria-labelledby={`${id}-title`} data-testid={id}>
      <div className="section-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <div className="export-actions">
          {tools}
          <a
            className="btn btn-secondary btn-compact"
            href={csvUrl}
            download
            aria-describedby={`${id}-title`}
            data-testid={`${id}-csv`}
          >
            {t('reports.exportCsv')}
          </a>
        </div>
      </div>
      <p className="muted small">{intro}</p>
      {children}
    </section>
  );
}
