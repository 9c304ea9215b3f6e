import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useI18n } from '../i18n';
import { may, useUser } from '../session';
import { useApi } from '../useApi';
import { channelName, gradeBadge, processName, rolesName, taskName } from '../labels';
import { formatDateTime } from '../time';
import { Countdown } from '../components/Countdown';
import { CaseFacts, Deadlines, Timeline } from '../components/case';
import { DrillBadge, ErrorBox, ExternalLink, GradeBadge, Loading, PageTitle } from '../components/bits';
import type { CaseDetail, CaseDiagramItem, CaseInstance } from '../types';

const CaseDiagram = lazy(() => import('../diagram/CaseDiagram'));

/** The instance to draw: the running grade process, else the latest one. */
function mainInstance(instances: CaseInstance[]): CaseInstance | undefined {
  const running = instances.filter((i) => i.status === 'running');
  return running.find((i) => i.definitionKey !== 'opinion-intake') ?? running.at(-1) ?? instances.at(-1);
}

function Diagram({ record }: { record: CaseDetail }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const instance = record.instances.find((i) => i.id === chosen) ?? mainInstance(record.instances);
  // Every diagram version the case's processes run on, for anyone who may read the case.
  const diagrams = useApi<{ items: CaseDiagramItem[] }>(
    record.instances.length ? `/api/cases/${encodeURIComponent(record.id)}/diagrams` : null,
  );
  // A re-grade adds a process: fetch the diagrams again when the case has more.
  const reloadDiagrams = diagrams.reload;
  const known = diagrams.data?.items.length;
  useEffect(() => {
    if (known !== undefined && known < record.instances.length) reloadDiagrams();
  }, [known, record.instances.length, reloadDiagrams]);
  const current = diagrams.data
    ? { text: diagrams.data.items.find((d) => d.instanceId === instance?.id)?.xml ?? null }
    : diagrams.error
      ? { text: null }
      : null;

  const active = useMemo(() => instance?.waitingAt ?? [], [instance]);
  const done = useMemo(
    () =>
      record.tasks
        .filter((task) => task.instanceId === instance?.id && task.status === 'completed')
        .map((task) => task.activityId),
    [record.tasks, instance],
  );

  if (!instance) return null;
  return (
    <section className="card" aria-labelledby="diagram-title">
      <h2 id="diagram-title">{t('case.diagram')}</h2>
      {record.instances.length > 1 && current?.text !== null && (
        <div className="form-group inline">
          <label htmlFor="diagram-instance">{t('case.processes')}</label>
          <select
            id="diagram-instance"
            className="form-control"
            value={instance.id}
            onChange={(e) => setChosen(e.target.value)}
          >
            {record.instances.map((i) => (
              <option key={i.id} value={i.id}>
                {t('case.process', {
                  name: processName(i18n, i.definitionKey),
                  version: i.definitionVersion,
                })}{' '}
                · {t(`instance.${i.status}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      {!current ? (
        <p className="muted">{t('case.diagramLoading')}</p>
      ) : current.text === null ? (
        <p className="muted">{t('case.diagramUnavailable')}</p>
      ) : (
        <Suspense fallback={<p className="muted">{t('case.diagramLoading')}</p>}>
          <CaseDiagram xml={current.text} active={active} done={done} />
        </Suspense>
      )}
    </section>
  );
}

export function CasePage() {
  const { id = '' } = useParams();
  const i18n = useI18n();
  const { t } = i18n;
  const user = useUser();
  const location = useLocation();
  const reported = (location.state as { reported?: string } | null)?.reported === id;
  const loaded = useApi<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`);
  const { reload } = loaded;

  // While the case is open, its tasks and deadlines move as people work: look again every 30 s.
  useEffect(() => {
    const timer = setInterval(reload, 30_000);
    return () => clearInterval(timer);
  }, [reload]);

  if (loaded.error) return <ErrorBox error={loaded.error} onRetry={reload} />;
  const record = loaded.data;
  if (!record) return <Loading />;

  const openTasks = record.tasks.filter((task) => task.status === 'open');
  const doneTasks = record.tasks.filter((task) => task.status === 'completed');
  const taskLabel = (activityId: string) => {
    const task = record.tasks.find((x) => x.activityId === activityId);
    return task ? taskName(i18n, task) : i18n.name(`activity.${activityId}`, activityId);
  };

  return (
    <div className="case-page">
      {reported && (
        <p className="alert alert-success" role="status">
          {t('report.done', { id: record.id })}
        </p>
      )}
      <div className="page-head case-head">
        <PageTitle title={t('case.title', { id: record.id })}>
          <span className="case-id">{record.id}</span> {record.title}
        </PageTitle>
        <p className="badges">
          <GradeBadge grade={record.grade} />
          <span className={`status status-${record.status}`}>{t(`status.${record.status}`)}</span>
          {record.drill && <DrillBadge />}
          {may.audit(user) && (
            <Link to={`/audit/${encodeURIComponent(record.id)}`} className="btn btn-secondary btn-compact">
              {t('case.auditReplay')}
            </Link>
          )}
          <a
            href={`/api/cases/${encodeURIComponent(record.id)}/report.pdf`}
            className="btn btn-secondary btn-compact"
            target="_blank"
            rel="noopener"
          >
            {t('case.reportPdf')}
          </a>
        </p>
      </div>
      {record.drill && <p className="alert alert-info">{t('case.drillBanner')}</p>}
      <div className="case-layout">
        <div className="case-main">
          <section className="card" aria-labelledby="deadlines-title">
            <h2 id="deadlines-title">{t('case.deadlines')}</h2>
            <Deadlines record={record} />
          </section>
          <section className="card" aria-labelledby="facts-title">
            <h2 id="facts-title">{t('case.facts')}</h2>
            <CaseFacts record={record} />
            {record.closedAt && (
              <p className="muted small">
                {t('case.closedAt')}：{formatDateTime(record.closedAt)}
              </p>
            )}
          </section>

          <section className="card" aria-labelledby="tasks-title">
            <h2 id="tasks-title">{t('case.tasks')}</h2>
            {openTasks.length === 0 ? (
              <p className="muted">{t('case.noTasks')}</p>
            ) : (
              <table className="responsive">
                <thead>
                  <tr>
                    <th scope="col">{t('case.task')}</th>
                    <th scope="col">{t('case.holder')}</th>
                    <th scope="col">{t('tasks.due')}</th>
                  </tr>
                </thead>
                <tbody>
                  {openTasks.map((task) => (
                    <tr key={task.id}>
                      <td data-label={t('case.task')}>
                        {task.candidateGroups.some((g) => user.roles.includes(g)) ||
                        task.claimedBy === user.id ? (
                          <Link to={`/tasks/${encodeURIComponent(task.id)}`}>{taskName(i18n, task)}</Link>
                        ) : (
                          taskName(i18n, task)
                        )}
                      </td>
                      <td data-label={t('case.holder')}>
                        {task.claimedBy ??
                          t('case.waitingFor', { roles: rolesName(i18n, task.candidateGroups) })}
                      </td>
                      <td data-label={t('tasks.due')}>
                        {task.dueAt ? <Countdown dueAt={task.dueAt} /> : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {doneTasks.length > 0 && (
              <details className="done-tasks">
                <summary>
                  {t('case.doneTasks')} ({doneTasks.length})
                </summary>
                <table className="responsive">
                  <thead>
                    <tr>
                      <th scope="col">{t('case.task')}</th>
                      <th scope="col">{t('case.holder')}</th>
                      <th scope="col">{t('case.gradeAt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {doneTasks.map((task) => (
                      <tr key={task.id}>
                        <td data-label={t('case.task')}>{taskName(i18n, task)}</td>
                        <td data-label={t('case.holder')}>{task.completedBy ?? '—'}</td>
                        <td data-label={t('case.gradeAt')}>{formatDateTime(task.completedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            )}
          </section>

          <section className="card" aria-labelledby="pubs-title">
            <h2 id="pubs-title">{t('case.publications')}</h2>
            {record.publications.length === 0 ? (
              <p className="muted">{t('case.noPublications')}</p>
            ) : (
              <table className="responsive">
                <thead>
                  <tr>
                    <th scope="col">{t('case.pubKind')}</th>
                    <th scope="col">{t('case.pubTitle')}</th>
                    <th scope="col">{t('case.pubChannel')}</th>
                    <th scope="col">{t('case.pubAuthor')}</th>
                    <th scope="col">{t('case.pubApprover')}</th>
                    <th scope="col">{t('case.pubAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {record.publications.map((p) => (
                    <tr key={p.id}>
                      <td data-label={t('case.pubKind')}>{t(`pub.${p.kind}`)}</td>
                      <td data-label={t('case.pubTitle')}>
                        {p.url ? <ExternalLink href={p.url}>{p.title}</ExternalLink> : p.title}
                        {p.drill && <DrillBadge />}
                      </td>
                      <td data-label={t('case.pubChannel')}>
                        {channelName(i18n, p.channel)}
                        <span className="muted small"> · {t(`via.${p.via}`)}</span>
                      </td>
                      <td data-label={t('case.pubAuthor')}>{p.author}</td>
                      <td data-label={t('case.pubApprover')}>{p.approver ?? '—'}</td>
                      <td data-label={t('case.pubAt')}>{formatDateTime(p.publishedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <section className="card" aria-labelledby="procs-title">
            <h2 id="procs-title">{t('case.processes')}</h2>
            <ul className="processes">
              {record.instances.map((instance) => (
                <li key={instance.id}>
                  <strong>
                    {t('case.process', {
                      name: processName(i18n, instance.definitionKey),
                      version: instance.definitionVersion,
                    })}
                  </strong>{' '}
                  <span className={`status instance-${instance.status}`}>
                    {t(`instance.${instance.status}`)}
                  </span>
                  {instance.waitingAt.length > 0 && (
                    <span className="muted small">
                      {' '}
                      · {t('case.waitingAt', { at: i18n.join(instance.waitingAt.map(taskLabel)) })}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </section>
        </div>

        <div className="case-side">
          <section className="card" aria-labelledby="grades-title">
            <h2 id="grades-title">{t('case.grades')}</h2>
            <ol className="grade-history">
              {record.gradeHistory.map((change) => (
                <li key={change.id}>
                  <time dateTime={change.at}>{formatDateTime(change.at)}</time>{' '}
                  {change.previous ? `${gradeBadge(i18n, change.previous)} → ` : ''}
                  <strong>{gradeBadge(i18n, change.grade)}</strong>
                  <span className="muted small">
                    {' '}
                    · {change.by}
                    {change.reason ? ` · ${change.reason}` : ''}
                  </span>
                </li>
              ))}
            </ol>
          </section>
          <section className="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{t('case.timeline')}</h2>
            <Timeline record={record} messages />
          </section>
        </div>
      </div>
      <Diagram record={record} />
    </div>
  );
}
