import type { ReactNode } from 'react';
import { useI18n, type I18n } from '../i18n';
import { useApi } from '../useApi';
import { categoryName } from '../labels';
import { DataTable } from '../components/DataTable';
import { ErrorBox, GradeBadge, Loading } from '../components/bits';
import type { MonthlyReport as Report } from '../types';
import { ReportCard } from './ReportCard';
import { duration, reportUrl } from './report-format';

/** `open` and `cancelled` are statuses; the rest are how a closed case ended. */
function outcomeName(i18n: I18n, outcome: string): string {
  if (outcome === 'open' || outcome === 'cancelled') return i18n.t(`status.${outcome}`);
  return i18n.name(`outcome.${outcome}`, outcome);
}

/** One "by …" count as a small two-column table, largest first. */
function Counts({
  title,
  testId,
  counts,
  label,
}: {
  title: string;
  testId: string;
  counts: Record<string, number>;
  label(key: string): ReactNode;
}) {
  const { t } = useI18n();
  const rows = Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return (
    <div className="report-counts">
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted small">—</p>
      ) : (
        <DataTable
          className="report-table"
          testId={testId}
          caption={title}
          rows={rows}
          rowKey={([key]) => key}
          rowProps={([key]) => ({ 'data-key': key })}
          columns={[
            { header: title, cell: ([key]) => label(key) },
            { header: t('reports.count'), className: 'num', cell: ([, n]) => n },
          ]}
        />
      )}
    </div>
  );
}

/** 月度汇总: the month's cases by grade, category and outcome, and the median time of each step. */
export function MonthlyReport({ month, onMonth }: { month: string; onMonth(month: string): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const report = useApi<Report>(reportUrl('monthly', { month }));
  const data = report.data;
  const picker = (
    <div className="form-group inline">
      <label htmlFor="report-month">{t('reports.month')}</label>
      <input
        id="report-month"
        type="month"
        className="form-control narrow"
        value={month}
        required
        onChange={(e) => {
          if (/^\d{4}-\d\d$/.test(e.target.value)) onMonth(e.target.value);
        }}
      />
    </div>
  );
  return (
    <ReportCard
      id="monthly"
      title={t('reports.monthly')}
      intro={t('reports.monthlyIntro')}
      csvUrl={reportUrl('monthly', { month }, true)}
      tools={picker}
    >
      {report.error ? (
        <ErrorBox error={report.error} onRetry={report.reload} />
      ) : !data ? (
        <Loading />
      ) : (
        <>
          <p className="report-total" data-testid="monthly-total">
            <strong>{t('reports.monthCases', { month: data.month, n: data.cases })}</strong>
          </p>
          {data.cases > 0 && (
            <>
              <div className="report-grid">
                <Counts
                  title={t('reports.byGrade')}
                  testId="monthly-grades"
                  counts={data.byGrade}
                  label={(grade) => <GradeBadge grade={Number(grade)} />}
                />
                <Counts
                  title={t('reports.byCategory')}
                  testId="monthly-categories"
                  counts={data.byCategory}
                  label={(category) => categoryName(i18n, category)}
                />
                <Counts
                  title={t('reports.byOutcome')}
                  testId="monthly-outcomes"
                  counts={data.byOutcome}
                  label={(outcome) => outcomeName(i18n, outcome)}
                />
              </div>
              <h3>{t('reports.medians')}</h3>
              <dl className="facts report-medians" data-testid="monthly-medians">
                <div>
                  <dt>{t('reports.firstSeenToReport')}</dt>
                  <dd>{duration(i18n, data.medianMinutes.firstSeenToReport)}</dd>
                </div>
                <div>
                  <dt>{t('reports.occurredToReply')}</dt>
                  <dd>{duration(i18n, data.medianMinutes.occurredToReply)}</dd>
                </div>
                <div>
                  <dt>{t('reports.openToClose')}</dt>
                  <dd>{duration(i18n, data.medianMinutes.openToClose)}</dd>
                </div>
              </dl>
            </>
          )}
          <h3>{t('reports.steps')}</h3>
          {data.steps.length === 0 ? (
            <p className="muted">{t('reports.noSteps')}</p>
          ) : (
            <DataTable
              className="report-table"
              testId="monthly-steps"
              caption={t('reports.steps')}
              rows={data.steps}
              rowKey={(step) => step.step}
              rowProps={(step) => ({ 'data-step': step.step })}
              columns={[
                { header: t('reports.step'), cell: (step) => step.step },
                { header: t('reports.completed'), className: 'num', cell: (step) => step.completed },
                { header: t('reports.median'), cell: (step) => duration(i18n, step.medianMinutes) },
              ]}
            />
          )}
        </>
      )}
    </ReportCard>
  );
}
