import { useEffect, useMemo } from 'react';
import { Link, useLocation } from 'react-router';
import { useI18n } from '../i18n';
import { useUser } from '../session';
import { useApi } from '../useApi';
import { rolesName, taskName } from '../labels';
import { Countdown } from '../components/Countdown';
import { DrillBadge, ErrorBox, GradeBadge, Loading, PageTitle } from '../components/bits';
import { useNow } from '../time';
import type { CaseSummary, DeadlineState, TaskSummary, User } from '../types';

function TaskCard({ task, replies }: { task: TaskSummary; replies: Map<string, DeadlineState | null> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const user = useUser();
  const now = useNow();
  const reply = task.case ? replies.get(task.case.id) : undefined;
  const replied = reply === 'met' || reply === 'late';
  const replyDue = task.case && !replied ? task.case.replyDueAt : undefined;
  const showTaskDue = task.dueAt && task.dueAt !== replyDue;
  const overdue = [replyDue, task.dueAt].some((d) => d && new Date(d).getTime() < now);
  return (
    <li className={`task-card${overdue ? ' is-overdue' : ''}`} data-task-id={task.id}>
      <div className="task-main">
        <h3 className="task-name">
          <Link to={`/tasks/${encodeURIComponent(task.id)}`}>{taskName(i18n, task)}</Link>
        </h3>
        {task.case ? (
          <p className="task-case">
            <GradeBadge grade={task.case.grade} />
            {task.case.drill && <DrillBadge />}
            <Link to={`/cases/${task.case.id}`} className="case-id">
              {task.case.id}
            </Link>
            <span className="case-title">{task.case.title}</span>
          </p>
        ) : (
          <p className="task-case muted">{t('tasks.noCase')}</p>
        )}
        <p className="task-meta muted">
          {task.claimedBy
            ? task.claimedBy === user.id
              ? t('task.claimed')
              : t('tasks.heldBy', { name: task.claimedBy })
            : t('tasks.for', { roles: rolesName(i18n, task.candidateGroups) })}
        </p>
      </div>
      <div className="task-deadlines">
        {replyDue && <Countdown dueAt={replyDue} large label={t('tasks.reply')} />}
        {task.case && replied && <span className="badge ok">{t('tasks.replied')}</span>}
        {showTaskDue && task.dueAt && (
          <Countdown dueAt={task.dueAt} large={!replyDue} label={t('tasks.due')} />
        )}
      </div>
    </li>
  );
}

function isMine(task: TaskSummary, user: User) {
  return task.claimedBy === user.id || (!task.claimedBy && task.assignee === user.id);
}

export function TasksPage() {
  const { t } = useI18n();
  const user = useUser();
  const location = useLocation();
  const done = (location.state as { done?: string } | null)?.done;
  const tasks = useApi<{ items: TaskSummary[] }>('/api/tasks');
  const cases = useApi<{ items: CaseSummary[] }>('/api/cases?status=open&pageSize=100');
  const { reload: reloadTasks } = tasks;
  const { reload: reloadCases } = cases;

  // New work arrives as the plan runs: look again every 30 s (the countdowns tick on their own).
  useEffect(() => {
    const timer = setInterval(() => {
      reloadTasks();
      reloadCases();
    }, 30_000);
    return () => clearInterval(timer);
  }, [reloadTasks, reloadCases]);

  const replies = useMemo(
    () => new Map((cases.data?.items ?? []).map((c) => [c.id, c.reply] as const)),
    [cases.data],
  );
  // Most urgent first by the deadline each card shows: its own, or its case's 12-hour reply
  // deadline while the reply is not out (the server orders by the task's own deadline only).
  const items = useMemo(() => {
    const due = (task: TaskSummary) => {
      const reply = task.case ? replies.get(task.case.id) : undefined;
      const dates = [
        task.dueAt,
        task.case && reply !== 'met' && reply !== 'late' ? task.case.replyDueAt : undefined,
      ];
      const times = dates.filter((d): d is string => Boolean(d)).map((d) => new Date(d).getTime());
      return times.length ? Math.min(...times) : Number.POSITIVE_INFINITY;
    };
    return (tasks.data?.items ?? [])
      .map((task, i) => ({ task, i, due: due(task) }))
      .sort((a, b) => a.due - b.due || a.i - b.i)
      .map(({ task }) => task);
  }, [tasks.data, replies]);
  const mine = items.filter((task) => isMine(task, user));
  const claimable = items.filter((task) => !task.claimedBy && !isMine(task, user));
  const others = items.filter((task) => task.claimedBy && task.claimedBy !== user.id);

  const section = (id: string, title: string, list: TaskSummary[], empty?: string) => (
    <section className="task-section" aria-labelledby={id}>
      <h2 id={id}>
        {title} <span className="count">({list.length})</span>
      </h2>
      {list.length === 0 ? (
        <p className="muted empty">{empty}</p>
      ) : (
        <ul className="task-list">
          {list.map((task) => (
            <TaskCard key={task.id} task={task} replies={replies} />
          ))}
        </ul>
      )}
    </section>
  );

  return (
    <>
      <div className="page-head">
        <PageTitle title={t('tasks.title')}>{t('tasks.title')}</PageTitle>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => {
            reloadTasks();
            reloadCases();
          }}
        >
          {t('tasks.refresh')}
        </button>
      </div>
      {done && (
        <p className="alert alert-success" role="status">
          {t('tasks.done', { name: done })}
        </p>
      )}
      <p className="muted">{t('tasks.sorted')}</p>
      {tasks.error ? (
        <ErrorBox error={tasks.error} onRetry={reloadTasks} />
      ) : !tasks.data ? (
        <Loading />
      ) : (
        <>
          {section('tasks-mine', t('tasks.mine'), mine, t('tasks.noneMine'))}
          {section('tasks-claimable', t('tasks.claimable'), claimable, t('tasks.noneClaimable'))}
          {others.length > 0 && section('tasks-others', t('tasks.others'), others)}
        </>
      )}
    </>
  );
}
