import { Link } from 'react-router';
import { useI18n } from '../i18n';
import { useApi } from '../useApi';
import { formatDateTime } from '../time';
import { DataTable } from '../components/DataTable';
import { ErrorBox, GradeBadge, Loading } from '../components/bits';
import type { ComplianceReport as Report, DeadlineOutcome } from '../types';
import { ReportCard } from './ReportCard';
import { duration, onTimeRate, reportUrl, sumOutcomes } from './report-format';

type Counts = Record<DeadlineOutcome, number>;
type Row = Report['rows'][number];

/** 时限落实: per grade, reported within the report deadline and replied within 12 hours; every miss. */
export function ComplianceReport({ filters }: { filters: Record<string, string> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const report = useApi<Report>(reportUrl('compliance', filters));

  /** Late and missed together, with the split when there are any. */
  const notOnTime = (counts: Counts) => {
    const n = counts.late + counts.missed;
    return (
      <>
        {n}
        {n > 0 && (
          <span className="muted small">
            {t('reports.lateMissed', { late: counts.late, missed: counts.missed })}
          </span>
        )}
      </>
    );
  };
  const rate = (counts: Counts, cases: number) =>
    counts['n/a'] === cases ? (
      <span className="muted small">{t('reports.noReportDeadline')}</span>
    ) : (
      <>
        <strong>{onTimeRate(counts)}</strong>
        {counts.pending > 0 && (
          <span className="muted small">{t('reports.pending', { n: counts.pending })}</span>
        )}
      </>
    );

  const rows = report.data?.rows ?? [];
  const total: Row = {
    grade: 0,
    cases: rows.reduce((n, row) => n + row.cases, 0),
    report: sumOutcomes(rows.map((row) => row.report)),
    reply: sumOutcomes(rows.map((row) => row.reply)),
  };
  const columns = [
    {
      header: t('reports.grade'),
      cell: (row: Row) =>
        row.grade ? <GradeBadge grade={row.grade} /> : <strong>{t('reports.total')}</strong>,
    },
    { header: t('reports.cases'), className: 'num', cell: (row: Row) => row.cases },
    { header: t('reports.reportOnTime'), className: 'num', cell: (row: Row) => row.report['on-time'] },
    { header: t('reports.reportNotOnTime'), cell: (row: Row) => notOnTime(row.report) },
    { header: t('reports.reportRate'), cell: (row: Row) => rate(row.report, row.cases) },
    { header: t('reports.replyOnTime'), className: 'num', cell: (row: Row) => row.reply['on-time'] },
    { header: t('reports.replyNotOnTime'), cell: (row: Row) => notOnTime(row.reply) },
    { header: t('reports.replyRate'), cell: (row: Row) => rate(row.reply, row.cases) },
  ];

  return (
    <ReportCard
      id="compliance"
      title={t('reports.compliance')}
      intro={t('reports.complianceIntro')}
      csvUrl={reportUrl('compliance', filters, true)}
    >
      {report.error ? (
        <ErrorBox error={report.error} onRetry={report.reload} />
      ) : !report.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p className="muted empty">{t('reports.noCases')}</p>
      ) : (
        <>
          <DataTable
            className="report-table"
            testId="compliance-rows"
            caption={t('reports.compliance')}
            rows={rows.length > 1 ? [...rows, total] : rows}
            rowKey={(row) => String(row.grade)}
            rowProps={(row) => ({ 'data-grade': String(row.grade || 'total') })}
            columns={columns}
          />
          <h3>{t('reports.misses')}</h3>
          {report.data.misses.length === 0 ? (
            <p className="muted">{t('reports.noMisses')}</p>
          ) : (
            <DataTable
              className="report-table"
              testId="compliance-misses"
              caption={t('reports.misses')}
              rows={report.data.misses}
              rowKey={(miss) => `${miss.caseId}:${miss.deadline}`}
              rowProps={(miss) => ({ 'data-case': miss.caseId })}
              columns={[
                {
                  header: t('reports.case'),
                  className: 'nowrap',
                  cell: (miss) => (
                    <Link to={`/cases/${miss.caseId}`} className="case-id">
                      {miss.caseId}
                    </Link>
                  ),
                },
                { header: t('reports.caseTitle'), className: 'title-cell', cell: (miss) => miss.title },
                { header: t('reports.grade'), cell: (miss) => <GradeBadge grade={miss.grade} /> },
                { header: t('reports.deadline'), cell: (miss) => t(`reports.deadline.${miss.deadline}`) },
                {
                  header: t('reports.outcome'),
                  cell: (miss) => (
                    <span className={`badge ${miss.outcome === 'missed' ? 'bad' : 'warn'}`}>
                      {t(`reports.outcome.${miss.outcome}`)}
                    </span>
                  ),
                },
                { header: t('reports.dueAt'), cell: (miss) => formatDateTime(miss.dueAt) },
                {
                  header: t('reports.doneAt'),
                  cell: (miss) => (miss.doneAt ? formatDateTime(miss.doneAt) : t('reports.notDone')),
                },
                { header: t('reports.late'), cell: (miss) => duration(i18n, miss.minutesLate) },
              ]}
            />
          )}
        </>
      )}
    </ReportCard>
  );
}
