import type { I18n } from './i18n';
import { gradeBadge, messageChannelName, taskName } from './labels';
import type { CaseDetail, CaseMessage } from './types';

export interface TimelineEntry {
  at: string;
  kind:
    | 'report'
    | 'grade'
    | 'task-open'
    | 'task-done'
    | 'task-cancelled'
    | 'publication'
    | 'message'
    | 'deadline'
    | 'closed';
  text: string;
  url?: string;
}

/**
 * The case's story from what GET /api/cases/:id tells every reader: the report and re-grades,
 * each task opened and completed (and by whom), publications, notifications and deadlines.
 */
export function caseTimeline(
  i18n: I18n,
  record: CaseDetail,
  options: { messages?: boolean } = {},
): TimelineEntry[] {
  const { t } = i18n;
  const entries: TimelineEntry[] = [];
  const [first, ...later] = record.gradeHistory;
  entries.push({
    at: first?.at ?? record.createdAt,
    kind: 'report',
    text: t('timeline.reported', {
      by: record.reportedBy,
      grade: gradeBadge(i18n, first?.grade ?? record.grade),
    }),
  });
  for (const change of later)
    entries.push({
      at: change.at,
      kind: 'grade',
      text: t('timeline.regraded', {
        by: change.by,
        from: change.previous ? gradeBadge(i18n, change.previous) : '—',
        grade: gradeBadge(i18n, change.grade),
      }),
    });
  if (record.deadlines.report.doneAt)
    entries.push({
      at: record.deadlines.report.doneAt,
      kind: 'deadline',
      text: t('timeline.reportedToGroup'),
    });
  for (const task of record.tasks) {
    const name = taskName(i18n, task);
    entries.push({ at: task.createdAt, kind: 'task-open', text: t('timeline.taskOpened', { name }) });
    if (task.status === 'completed' && task.completedAt)
      entries.push({
        at: task.completedAt,
        kind: 'task-done',
        text: t('timeline.taskDone', { by: task.completedBy ?? '—', name }),
      });
    if (task.status === 'cancelled' && task.completedAt)
      entries.push({
        at: task.completedAt,
        kind: 'task-cancelled',
        text: t('timeline.taskCancelled', { name }),
      });
  }
  for (const publication of record.publications)
    entries.push({
      at: publication.publishedAt,
      kind: 'publication',
      text: t('timeline.published', { kind: t(`pub.${publication.kind}`), title: publication.title }),
      url: publication.url,
    });
  if (options.messages)
    for (const group of messageGroups(record.messages))
      entries.push({
        at: group.at,
        kind: 'message',
        text: t('timeline.message', {
          channel: i18n.join(
            [...group.channels.entries()].map(
              ([channel, n]) => `${messageChannelName(i18n, channel)}${n > 1 ? ` ×${n}` : ''}`,
            ),
          ),
          subject: group.subject,
        }),
      });
  if (record.deadlines.reply.breachedAt)
    entries.push({ at: record.deadlines.reply.breachedAt, kind: 'deadline', text: t('timeline.breach') });
  if (record.closedAt) entries.push({ at: record.closedAt, kind: 'closed', text: t('timeline.closed') });
  const order = (e: TimelineEntry) => new Date(e.at).getTime();
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => order(a.entry) - order(b.entry) || a.index - b.index)
    .map(({ entry }) => entry);
}

/** One notification sent to many addresses and channels at once is one line: `电子邮件 ×4、企业微信`. */
function messageGroups(messages: CaseMessage[]) {
  const groups: Array<{ at: string; subject: string; template: string; channels: Map<string, number> }> = [];
  for (const message of messages) {
    const group = groups.find(
      (g) =>
        g.template === message.template &&
        g.subject === message.subject &&
        Math.abs(new Date(g.at).getTime() - new Date(message.sentAt).getTime()) < 60_000,
    );
    if (group) group.channels.set(message.channel, (group.channels.get(message.channel) ?? 0) + 1);
    else
      groups.push({
        at: message.sentAt,
        subject: message.subject,
        template: message.template,
        channels: new Map([[message.channel, 1]]),
      });
  }
  return groups;
}
