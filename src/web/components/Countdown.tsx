import { useI18n } from '../i18n';
import { formatDateTime, hoursMinutes, useNow } from '../time';

/**
 * Time left to a deadline as `h:mm`, counting every second on the page's clock (no re-fetch);
 * red once overdue, amber in the last two hours.
 */
export function Countdown({ dueAt, large, label }: { dueAt: string; large?: boolean; label?: string }) {
  const { t } = useI18n();
  const now = useNow();
  const due = new Date(dueAt).getTime();
  const left = due - now;
  const overdue = left < 0;
  const soon = !overdue && left < 2 * 3600_000;
  const time = hoursMinutes(left);
  const text = overdue ? t('countdown.over', { time }) : t('countdown.left', { time });
  return (
    <span
      className={`countdown${large ? ' countdown-large' : ''}${overdue ? ' overdue' : soon ? ' soon' : ''}`}
      title={t('countdown.dueAt', { at: formatDateTime(dueAt) })}
      data-overdue={overdue ? 'true' : 'false'}
    >
      {label && <span className="countdown-label">{label}</span>}
      <time dateTime={new Date(dueAt).toISOString()} className="countdown-value">
        {overdue && <span aria-hidden="true">⚠ </span>}
        {text}
      </time>
    </span>
  );
}
