import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useI18n } from '../i18n';
import { useApi } from '../useApi';
import { categoryName, categoryTitles, GRADES, gradeName } from '../labels';
import { formatDateTime } from '../time';
import { Countdown } from '../components/Countdown';
import { DeadlineBadge } from '../components/case';
import { DrillBadge, ErrorBox, GradeBadge, Loading, PageTitle } from '../components/bits';
import type { CaseSummary } from '../types';

const FILTERS = ['grade', 'category', 'status', 'drill', 'from', 'to'] as const;
type Filter = (typeof FILTERS)[number];
const PAGE_SIZE = 20;

export function CasesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const query = new URLSearchParams();
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) query.set(name, value);
  }
  query.set('page', String(page));
  query.set('pageSize', String(PAGE_SIZE));
  const cases = useApi<{ items: CaseSummary[] }>(`/api/cases?${query.toString()}`);
  const [draft, setDraft] = useState<Record<Filter, string>>(
    () => Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Record<Filter, string>,
  );

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) if (draft[name]) next.set(name, draft[name]);
    setParams(next);
  };
  const reset = () => {
    setDraft(Object.fromEntries(FILTERS.map((f) => [f, ''])) as Record<Filter, string>);
    setParams(new URLSearchParams());
  };
  const goTo = (n: number) => {
    const next = new URLSearchParams(params);
    next.set('page', String(n));
    setParams(next);
  };
  const select = (name: Filter, label: string, options: Array<[string, string]>) => (
    <div className="filter">
      <label htmlFor={`filter-${name}`}>{label}</label>
      <select
        id={`filter-${name}`}
        className="form-control"
        value={draft[name]}
        onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
      >
        <option value="">{t('cases.all')}</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );

  const items = cases.data?.items ?? [];
  return (
    <>
      <PageTitle title={t('cases.title')}>{t('cases.title')}</PageTitle>
      <form className="filters card" onSubmit={apply} aria-label={t('cases.filters')}>
        {select(
          'grade',
          t('cases.grade'),
          GRADES.map((g) => [String(g), `${g} ${gradeName(i18n, g)}`]),
        )}
        {select(
          'category',
          t('cases.category'),
          Object.keys(categoryTitles).map((c) => [c, categoryName(i18n, c)]),
        )}
        {select('status', t('cases.status'), [
          ['open', t('status.open')],
          ['closed', t('status.closed')],
          ['cancelled', t('status.cancelled')],
        ])}
        {select('drill', t('cases.drill'), [
          ['false', t('cases.realOnly')],
          ['true', t('cases.drillOnly')],
        ])}
        <div className="filter">
          <label htmlFor="filter-from">{t('cases.from')}</label>
          <input
            id="filter-from"
            type="date"
            className="form-control"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </div>
        <div className="filter">
          <label htmlFor="filter-to">{t('cases.to')}</label>
          <input
            id="filter-to"
            type="date"
            className="form-control"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </div>
        <div className="filter-actions">
          <button type="submit" className="btn btn-primary">
            {t('cases.apply')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={reset}>
            {t('cases.reset')}
          </button>
        </div>
      </form>
      {cases.error ? (
        <ErrorBox error={cases.error} onRetry={cases.reload} />
      ) : !cases.data ? (
        <Loading />
      ) : items.length === 0 ? (
        <p className="muted empty">{t('cases.none')}</p>
      ) : (
        <table className="case-table responsive">
          <thead>
            <tr>
              <th scope="col">{t('cases.id')}</th>
              <th scope="col">{t('cases.caseTitle')}</th>
              <th scope="col">{t('cases.grade')}</th>
              <th scope="col">{t('cases.category')}</th>
              <th scope="col">{t('cases.status')}</th>
              <th scope="col">{t('cases.reply')}</th>
              <th scope="col">{t('cases.created')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td data-label={t('cases.id')}>
                  <Link to={`/cases/${c.id}`} className="case-id">
                    {c.id}
                  </Link>
                </td>
                <td data-label={t('cases.caseTitle')} className="title-cell">
                  <Link to={`/cases/${c.id}`}>{c.title}</Link>
                  {c.drill && <DrillBadge />}
                </td>
                <td data-label={t('cases.grade')}>
                  <GradeBadge grade={c.grade} />
                </td>
                <td data-label={t('cases.category')}>{categoryName(i18n, c.category)}</td>
                <td data-label={t('cases.status')}>
                  <span className={`status status-${c.status}`}>{t(`status.${c.status}`)}</span>
                </td>
                <td data-label={t('cases.reply')}>
                  {c.status === 'open' && (c.reply === 'pending' || c.reply === 'missed') ? (
                    <Countdown dueAt={c.replyDueAt} />
                  ) : (
                    <DeadlineBadge state={c.reply} />
                  )}
                </td>
                <td data-label={t('cases.created')}>{formatDateTime(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(page > 1 || items.length === PAGE_SIZE) && (
        <nav className="pager" aria-label={t('cases.page', { n: page })}>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={page <= 1}
            onClick={() => goTo(page - 1)}
          >
            {t('cases.prev')}
          </button>
          <span>{t('cases.page', { n: page })}</span>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={items.length < PAGE_SIZE}
            onClick={() => goTo(page + 1)}
          >
            {t('cases.next')}
          </button>
        </nav>
      )}
    </>
  );
}
