import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { cronProblem } from '../engine/cron-schedule.js';

export type Grade = 1 | 2 | 3 | 4;
export const GRADES: readonly Grade[] = [1, 2, 3, 4];

export interface GradeSettings {
  /** Minutes from first sight to the report; null: reported in the monthly summary (grade 4). */
  reportWithinMinutes: number | null;
  /** Who leads the response: gets the breach notice and leads consultation. */
  lead: string[];
  /** Who gets the fast report (快报事实). */
  informed: string[];
}

/** The plan's parameters (config/plan.json): the numbers the plan leaves to the office. */
export interface PlanConfig {
  timeZone: string;
  replyDeadlineHours: number;
  /** Reminders before the reply deadline, in hours after occurred-at (default 8 and 11). */
  replyReminderHours: [number, number];
  /** How long a county link stays usable. */
  countyLinkHours: number;
  grades: Record<'1' | '2' | '3' | '4', GradeSettings>;
  /** Cron cycles (seconds first) of the daily monitoring sweeps, read in timeZone. */
  sweeps: { workdays: string; weekends: string };
}

const roleList = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true };
const gradeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reportWithinMinutes', 'lead', 'informed'],
  properties: {
    reportWithinMinutes: { type: ['integer', 'null'], minimum: 1 },
    lead: roleList,
    informed: roleList,
  },
};
const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['timeZone', 'replyDeadlineHours', 'replyReminderHours', 'countyLinkHours', 'grades', 'sweeps'],
  properties: {
    $comment: { type: 'string' },
    timeZone: { type: 'string', minLength: 1 },
    replyDeadlineHours: { type: 'number', exclusiveMinimum: 0 },
    replyReminderHours: {
      type: 'array',
      items: { type: 'number', exclusiveMinimum: 0 },
      minItems: 2,
      maxItems: 2,
    },
    countyLinkHours: { type: 'number', exclusiveMinimum: 0 },
    grades: {
      type: 'object',
      additionalProperties: false,
      required: ['1', '2', '3', '4'],
      properties: { '1': gradeSchema, '2': gradeSchema, '3': gradeSchema, '4': gradeSchema },
    },
    sweeps: {
      type: 'object',
      additionalProperties: false,
      required: ['workdays', 'weekends'],
      properties: { workdays: { type: 'string' }, weekends: { type: 'string' } },
    },
  },
};

const validate = new Ajv({ allErrors: true }).compile<PlanConfig>(schema);

/** Checks a parsed plan config; every problem is named with its path. */
export function parsePlanConfig(value: unknown, source = 'plan config', knownRoles?: string[]): PlanConfig {
  const problems: string[] = [];
  if (!validate(value))
    for (const error of validate.errors ?? []) problems.push(`${error.instancePath || '/'} ${error.message}`);
  else {
    const config = value;
    const [first, second] = config.replyReminderHours;
    if (!(first < second && second < config.replyDeadlineHours))
      problems.push('/replyReminderHours must be increasing and before replyDeadlineHours');
    for (const [name, cron] of Object.entries(config.sweeps)) {
      const problem = cronProblem(cron);
      if (problem) problems.push(`/sweeps/${name} is not a cron expression: ${problem}`);
    }
    try {
      new Intl.DateTimeFormat('en', { timeZone: config.timeZone });
    } catch {
      problems.push(`/timeZone "${config.timeZone}" is not a time zone`);
    }
    if (knownRoles)
      for (const [grade, settings] of Object.entries(config.grades))
        for (const role of [...settings.lead, ...settings.informed])
          if (!knownRoles.includes(role)) problems.push(`/grades/${grade}: unknown role "${role}"`);
  }
  if (problems.length > 0) throw new Error(`${source} is invalid: ${problems.join('; ')}`);
  return value as PlanConfig;
}

export function loadPlanConfig(file: string, knownRoles?: string[]): PlanConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the plan config ${file}: ${(error as Error).message}`);
  }
  return parsePlanConfig(parsed, file, knownRoles);
}
