import { lazy, Suspense, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useI18n, type I18n } from '../i18n';
import { api, saveFile } from '../api';
import { useApi } from '../useApi';
import { processName, rolesName } from '../labels';
import { formatDateTime } from '../time';
import { DataView } from '../components/DataView';
import { DataTable } from '../components/DataTable';
import { DrillBadge, ErrorBox, GradeBadge, Loading, PageTitle } from '../components/bits';
import {
  historyCsv,
  historyJson,
  isKeyStep,
  isRoutine,
  shanghaiSeconds,
  SYSTEM_ACTORS,
} from '../audit/history';
import { useStateAt } from '../audit/use-instance-state';
import { diagramFacts } from '../diagram/facts';
import type {
  CaseDetail,
  CaseDiagramItem,
  CaseEvent,
  CaseHistory,
  CaseSummary,
  IntegrityVerdict,
} from '../types';

const ReplayDiagram = lazy(() => import('../diagram/ReplayDiagram'));

export const eventName = (i18n: I18n, type: string) => i18n.name(`event.${type}`, type);
export const actorName = (i18n: I18n, actor: string | undefined) =>
  actor ? i18n.name(`actor.${actor}`, actor) : '—';

/** 审计回放: choose a case. */
export function AuditIndexPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [caseId, setCaseId] = useState('');
  const [status, setStatus] = useState('closed');
  const cases = useApi<{ items: CaseSummary[] }>(
    `/api/cases?pageSize=50${status ? `&status=${status}` : ''}`,
  );
  const open = (event: FormEvent) => {
    event.preventDefault();
    const id = caseId.trim();
    if (id) navigate(`/audit/${encodeURIComponent(id)}`);
  };
  return (
    <>
      <PageTitle title={t('audit.title')}>{t('audit.title')}</PageTitle>
      <p className="muted">{t('audit.intro')}</p>
      <div className="card audit-pick">
        <form className="form-group inline" onSubmit={open}>
          <label htmlFor="audit-case">{t('audit.caseId')}</label>
          <input
            id="audit-case"
            className="form-control case-input"
            value={caseId}
            placeholder="YQ-20260314-0001"
            onChange={(e) => setCaseId(e.target.value)}
          />
          <button type="submit" className="btn btn-primary">
            {t('audit.open')}
          </button>
        </form>
        <div className="form-group inline">
          <label htmlFor="audit-status">{t('cases.status')}</label>
          <select
            id="audit-status"
            className="form-control narrow"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
          >
            <option value="">{t('cases.all')}</option>
            <option value="open">{t('status.open')}</option>
            <option value="closed">{t('status.closed')}</option>
            <option value="cancelled">{t('status.cancelled')}</option>
          </select>
        </div>
      </div>
      {cases.error ? (
        <ErrorBox error={cases.error} onRetry={cases.reload} />
      ) : !cases.data ? (
        <Loading />
      ) : cases.data.items.length === 0 ? (
        <p className="muted empty">{t('cases.none')}</p>
      ) : (
        <DataTable
          className="case-table"
          rows={cases.data.items}
          rowKey={(c) => c.id}
          columns={[
            {
              header: t('cases.id'),
              cell: (c) => (
                <Link to={`/audit/${c.id}`} className="case-id">
                  {c.id}
                </Link>
              ),
            },
            {
              header: t('cases.caseTitle'),
              className: 'title-cell',
              cell: (c) => (
                <>
                  <Link to={`/audit/${c.id}`}>{c.title}</Link>
                  {c.drill && <DrillBadge />}
                </>
              ),
            },
            { header: t('cases.grade'), cell: (c) => <GradeBadge grade={c.grade} /> },
            {
              header: t('cases.status'),
              cell: (c) => <span className={`status status-${c.status}`}>{t(`status.${c.status}`)}</span>,
            },
            { header: t('cases.created'), cell: (c) => formatDateTime(c.createdAt) },
          ]}
        />
      )}
    </>
  );
}

/** The instance to replay first: the grade process (the case's work), else the first one. */
function mainInstance(items: CaseDiagramItem[]): string | undefined {
  return (items.find((i) => i.definitionKey !== 'opinion-intake') ?? items[0])?.instanceId;
}

interface Position {
  instanceId: string;
  seq: number;
}

/** 审计回放 of one case: integrity, the replay on the diagram, the full history with export. */
export function CaseAuditPage() {
  const { id = '' } = useParams();
  const i18n = useI18n();
  const { t } = i18n;
  const path = `/api/cases/${encodeURIComponent(id)}`;
  const record = useApi<CaseDetail>(path);
  const history = useApi<CaseHistory>(`${path}/history`);
  const diagrams = useApi<{ items: CaseDiagramItem[] }>(`${path}/diagrams`);
  const [position, setPosition] = useState<Position | null>(null);
  const [keyOnly, setKeyOnly] = useState(true);

  const error = record.error ?? history.error ?? diagrams.error;
  if (error)
    return (
      <ErrorBox
        error={error}
        onRetry={() => {
          record.reload();
          history.reload();
          diagrams.reload();
        }}
      />
    );
  if (!record.data || !history.data || !diagrams.data) return <Loading />;
  const c = record.data;
  const items = diagrams.data.items;
  const instanceId = position?.instanceId ?? mainInstance(items);

  const showInReplay = (event: CaseEvent) => {
    if (!isKeyStep(event)) setKeyOnly(false);
    setPosition({ instanceId: event.instanceId, seq: event.seq });
    document.getElementById('replay-title')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };

  return (
    <div className="audit-page">
      <p className="breadcrumb">
        <Link to="/audit">← {t('audit.back')}</Link>
      </p>
      <div className="page-head case-head">
        <PageTitle title={t('audit.caseTitle', { id: c.id })}>
          {t('audit.heading')} <span className="case-id">{c.id}</span> {c.title}
        </PageTitle>
        <p className="badges">
          <GradeBadge grade={c.grade} />
          <span className={`status status-${c.status}`}>{t(`status.${c.status}`)}</span>
          {c.drill && <DrillBadge />}
          <Link to={`/cases/${c.id}`} className="small">
            {t('audit.openCase')}
          </Link>
        </p>
      </div>

      <Integrity caseId={c.id} items={items} initial={history.data.integrity} />

      {instanceId && (
        <Replay
          items={items}
          events={history.data.events}
          instanceId={instanceId}
          seq={position?.instanceId === instanceId ? position.seq : undefined}
          keyOnly={keyOnly}
          onKeyOnly={setKeyOnly}
          onMove={(seq, instance) => setPosition({ instanceId: instance ?? instanceId, seq })}
        />
      )}

      <History
        caseId={c.id}
        history={history.data}
        items={items}
        current={instanceId && position ? { instanceId, seq: position.seq } : undefined}
        onShow={showInReplay}
      />
    </div>
  );
}

function Integrity({
  caseId,
  items,
  initial,
}: {
  caseId: string;
  items: CaseDiagramItem[];
  initial: IntegrityVerdict[];
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [verdicts, setVerdicts] = useState(initial);
  const [checkedAt, setCheckedAt] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const verify = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const answer = await api.get<{ items: IntegrityVerdict[] }>(
        `/api/audit/verify?caseId=${encodeURIComponent(caseId)}`,
      );
      setVerdicts(answer.items);
      setCheckedAt(new Date().toISOString());
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const allOk = verdicts.every((v) => v.ok);
  const nameOf = (instanceId: string) => {
    const item = items.find((i) => i.instanceId === instanceId);
    return item
      ? t('case.process', { name: processName(i18n, item.definitionKey), version: item.definitionVersion })
      : instanceId;
  };
  return (
    <section className={`card integrity ${allOk ? 'is-ok' : 'is-broken'}`} aria-labelledby="integrity-title">
      <div className="section-head">
        <h2 id="integrity-title">{t('audit.integrity')}</h2>
        <button
          type="button"
          className="btn btn-secondary btn-compact"
          disabled={busy}
          onClick={() => void verify()}
        >
          {busy ? t('audit.verifying') : t('audit.verify')}
        </button>
      </div>
      <p className={`integrity-summary ${allOk ? 'ok' : 'broken'}`} role="status" data-testid="integrity">
        <span aria-hidden="true">{allOk ? '✔ ' : '✖ '}</span>
        {allOk ? t('audit.integrityOk') : t('audit.integrityBroken')}
        {checkedAt && (
          <span className="muted small"> · {t('audit.checkedAt', { at: formatDateTime(checkedAt) })}</span>
        )}
      </p>
      <ul className="integrity-list">
        {verdicts.map((v) => (
          <li key={v.instanceId} className={v.ok ? 'ok' : 'broken'}>
            <span className={`badge ${v.ok ? 'ok' : 'bad'}`}>
              {v.ok ? t('audit.intact') : t('audit.tampered')}
            </span>{' '}
            <strong>{nameOf(v.instanceId)}</strong>
            {v.events !== undefined && (
              <span className="muted small"> · {t('audit.eventCount', { n: v.events })}</span>
            )}
            {v.problem && (
              <span className="text-danger">
                {' '}
                ·{' '}
                {t('audit.problem', {
                  seq: v.problem.seq,
                  kind: i18n.name(`tamper.${v.problem.kind}`, v.problem.kind),
                })}{' '}
                <span className="small">({v.problem.detail})</span>
              </span>
            )}
          </li>
        ))}
      </ul>
      {failure !== null && <ErrorBox error={failure} />}
    </section>
  );
}

function Replay({
  items,
  events,
  instanceId,
  seq,
  keyOnly,
  onKeyOnly,
  onMove,
}: {
  items: CaseDiagramItem[];
  events: CaseEvent[];
  instanceId: string;
  seq: number | undefined;
  keyOnly: boolean;
  onKeyOnly(on: boolean): void;
  onMove(seq: number, instanceId?: string): void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const item = items.find((i) => i.instanceId === instanceId);
  const own = useMemo(
    () => events.filter((e) => e.instanceId === instanceId).sort((a, b) => a.seq - b.seq),
    [events, instanceId],
  );
  const steps = useMemo(() => (keyOnly ? own.filter(isKeyStep) : own), [own, keyOnly]);
  const facts = useMemo(() => diagramFacts(item?.xml), [item?.xml]);
  // The step shown: the last step at or before the chosen event (the first when none chosen).
  let index = 0;
  if (seq !== undefined) {
    index = steps.findLastIndex((s) => s.seq <= seq);
    if (index < 0) index = 0;
  }
  const step = steps[index];
  // The state after the step comes from the server; the steps either side are fetched ahead.
  const neighbours = [steps[index - 1]?.seq, steps[index + 1]?.seq].filter((n) => n !== undefined);
  const { state, error, retry } = useStateAt(instanceId, step?.seq ?? 0, neighbours);
  const markers = useMemo(
    () =>
      state && {
        completed: state.completed,
        active: state.active,
        timedOut: state.timedOut,
        current: step?.activityId,
      },
    [state, step?.activityId],
  );
  const go = (i: number) => {
    const target = steps[Math.max(0, Math.min(steps.length - 1, i))];
    if (target) onMove(target.seq);
  };
  const nameOf = (activityId: string, fallback?: string) =>
    fallback ?? facts.get(activityId)?.name ?? i18n.name(`activity.${activityId}`, activityId);

  return (
    <section
      className="card replay"
      aria-labelledby="replay-title"
      aria-busy={!state && !error}
      data-testid="replay"
    >
      <div className="section-head">
        <h2 id="replay-title">{t('audit.replay')}</h2>
        <div className="form-group inline">
          <label htmlFor="replay-instance">{t('case.processes')}</label>
          <select
            id="replay-instance"
            className="form-control"
            value={instanceId}
            onChange={(e) => onMove(0, e.target.value)}
          >
            {items.map((i) => (
              <option key={i.instanceId} value={i.instanceId}>
                {t('case.process', {
                  name: processName(i18n, i.definitionKey),
                  version: i.definitionVersion,
                })}{' '}
                · {t(`instance.${i.status}`)}
              </option>
            ))}
          </select>
        </div>
      </div>

      <div className="replay-controls" role="group" aria-label={t('audit.stepControls')}>
        <button type="button" className="btn btn-small" disabled={index === 0} onClick={() => go(0)}>
          <span aria-hidden="true">« </span>
          {t('audit.first')}
        </button>
        <button type="button" className="btn btn-small" disabled={index === 0} onClick={() => go(index - 1)}>
          <span aria-hidden="true">‹ </span>
          {t('audit.prev')}
        </button>
        <label className="visually-hidden" htmlFor="replay-step">
          {t('audit.step')}
        </label>
        <input
          id="replay-step"
          type="range"
          className="replay-slider"
          min={0}
          max={Math.max(0, steps.length - 1)}
          value={index}
          aria-valuetext={t('audit.stepOf', { n: index + 1, total: steps.length })}
          onChange={(e) => go(Number(e.target.value))}
        />
        <button
          type="button"
          className="btn btn-small"
          disabled={index >= steps.length - 1}
          onClick={() => go(index + 1)}
        >
          {t('audit.next')}
          <span aria-hidden="true"> ›</span>
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={index >= steps.length - 1}
          onClick={() => go(steps.length - 1)}
        >
          {t('audit.last')}
          <span aria-hidden="true"> »</span>
        </button>
        <span className="replay-position" data-testid="replay-position">
          {t('audit.stepOf', { n: steps.length ? index + 1 : 0, total: steps.length })}
        </span>
        <label className="checkbox-line replay-key">
          <input type="checkbox" checked={keyOnly} onChange={(e) => onKeyOnly(e.target.checked)} />{' '}
          {t('audit.keyOnly')}
        </label>
      </div>

      <div className="replay-layout">
        <div className="replay-canvas">
          {item?.xml ? (
            <Suspense fallback={<p className="muted">{t('case.diagramLoading')}</p>}>
              <ReplayDiagram xml={item.xml} markers={markers} />
            </Suspense>
          ) : (
            <p className="muted">{t('case.diagramUnavailable')}</p>
          )}
        </div>
        <aside
          className="replay-step"
          aria-labelledby="step-title"
          aria-live="polite"
          data-testid="replay-step"
        >
          <h3 id="step-title">{t('audit.atStep')}</h3>
          {step ? (
            <>
              <p className="step-event">
                <span className="badge event-badge">{eventName(i18n, step.type)}</span>{' '}
                <span className="muted small">#{step.seq}</span>
              </p>
              <dl className="facts step-facts">
                <div>
                  <dt>{t('audit.time')}</dt>
                  <dd>
                    <time dateTime={step.at}>{shanghaiSeconds(step.at)}</time>
                  </dd>
                </div>
                <div>
                  <dt>{t('audit.actor')}</dt>
                  <dd className={step.actor && !SYSTEM_ACTORS.includes(step.actor) ? 'person' : ''}>
                    {actorName(i18n, step.actor)}
                  </dd>
                </div>
                {step.activityId && (
                  <div className="fact-wide">
                    <dt>{t('audit.activity')}</dt>
                    <dd>{nameOf(step.activityId, step.activityName)}</dd>
                  </div>
                )}
              </dl>
              {step.data && Object.keys(step.data).length > 0 && (
                <details className="step-data" open={step.type === 'task.completed'}>
                  <summary>{t('audit.data')}</summary>
                  <DataView
                    data={step.data}
                    formKey={
                      step.type === 'task.completed' && step.activityId
                        ? facts.get(step.activityId)?.formKey
                        : undefined
                    }
                  />
                </details>
              )}
            </>
          ) : (
            <p className="muted">{t('audit.noEvents')}</p>
          )}
          {!state ? (
            error ? (
              <ErrorBox error={error} onRetry={retry} />
            ) : (
              <Loading />
            )
          ) : (
            <>
              <h3>{t('audit.openAtStep')}</h3>
              {state.openTasks.length === 0 ? (
                <p className="muted small">
                  {state.ended ? t('audit.instanceEnded') : t('audit.noOpenTasks')}
                </p>
              ) : (
                <ul className="step-list">
                  {state.openTasks.map((task, i) => (
                    <li key={`${task.activityId}-${i}`}>
                      {nameOf(task.activityId, task.name)}
                      <OpenTaskGroups
                        roles={
                          task.candidateGroups.length > 0
                            ? task.candidateGroups
                            : (facts.get(task.activityId)?.candidateGroups ?? [])
                        }
                      />
                    </li>
                  ))}
                </ul>
              )}
              <h3>{t('audit.doneSoFar')}</h3>
              {state.done.length === 0 ? (
                <p className="muted small">{t('audit.noneDone')}</p>
              ) : (
                <ol className="step-list done-list">
                  {state.done.map((d) => (
                    <li key={d.seq}>
                      <strong>{actorName(i18n, d.actor)}</strong> · {nameOf(d.activityId)}
                      <span className="muted small"> · {shanghaiSeconds(d.at).slice(5, 16)}</span>
                    </li>
                  ))}
                </ol>
              )}
            </>
          )}
        </aside>
      </div>
    </section>
  );
}

function OpenTaskGroups({ roles }: { roles: string[] }) {
  const i18n = useI18n();
  if (roles.length === 0) return null;
  return (
    <span className="muted small"> · {i18n.t('case.waitingFor', { roles: rolesName(i18n, roles) })}</span>
  );
}

function History({
  caseId,
  history,
  items,
  current,
  onShow,
}: {
  caseId: string;
  history: CaseHistory;
  items: CaseDiagramItem[];
  current?: Position;
  onShow(event: CaseEvent): void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [text, setText] = useState('');
  const [type, setType] = useState('');
  const [actor, setActor] = useState('');
  const [instance, setInstance] = useState('');
  const [hideRoutine, setHideRoutine] = useState(true);
  const events = history.events;
  const types = useMemo(() => [...new Set(events.map((e) => e.type))].sort(), [events]);
  const actors = useMemo(
    () => [...new Set(events.map((e) => e.actor).filter((a): a is string => Boolean(a)))].sort(),
    [events],
  );
  const facts = useMemo(
    () => new Map(items.map((item) => [item.instanceId, diagramFacts(item.xml)])),
    [items],
  );
  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return events.filter((e) => {
      if (hideRoutine && isRoutine(e)) return false;
      if (type && e.type !== type) return false;
      if (actor && e.actor !== actor) return false;
      if (instance && e.instanceId !== instance) return false;
      if (!needle) return true;
      const haystack = [
        e.type,
        eventName(i18n, e.type),
        e.actor,
        e.activityId,
        e.activityName,
        e.requestId,
        e.data ? JSON.stringify(e.data) : '',
      ]
        .join(' ')
        .toLowerCase();
      return haystack.includes(needle);
    });
  }, [events, text, type, actor, instance, hideRoutine, i18n]);
  const filtered = shown.length !== events.length;
  const reset = () => {
    setText('');
    setType('');
    setActor('');
    setInstance('');
    setHideRoutine(false);
  };
  const stamp = new Date().toISOString().slice(0, 10);
  const processLabel = (instanceId: string) => {
    const item = items.find((i) => i.instanceId === instanceId);
    return item ? processName(i18n, item.definitionKey) : instanceId;
  };
  const isCurrent = (e: CaseEvent) => current?.instanceId === e.instanceId && current.seq === e.seq;
  const formKeyOf = (e: CaseEvent) =>
    e.type === 'task.completed' && e.activityId
      ? facts.get(e.instanceId)?.get(e.activityId)?.formKey
      : undefined;

  return (
    <section className="card history" aria-labelledby="history-title">
      <div className="section-head">
        <h2 id="history-title">
          {t('audit.history')}{' '}
          <span className="count">
            {filtered
              ? t('audit.shownOf', { n: shown.length, total: events.length })
              : t('audit.eventCount', { n: events.length })}
          </span>
        </h2>
        <div className="export-actions">
          <button
            type="button"
            className="btn btn-secondary btn-compact"
            onClick={() =>
              saveFile(
                `${caseId}-history-${stamp}.json`,
                historyJson(caseId, history, shown),
                'application/json',
              )
            }
          >
            {t('audit.exportJson')}
          </button>
          <button
            type="button"
            className="btn btn-secondary btn-compact"
            onClick={() =>
              saveFile(`${caseId}-history-${stamp}.csv`, historyCsv(shown), 'text/csv;charset=utf-8')
            }
          >
            {t('audit.exportCsv')}
          </button>
        </div>
      </div>
      <p className="muted small">{filtered ? t('audit.exportFiltered') : t('audit.exportAll')}</p>
      <div className="filters history-filters" role="search" aria-label={t('audit.filters')}>
        <div className="filter">
          <label htmlFor="history-text">{t('audit.search')}</label>
          <input
            id="history-text"
            type="search"
            className="form-control"
            value={text}
            placeholder={t('audit.searchHint')}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <div className="filter">
          <label htmlFor="history-type">{t('audit.event')}</label>
          <select
            id="history-type"
            className="form-control"
            value={type}
            onChange={(e) => setType(e.target.value)}
          >
            <option value="">{t('cases.all')}</option>
            {types.map((value) => (
              <option key={value} value={value}>
                {eventName(i18n, value)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="history-actor">{t('audit.actor')}</label>
          <select
            id="history-actor"
            className="form-control"
            value={actor}
            onChange={(e) => setActor(e.target.value)}
          >
            <option value="">{t('cases.all')}</option>
            {actors.map((value) => (
              <option key={value} value={value}>
                {actorName(i18n, value)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="history-instance">{t('audit.process')}</label>
          <select
            id="history-instance"
            className="form-control"
            value={instance}
            onChange={(e) => setInstance(e.target.value)}
          >
            <option value="">{t('cases.all')}</option>
            {items.map((i) => (
              <option key={i.instanceId} value={i.instanceId}>
                {processName(i18n, i.definitionKey)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter filter-check">
          <label className="checkbox-line">
            <input type="checkbox" checked={hideRoutine} onChange={(e) => setHideRoutine(e.target.checked)} />{' '}
            {t('audit.hideRoutine')}
          </label>
        </div>
        <div className="filter-actions">
          <button type="button" className="btn btn-secondary" onClick={reset}>
            {t('audit.showAll')}
          </button>
        </div>
      </div>
      {shown.length === 0 ? (
        <p className="muted empty">{t('audit.noMatch')}</p>
      ) : (
        <div className="history-scroll" tabIndex={0} role="region" aria-label={t('audit.history')}>
          <DataTable
            className="history-table"
            testId="history"
            rows={shown}
            rowKey={(e) => `${e.instanceId}:${e.seq}`}
            rowProps={(e) => (isCurrent(e) ? { className: 'is-current' } : {})}
            columns={[
              {
                header: t('audit.time'),
                className: 'nowrap',
                cell: (e) => <time dateTime={e.at}>{shanghaiSeconds(e.at)}</time>,
              },
              {
                header: t('audit.process'),
                cell: (e) => (
                  <>
                    {processLabel(e.instanceId)} <span className="muted small">#{e.seq}</span>
                  </>
                ),
              },
              {
                header: t('audit.event'),
                cell: (e) => (
                  <button
                    type="button"
                    className="link-button"
                    title={t('audit.showInReplay')}
                    aria-current={isCurrent(e) ? 'step' : undefined}
                    onClick={() => onShow(e)}
                  >
                    {eventName(i18n, e.type)}
                  </button>
                ),
              },
              { header: t('audit.actor'), cell: (e) => actorName(i18n, e.actor) },
              {
                header: t('audit.activity'),
                cell: (e) => e.activityName ?? (e.activityId ? <code>{e.activityId}</code> : '—'),
              },
              {
                header: t('audit.data'),
                cell: (e) =>
                  e.data && Object.keys(e.data).length > 0 ? (
                    <details>
                      <summary>{t('audit.fields', { n: Object.keys(e.data).length })}</summary>
                      <DataView data={e.data} formKey={formKeyOf(e)} />
                    </details>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
        </div>
      )}
    </section>
  );
}
