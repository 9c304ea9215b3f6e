import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useI18n } from '../i18n';
import { useUser } from '../session';
import { api, ApiError } from '../api';
import { useApi } from '../useApi';
import { rolesName, taskName } from '../labels';
import { formatDateTime } from '../time';
import { SchemaForm } from '../forms/SchemaForm';
import { Countdown } from '../components/Countdown';
import { CaseFacts, Deadlines, Timeline } from '../components/case';
import { DrillBadge, ErrorBox, GradeBadge, Loading, PageTitle } from '../components/bits';
import type { CaseDetail, JsonObject, TaskDetail } from '../types';

export function TaskPage() {
  const { id = '' } = useParams();
  const i18n = useI18n();
  const { t } = i18n;
  const user = useUser();
  const navigate = useNavigate();
  const loaded = useApi<TaskDetail>(`/api/tasks/${encodeURIComponent(id)}`);
  const [override, setOverride] = useState<TaskDetail | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const task = override && override.id === id ? override : loaded.data;
  const caseId = task?.case?.id;
  const record = useApi<CaseDetail>(caseId ? `/api/cases/${caseId}` : null);

  if (loaded.error) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  if (!task) return <Loading />;

  const name = taskName(i18n, task);
  const open = task.status === 'open';
  const mineClaim = task.claimedBy === user.id;
  const claimedByOther = Boolean(task.claimedBy && !mineClaim);
  const hasPrefill = open && Object.keys(task.prefill ?? {}).length > 0;

  const claim = async (action: 'claim' | 'unclaim') => {
    setProblem(null);
    try {
      setOverride(await api.post<TaskDetail>(`/api/tasks/${encodeURIComponent(task.id)}/${action}`));
    } catch (error) {
      if (error instanceof ApiError) setProblem(error);
      else throw error;
    }
  };

  const complete = async (data: JsonObject) => {
    await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, data);
    navigate('/tasks', { state: { done: name } });
  };

  return (
    <div className="task-page">
      <p className="breadcrumb">
        <Link to="/tasks">← {t('task.back')}</Link>
      </p>
      <div className="page-head">
        <PageTitle title={name}>{name}</PageTitle>
      </div>
      {task.case && (
        <p className="task-case">
          <GradeBadge grade={task.case.grade} />
          {task.case.drill && <DrillBadge />}
          <Link to={`/cases/${task.case.id}`} className="case-id">
            {task.case.id}
          </Link>
          <span className="case-title">{task.case.title}</span>
        </p>
      )}
      <div className="task-layout">
        <section className="task-form card" aria-labelledby="form-title">
          <div className="claim-bar">
            <div className="claim-state">
              {!open ? (
                <span>
                  {task.status === 'completed'
                    ? t('task.completed', {
                        at: formatDateTime(task.completedAt),
                        by: task.completedBy ?? '—',
                      })
                    : t('task.cancelled')}
                </span>
              ) : mineClaim ? (
                <span className="badge ok">{t('task.claimed')}</span>
              ) : claimedByOther ? (
                <span className="badge warn">{t('task.claimedBy', { name: task.claimedBy ?? '' })}</span>
              ) : task.mayAct ? (
                <span className="muted">{t('task.notClaimed')}</span>
              ) : (
                <span className="muted">{t('task.readOnly')}</span>
              )}
              {open && (
                <span className="muted small">
                  {t('tasks.for', { roles: rolesName(i18n, task.candidateGroups) })}
                </span>
              )}
            </div>
            <div className="claim-actions">
              {open && task.dueAt && <Countdown dueAt={task.dueAt} label={t('tasks.due')} />}
              {open && task.mayAct && !task.claimedBy && (
                <button type="button" className="btn btn-secondary" onClick={() => void claim('claim')}>
                  {t('task.claim')}
                </button>
              )}
              {open && mineClaim && (
                <button type="button" className="btn btn-secondary" onClick={() => void claim('unclaim')}>
                  {t('task.unclaim')}
                </button>
              )}
            </div>
          </div>
          {problem && (
            <p className="alert alert-error" role="alert">
              {problem.status === 409 ? `${t('task.conflict')} ${problem.detail}` : problem.detail}
            </p>
          )}
          <h2 id="form-title" className="visually-hidden">
            {task.form?.schema && typeof task.form.schema.title === 'string' ? task.form.schema.title : name}
          </h2>
          {hasPrefill && task.mayAct && <p className="alert alert-info">{t('task.prefill')}</p>}
          {task.form ? (
            <SchemaForm
              key={`${task.id}-${task.status}`}
              formKey={task.form.key}
              schema={task.form.schema}
              uiSchema={task.form.uiSchema}
              initialData={open ? task.prefill : task.data}
              readOnly={!open || !task.mayAct}
              onSubmit={open && task.mayAct ? complete : undefined}
              onProblem={setProblem}
            />
          ) : (
            <p className="muted">{t('task.noForm')}</p>
          )}
        </section>
        <aside className="task-aside" aria-label={t('task.caseFacts')}>
          {record.data ? (
            <>
              <section className="card">
                <h2>{t('task.caseFacts')}</h2>
                {record.data.drill && <p className="alert alert-info">{t('case.drillBanner')}</p>}
                <Deadlines record={record.data} />
                <CaseFacts record={record.data} compact />
                <p>
                  <Link to={`/cases/${record.data.id}`}>{t('task.openCase', { id: record.data.id })}</Link>
                </p>
              </section>
              <section className="card">
                <h2>{t('task.caseHistory')}</h2>
                <Timeline record={record.data} />
              </section>
            </>
          ) : record.error ? (
            <ErrorBox error={record.error} onRetry={record.reload} />
          ) : caseId ? (
            <Loading />
          ) : null}
        </aside>
      </div>
    </div>
  );
}
