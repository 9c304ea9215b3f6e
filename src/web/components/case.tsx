import { useI18n } from '../i18n';
import { categoryName, platformName } from '../labels';
import { caseTimeline } from '../timeline';
import { formatDateTime } from '../time';
import type { CaseDetail, DeadlineState } from '../types';
import { Countdown } from './Countdown';
import { ExternalLink } from './bits';

export function DeadlineBadge({ state }: { state: DeadlineState | null }) {
  const { t } = useI18n();
  if (!state) return null;
  return <span className={`badge deadline-${state}`}>{t(`deadline.${state}`)}</span>;
}

/** The 12-hour reply deadline (most prominent) and the report deadline, with their state. */
export function Deadlines({ record }: { record: CaseDetail }) {
  const { t } = useI18n();
  const { reply, report } = record.deadlines;
  return (
    <dl className="deadlines">
      <div className={`deadline deadline-reply state-${reply.state ?? 'none'}`}>
        <dt>{t('case.replyDeadline')}</dt>
        <dd>
          {reply.state === 'pending' || reply.state === 'missed' ? (
            <Countdown dueAt={reply.dueAt} large />
          ) : (
            <DeadlineBadge state={reply.state} />
          )}
          <span className="muted small">{t('case.due', { at: formatDateTime(reply.dueAt) })}</span>
          {reply.doneAt && (
            <span className="muted small">{t('case.doneAt', { at: formatDateTime(reply.doneAt) })}</span>
          )}
          {reply.breachedAt && (
            <span className="small text-danger">
              {t('case.breachedAt', { at: formatDateTime(reply.breachedAt) })}
            </span>
          )}
        </dd>
      </div>
      <div className={`deadline state-${report.state ?? 'none'}`}>
        <dt>{t('case.reportDeadline')}</dt>
        <dd>
          {report.dueAt ? (
            <>
              {report.state === 'pending' ? (
                <Countdown dueAt={report.dueAt} />
              ) : (
                <DeadlineBadge state={report.state} />
              )}
              <span className="muted small">{t('case.due', { at: formatDateTime(report.dueAt) })}</span>
              {report.doneAt && (
                <span className="muted small">{t('case.doneAt', { at: formatDateTime(report.doneAt) })}</span>
              )}
            </>
          ) : (
            <span className="muted small">{t('case.noReportDeadline')}</span>
          )}
        </dd>
      </div>
    </dl>
  );
}

/** What was reported: summary, where and when, sources and evidence. */
export function CaseFacts({ record, compact }: { record: CaseDetail; compact?: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <dl className={`facts${compact ? ' compact' : ''}`}>
      <div className="fact-wide">
        <dt>{t('case.summary')}</dt>
        <dd className="prewrap">{record.summary}</dd>
      </div>
      <div>
        <dt>{t('case.category')}</dt>
        <dd>{categoryName(i18n, record.category)}</dd>
      </div>
      <div>
        <dt>{t('case.platform')}</dt>
        <dd>{platformName(i18n, record.platform)}</dd>
      </div>
      <div>
        <dt>{t('case.occurredAt')}</dt>
        <dd>{formatDateTime(record.occurredAt)}</dd>
      </div>
      <div>
        <dt>{t('case.firstSeenAt')}</dt>
        <dd>{formatDateTime(record.firstSeenAt)}</dd>
      </div>
      <div>
        <dt>{t('case.reportedBy')}</dt>
        <dd>{record.reportedBy}</dd>
      </div>
      {record.gradeReason && (
        <div className="fact-wide">
          <dt>{t('case.gradeReason')}</dt>
          <dd className="prewrap">{record.gradeReason}</dd>
        </div>
      )}
      <div className="fact-wide">
        <dt>{t('case.sources')}</dt>
        <dd>
          <ul className="links">
            {record.sourceUrls.map((url) => (
              <li key={url}>
                <ExternalLink href={url} />
              </li>
            ))}
          </ul>
        </dd>
      </div>
      {!compact && record.evidence && record.evidence.length > 0 && (
        <div className="fact-wide">
          <dt>{t('case.evidence')}</dt>
          <dd>
            <ul className="links">
              {record.evidence.map((item, i) => (
                <li key={i}>
                  {item.description}
                  {item.url && (
                    <>
                      {' '}
                      <ExternalLink href={item.url} />
                    </>
                  )}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
      {record.outcome && (
        <div className="fact-wide">
          <dt>{t('case.outcome')}</dt>
          <dd className="prewrap">{i18n.name(`outcome.${record.outcome}`, record.outcome)}</dd>
        </div>
      )}
    </dl>
  );
}

export function Timeline({ record, messages }: { record: CaseDetail; messages?: boolean }) {
  const i18n = useI18n();
  const entries = caseTimeline(i18n, record, { messages });
  return (
    <ol className="timeline">
      {entries.map((entry, i) => (
        <li key={i} className={`tl-${entry.kind}`}>
          <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
          <span className="tl-text">
            {entry.text}
            {entry.url && (
              <>
                {' '}
                <ExternalLink href={entry.url} />
              </>
            )}
          </span>
        </li>
      ))}
    </ol>
  );
}
