import type { Grade, PlanConfig } from './plan-config.js';

export const GRADE_LABELS: Record<Grade, string> = {
  1: '特别重大',
  2: '重大或较大',
  3: '一般',
  4: '影响较小',
};

const HOUR_MS = 3_600_000;

export function isGrade(value: unknown): value is Grade {
  return value === 1 || value === 2 || value === 3 || value === 4;
}

/**
 * What a grade means for a case, as process variables: when its report is due, who leads and
 * who is told. Recomputed on a re-grade, so the higher grade's chain takes over.
 */
export function gradeVariables(plan: PlanConfig, grade: Grade, firstSeenAt: Date) {
  const settings = plan.grades[String(grade) as '1' | '2' | '3' | '4'];
  return {
    grade,
    gradeLabel: GRADE_LABELS[grade],
    reportDueAt:
      settings.reportWithinMinutes === null
        ? null
        : new Date(firstSeenAt.getTime() + settings.reportWithinMinutes * 60_000).toISOString(),
    leadRoles: settings.lead.join(','),
    informedRoles: settings.informed.join(','),
  };
}

/** The 12-hour reply deadline and its reminders, counted from when the incident occurred. */
export function replyDeadlineVariables(plan: PlanConfig, occurredAt: Date) {
  const at = (hours: number) => new Date(occurredAt.getTime() + hours * HOUR_MS).toISOString();
  const [first, second] = plan.replyReminderHours;
  return {
    replyDueAt: at(plan.replyDeadlineHours),
    replyReminder1At: at(first),
    replyReminder1HoursLeft: plan.replyDeadlineHours - first,
    replyReminder2At: at(second),
    replyReminder2HoursLeft: plan.replyDeadlineHours - second,
  };
}
