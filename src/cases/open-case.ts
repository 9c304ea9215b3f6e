import type { Clock } from '../engine/clock.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import type { CaseRecord, CaseStore } from '../store/case-store.js';
import type { FormRegistry } from '../forms/form-registry.js';
import type { FieldError } from '../forms/field-errors.js';
import { PreplanError } from '../errors.js';
import type { Grade, PlanConfig } from '../plan/plan-config.js';
import { gradeVariables, replyDeadlineVariables } from '../plan/grade-parameters.js';
import { sourceKeys } from './source-keys.js';
import { isDuplicateKey } from '../store/duplicate-key.js';

export const INTAKE_PROCESS = 'opinion-intake';
export const INCIDENT_FORM = 'incident-report';

export interface OpenCaseDeps {
  cases: CaseStore;
  runtime: Runtime;
  forms: FormRegistry;
  plan: PlanConfig;
  clock: Clock;
}

export interface OpenCaseOptions {
  /** Who reports: a user name, or the integration's token name. */
  actor: string;
  via: CaseRecord['via'];
  /** Makes the report idempotent: a repeat returns the case opened the first time. */
  externalId?: string;
  /** The API request behind the report, kept in the intake's history. */
  requestId?: string;
}

interface IncidentReport {
  title: string;
  summary: string;
  category: string;
  platform: string;
  sourceUrls: string[];
  firstSeenAt: string;
  occurredAt: string;
  evidence?: Array<{ description: string; url?: string }>;
  grade: Grade;
  gradeReason?: string;
  drill?: boolean;
}

const MINUTE = 60_000;

/** Plausibility the schema cannot say: an incident is seen after it occurs, and not in the future. */
function timeProblems(report: IncidentReport, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  const firstSeen = new Date(report.firstSeenAt).getTime();
  const occurred = new Date(report.occurredAt).getTime();
  if (firstSeen > now.getTime() + 5 * MINUTE)
    errors.push({ path: '/firstSeenAt', keyword: 'time', message: '发现时间不能晚于现在' });
  if (occurred > firstSeen)
    errors.push({ path: '/occurredAt', keyword: 'time', message: '事发时间不能晚于发现时间' });
  return errors;
}

function caseDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(at)
    .replaceAll('-', '');
}

/**
 * Reports an incident: checks it against the intake form, refuses a source already reported,
 * opens the case and starts the intake process for it. A crash between the two writes leaves
 * a case without intake, which `startMissingIntakes` (run at start-up) finishes.
 */
export async function openCase(
  deps: OpenCaseDeps,
  input: unknown,
  options: OpenCaseOptions,
): Promise<{ case: CaseRecord; created: boolean }> {
  if (options.externalId) {
    const existing = await deps.cases.byExternalId(options.externalId);
    if (existing) return { case: await ensureIntake(deps, existing), created: false };
  }
  const checked = deps.forms.validate(INCIDENT_FORM, input);
  const now = deps.clock.now();
  const errors = checked.ok ? timeProblems(checked.data as unknown as IncidentReport, now) : checked.errors;
  if (!checked.ok || errors.length > 0) throw new PreplanError('invalid', '舆情报告填写有误', { errors });
  const report = checked.data as unknown as IncidentReport;
  const drill = report.drill === true;
  const keys = sourceKeys(report.sourceUrls, drill);
  const duplicate = await deps.cases.bySourceKeys(keys);
  if (duplicate) throw duplicateSource(duplicate);
  const id = await deps.cases.nextId(caseDay(now, deps.plan.timeZone));
  const firstSeenAt = new Date(report.firstSeenAt);
  const occurredAt = new Date(report.occurredAt);
  const grade = gradeVariables(deps.plan, report.grade, firstSeenAt);
  const reply = replyDeadlineVariables(deps.plan, occurredAt);
  const record: CaseRecord = {
    _id: id,
    title: report.title,
    summary: report.summary,
    category: report.category,
    platform: report.platform,
    sourceUrls: report.sourceUrls,
    sourceKeys: keys,
    firstSeenAt,
    occurredAt,
    evidence: report.evidence,
    gradeReason: report.gradeReason,
    grade: report.grade,
    gradeHistory: [
      { id: `${id}:reported`, grade: report.grade, at: now, by: options.actor, reason: report.gradeReason },
    ],
    drill,
    via: options.via,
    reportedBy: options.actor,
    ...(options.externalId ? { externalId: options.externalId } : {}),
    status: 'open',
    intakeInstanceId: `intake-${id}`,
    deadlines: {
      reportDueAt: grade.reportDueAt ? new Date(grade.reportDueAt) : null,
      replyDueAt: new Date(reply.replyDueAt),
    },
    publications: [],
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.cases.insert(record);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    // Lost a race with the same report: the same caller gets its case, anyone else a refusal.
    const same = options.externalId ? await deps.cases.byExternalId(options.externalId) : null;
    if (same) return { case: await ensureIntake(deps, same), created: false };
    const other = await deps.cases.bySourceKeys(keys);
    if (other) throw duplicateSource(other);
    throw error;
  }
  return { case: await ensureIntake(deps, record, options.requestId), created: true };
}

function duplicateSource(existing: CaseRecord): PreplanError {
  return new PreplanError('conflict', `该舆情来源已于案件 ${existing._id} 中登记，不重复立案`, {
    caseId: existing._id,
  });
}

/** The process variables a case starts its intake with. */
export function caseVariables(plan: PlanConfig, record: CaseRecord): Record<string, unknown> {
  return {
    caseId: record._id,
    title: record.title,
    summary: record.summary,
    category: record.category,
    platform: record.platform,
    sourceUrls: record.sourceUrls,
    firstSeenAt: record.firstSeenAt.toISOString(),
    occurredAt: record.occurredAt.toISOString(),
    evidence: record.evidence ?? [],
    gradeReason: record.gradeReason ?? null,
    drill: record.drill,
    reportedBy: record.reportedBy,
    ...gradeVariables(plan, record.grade as Grade, record.firstSeenAt),
    ...replyDeadlineVariables(plan, record.occurredAt),
  };
}

async function ensureIntake(deps: OpenCaseDeps, record: CaseRecord, requestId?: string): Promise<CaseRecord> {
  if (record.intakeStartedAt) return record;
  await deps.runtime.start(INTAKE_PROCESS, {
    instanceId: record.intakeInstanceId,
    businessKey: record._id,
    actor: record.reportedBy,
    requestId,
    variables: caseVariables(deps.plan, record),
  });
  const at = deps.clock.now();
  await deps.cases.markIntakeStarted(record._id, at);
  return { ...record, intakeStartedAt: at };
}

/**
 * Repair: cases a crash left without their intake process get it now (at start-up, and on a
 * running node for cases opened before `olderThan`).
 */
export async function startMissingIntakes(deps: OpenCaseDeps, olderThan?: Date): Promise<number> {
  const missing = await deps.cases.withoutIntake(olderThan);
  for (const record of missing) await ensureIntake(deps, record);
  return missing.length;
}
