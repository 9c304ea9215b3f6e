import type { CaseRecord } from '../store/case-store.js';
import type { TaskRecord } from '../store/task-store.js';

export type DeadlineOutcome = 'on-time' | 'late' | 'missed' | 'pending' | 'n/a';

const MINUTE = 60_000;

export function deadlineOutcome(
  due: Date | null | undefined,
  done: Date | undefined,
  now: Date,
): DeadlineOutcome {
  if (!due) return 'n/a';
  if (done) return done.getTime() <= due.getTime() ? 'on-time' : 'late';
  return now.getTime() > due.getTime() ? 'missed' : 'pending';
}

export interface DeadlineMiss {
  caseId: string;
  title: string;
  grade: number;
  deadline: 'report' | 'reply';
  outcome: 'late' | 'missed';
  dueAt: Date;
  doneAt: Date | null;
  /** How far past the deadline it was done (or, when missed, is now), in minutes. */
  minutesLate: number;
}

export interface ComplianceRow {
  grade: number;
  cases: number;
  report: Record<DeadlineOutcome, number>;
  reply: Record<DeadlineOutcome, number>;
}

const empty = (): Record<DeadlineOutcome, number> => ({
  'on-time': 0,
  late: 0,
  missed: 0,
  pending: 0,
  'n/a': 0,
});

/** Drills never count: the plan's statistics are of real incidents only. */
export function realCases(cases: CaseRecord[]): CaseRecord[] {
  return cases.filter((record) => !record.drill);
}

/** Per grade: cases reported within their report deadline and replied within 12 hours; the misses listed. */
export function complianceReport(
  cases: CaseRecord[],
  now: Date,
): { rows: ComplianceRow[]; misses: DeadlineMiss[] } {
  const rows = new Map<number, ComplianceRow>();
  const misses: DeadlineMiss[] = [];
  for (const record of realCases(cases)) {
    const row = rows.get(record.grade) ?? { grade: record.grade, cases: 0, report: empty(), reply: empty() };
    rows.set(record.grade, row);
    row.cases++;
    const deadlines = [
      {
        deadline: 'report' as const,
        due: record.deadlines.reportDueAt ?? null,
        done: record.deadlines.reportedAt,
      },
      { deadline: 'reply' as const, due: record.deadlines.replyDueAt, done: record.deadlines.repliedAt },
    ];
    for (const { deadline, due, done } of deadlines) {
      const outcome = deadlineOutcome(due, done, now);
      row[deadline][outcome]++;
      if ((outcome === 'late' || outcome === 'missed') && due)
        misses.push({
          caseId: record._id,
          title: record.title,
          grade: record.grade,
          deadline,
          outcome,
          dueAt: due,
          doneAt: done ?? null,
          minutesLate: Math.round(((done ?? now).getTime() - due.getTime()) / MINUTE),
        });
    }
  }
  return {
    rows: [...rows.values()].sort((a, b) => a.grade - b.grade),
    misses: misses.sort((a, b) => a.caseId.localeCompare(b.caseId) || a.deadline.localeCompare(b.deadline)),
  };
}

export interface AccountabilityEntry {
  caseId: string;
  title: string;
  grade: number;
  task: string;
  activityId: string;
  /** Who held it: who completed it, else who claimed it, else the roles it waits for. */
  heldBy: string;
  status: 'late' | 'overdue';
  dueAt: Date;
  heldMinutes: number;
  minutesLate: number;
}

/**
 * 责任追究: every task of a real case done after its deadline or still open past it, with who
 * held it and for how long; the case-level misses are in the compliance report.
 */
export function accountabilityReport(
  cases: CaseRecord[],
  tasks: TaskRecord[],
  now: Date,
): AccountabilityEntry[] {
  const byId = new Map(realCases(cases).map((record) => [record._id, record]));
  const entries: AccountabilityEntry[] = [];
  for (const task of tasks) {
    const record = task.businessKey ? byId.get(task.businessKey) : undefined;
    if (!record || !task.dueAt || task.status === 'cancelled') continue;
    const end = task.completedAt ?? now;
    if (end.getTime() <= task.dueAt.getTime()) continue;
    entries.push({
      caseId: record._id,
      title: record.title,
      grade: record.grade,
      task: task.name ?? task.activityId,
      activityId: task.activityId,
      heldBy: task.completedBy ?? task.claimedBy ?? task.candidateGroups.join(','),
      status: task.completedAt ? 'late' : 'overdue',
      dueAt: task.dueAt,
      heldMinutes: Math.round((end.getTime() - task.createdAt.getTime()) / MINUTE),
      minutesLate: Math.round((end.getTime() - task.dueAt.getTime()) / MINUTE),
    });
  }
  return entries.sort((a, b) => b.minutesLate - a.minutesLate);
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function count<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** The plan's monthly report: counts by grade, category and outcome, and median minutes per step. */
export function monthlySummary(cases: CaseRecord[], tasks: TaskRecord[]) {
  const real = realCases(cases);
  const ids = new Set(real.map((record) => record._id));
  const steps = new Map<string, number[]>();
  for (const task of tasks) {
    if (!task.businessKey || !ids.has(task.businessKey) || !task.completedAt) continue;
    const name = task.name ?? task.activityId;
    steps.set(name, [
      ...(steps.get(name) ?? []),
      (task.completedAt.getTime() - task.createdAt.getTime()) / MINUTE,
    ]);
  }
  const minutes = (from: (r: CaseRecord) => Date | undefined, to: (r: CaseRecord) => Date | undefined) =>
    median(
      real.flatMap((record) => {
        const a = from(record);
        const b = to(record);
        return a && b ? [(b.getTime() - a.getTime()) / MINUTE] : [];
      }),
    );
  return {
    cases: real.length,
    byGrade: count(real, (record) => String(record.grade)),
    byCategory: count(real, (record) => record.category),
    byOutcome: count(real, (record) =>
      record.status === 'open' ? 'open' : (record.outcome ?? record.status),
    ),
    medianMinutes: {
      firstSeenToReport: minutes(
        (r) => r.firstSeenAt,
        (r) => r.deadlines.reportedAt,
      ),
      occurredToReply: minutes(
        (r) => r.occurredAt,
        (r) => r.deadlines.repliedAt,
      ),
      openToClose: minutes(
        (r) => r.createdAt,
        (r) => r.closedAt,
      ),
    },
    steps: [...steps.entries()]
      .map(([step, values]) => ({ step, completed: values.length, medianMinutes: median(values) }))
      .sort((a, b) => a.step.localeCompare(b.step)),
  };
}

/** The CSV columns of each report, so an export with no rows still says what it would hold. */
export const csvColumns = {
  misses: ['caseId', 'title', 'grade', 'deadline', 'outcome', 'dueAt', 'doneAt', 'minutesLate'],
  accountability: [
    'caseId',
    'title',
    'grade',
    'task',
    'activityId',
    'heldBy',
    'status',
    'dueAt',
    'heldMinutes',
    'minutesLate',
  ],
  monthlySteps: ['step', 'completed', 'medianMinutes'],
} as const satisfies {
  misses: ReadonlyArray<keyof DeadlineMiss>;
  accountability: ReadonlyArray<keyof AccountabilityEntry>;
  monthlySteps: ReadonlyArray<keyof ReturnType<typeof monthlySummary>['steps'][number]>;
};

/**
 * RFC 4180 CSV with a UTF-8 BOM, so Excel opens the Chinese text correctly; no formula injection.
 * The header row is always there, even without rows.
 */
export function toCsv<T extends object>(
  rows: readonly T[],
  columns: ReadonlyArray<keyof T & string>,
): string {
  const cell = (value: unknown): string => {
    let text =
      value instanceof Date
        ? value.toISOString()
        : value === null || value === undefined
          ? ''
          : String(value);
    // Text someone typed (a title) must never run as a spreadsheet formula.
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `\uFEFF${[columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))].join('\r\n')}\r\n`;
}
