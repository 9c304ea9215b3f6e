import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useI18n } from '../i18n';
import { PageTitle } from '../components/bits';
import { ComplianceReport } from '../reports/ComplianceReport';
import { AccountabilityReport } from '../reports/AccountabilityReport';
import { MonthlyReport } from '../reports/MonthlyReport';
import { shanghaiMonth } from '../reports/report-format';

const DATE = /^\d{4}-\d\d-\d\d$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * 报表 (the leading group, its office, auditors, admins): deadline compliance and accountability
 * for a period of opening dates, and the monthly summary for a month. The filters live in the
 * address (`?from=&to=&month=`), so a report can be bookmarked and sent on.
 */
export function ReportsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  // What the address holds, when well-formed (the server would refuse the rest with a 400).
  const valid = (name: string, pattern: RegExp) => {
    const value = params.get(name) ?? '';
    return pattern.test(value) ? value : '';
  };
  const from = valid('from', DATE);
  const to = valid('to', DATE);
  // The month the page was opened in, unless the address names one.
  const [thisMonth] = useState(() => shanghaiMonth(Date.now()));
  const month = valid('month', MONTH) || thisMonth;
  const [draft, setDraft] = useState({ from, to });
  const period = { from, to };

  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes))
      if (value) next.set(name, value);
      else next.delete(name);
    setParams(next);
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    update(draft);
  };
  const allTime = () => {
    setDraft({ from: '', to: '' });
    update({ from: '', to: '' });
  };

  return (
    <>
      <PageTitle title={t('reports.title')}>{t('reports.title')}</PageTitle>
      <p className="muted">{t('reports.intro')}</p>
      <form className="filters card" onSubmit={apply} aria-label={t('reports.period')}>
        <div className="filter">
          <label htmlFor="report-from">{t('reports.from')}</label>
          <input
            id="report-from"
            type="date"
            className="form-control"
            value={draft.from}
            max={draft.to || undefined}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </div>
        <div className="filter">
          <label htmlFor="report-to">{t('reports.to')}</label>
          <input
            id="report-to"
            type="date"
            className="form-control"
            value={draft.to}
            min={draft.from || undefined}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </div>
        <div className="filter-actions">
          <button type="submit" className="btn btn-primary">
            {t('reports.apply')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={allTime}>
            {t('reports.allTime')}
          </button>
        </div>
        <p className="muted small report-period" role="status" data-testid="report-period">
          {from || to
            ? t('reports.shownRange', { from: from || t('reports.open'), to: to || t('reports.open') })
            : t('reports.shownAll')}
        </p>
      </form>
      <ComplianceReport filters={period} />
      <AccountabilityReport filters={period} />
      <MonthlyReport month={month} onMonth={(next) => update({ month: next })} />
    </>
  );
}
