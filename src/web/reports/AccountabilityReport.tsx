import { Link } from 'react-router';
import { useI18n } from '../i18n';
import { useApi } from '../useApi';
import { formatDateTime } from '../time';
import { DataTable } from '../components/DataTable';
import { ErrorBox, GradeBadge, Loading } from '../components/bits';
import type { AccountabilityReport as Report } from '../types';
import { ReportCard } from './ReportCard';
import { duration, holderName, reportUrl } from './report-format';

/** 责任追究: tasks done late or still overdue, who held them and for how long, most late first. */
export function AccountabilityReport({ filters }: { filters: Record<string, string> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const report = useApi<Report>(reportUrl('accountability', filters));
  return (
    <ReportCard
      id="accountability"
      title={t('reports.accountability')}
      intro={t('reports.accountabilityIntro')}
      csvUrl={reportUrl('accountability', filters, true)}
    >
      {report.error ? (
        <ErrorBox error={report.error} onRetry={report.reload} />
      ) : !report.data ? (
        <Loading />
      ) : report.data.entries.length === 0 ? (
        <p className="muted empty">{t('reports.noAccountability')}</p>
      ) : (
        <DataTable
          className="report-table"
          testId="accountability-entries"
          caption={t('reports.accountability')}
          rows={report.data.entries}
          rowKey={(entry, i) => `${entry.caseId}:${entry.activityId}:${i}`}
          rowProps={(entry) => ({ 'data-case': entry.caseId, 'data-activity': entry.activityId })}
          columns={[
            {
              header: t('reports.case'),
              className: 'nowrap',
              cell: (entry) => (
                <Link to={`/cases/${entry.caseId}`} className="case-id">
                  {entry.caseId}
                </Link>
              ),
            },
            { header: t('reports.caseTitle'), className: 'title-cell', cell: (entry) => entry.title },
            { header: t('reports.grade'), cell: (entry) => <GradeBadge grade={entry.grade} /> },
            { header: t('reports.task'), cell: (entry) => entry.task },
            { header: t('reports.heldBy'), cell: (entry) => holderName(i18n, entry.heldBy) },
            {
              header: t('reports.status'),
              cell: (entry) => (
                <span className={`badge ${entry.status === 'overdue' ? 'bad' : 'warn'}`}>
                  {t(`reports.status.${entry.status}`)}
                </span>
              ),
            },
            { header: t('reports.dueAt'), cell: (entry) => formatDateTime(entry.dueAt) },
            { header: t('reports.held'), cell: (entry) => duration(i18n, entry.heldMinutes) },
            { header: t('reports.late'), cell: (entry) => duration(i18n, entry.minutesLate) },
          ]}
        />
      )}
    </ReportCard>
  );
}
