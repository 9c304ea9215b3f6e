import { CronExpressionParser } from 'cron-parser';

/** Where cron schedules are read when a deployment says nothing else (the plan's office). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * A cron `timeCycle` (as Camunda accepts: `0 0 9,16 * * MON-FRI`, seconds first) rather than
 * an ISO 8601 repeating interval (`R/…`). Workday schedules cannot be said in ISO 8601.
 */
export function isCronCycle(text: string): boolean {
  const fields = text.trim().split(/\s+/);
  return !text.trim().startsWith('R') && (fields.length === 5 || fields.length === 6);
}

/** The first occurrence strictly after `after`, or null when the expression is not valid cron. */
export function nextCronOccurrence(
  expression: string,
  after: Date,
  timeZone: string | null = DEFAULT_TIME_ZONE,
): Date | null {
  try {
    return CronExpressionParser.parse(expression.trim(), {
      currentDate: after,
      tz: timeZone ?? DEFAULT_TIME_ZONE,
    })
      .next()
      .toDate();
  } catch {
    return null;
  }
}

/** Why a cron expression is invalid, or null when it is fine. */
export function cronProblem(expression: string): string | null {
  try {
    CronExpressionParser.parse(expression.trim(), { tz: DEFAULT_TIME_ZONE });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
