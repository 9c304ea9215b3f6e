import {
  accountabilityReport,
  complianceReport,
  monthlySummary,
  toCsv,
  csvColumns,
} from '../../src/reports/plan-reports.js';
import type { CaseRecord } from '../../src/store/case-store.js';
import type { TaskRecord } from '../../src/store/task-store.js';

const at = (time: string) => new Date(`2026-03-10T${time}:00Z`);
const now = new Date('2026-03-20T00:00:00Z');

function kase(
  id: string,
  grade: number,
  fields: Partial<CaseRecord> & { deadlines: CaseRecord['deadlines'] },
): CaseRecord {
  return {
    _id: id,
    title: `case ${id}`,
    summary: '',
    category: 'ecology',
    platform: 'weibo',
    sourceUrls: [],
    sourceKeys: [],
    firstSeenAt: at('00:00'),
    occurredAt: at('00:00'),
    grade,
    gradeHistory: [],
    drill: false,
    via: 'form',
    reportedBy: 'monitor1',
    status: 'closed',
    outcome: 'closed',
    intakeInstanceId: `intake-${id}`,
    publications: [],
    createdAt: at('00:00'),
    updatedAt: at('00:00'),
    ...fields,
  };
}

function task(id: string, caseId: string, activityId: string, fields: Partial<TaskRecord>): TaskRecord {
  return {
    _id: id,
    instanceId: `i-${caseId}`,
    definitionKey: 'opinion-grade-1',
    businessKey: caseId,
    activityId,
    executionId: id,
    name: activityId === 'Consult' ? '会商' : '起草通稿',
    candidateGroups: ['office'],
    status: 'completed',
    createdAt: at('00:00'),
    ...fields,
  };
}

const cases: CaseRecord[] = [
  kase('A', 1, {
    deadlines: {
      reportDueAt: at('01:00'),
      reportedAt: at('00:30'),
      replyDueAt: at('12:00'),
      repliedAt: at('11:00'),
    },
    closedAt: new Date('2026-03-11T00:00:00Z'),
  }),
  kase('B', 1, {
    deadlines: {
      reportDueAt: at('01:00'),
      reportedAt: at('02:00'),
      replyDueAt: at('12:00'),
      repliedAt: at('13:30'),
    },
    closedAt: new Date('2026-03-12T00:00:00Z'),
  }),
  kase('C', 3, {
    category: 'other',
    status: 'open',
    outcome: undefined,
    deadlines: { reportDueAt: at('04:00'), reportedAt: at('00:10'), replyDueAt: at('12:00') },
  }),
  kase('D', 4, {
    category: 'social-security',
    deadlines: { reportDueAt: null, replyDueAt: at('12:00'), repliedAt: at('10:00') },
    closedAt: at('12:00'),
  }),
  kase('E', 1, { drill: true, deadlines: { reportDueAt: at('01:00'), replyDueAt: at('12:00') } }),
];

const tasks: TaskRecord[] = [
  task('t1', 'A', 'Consult', {
    createdAt: at('01:00'),
    dueAt: at('12:00'),
    completedAt: at('05:00'),
    completedBy: 'leader1',
  }),
  task('t2', 'B', 'Consult', {
    createdAt: at('01:00'),
    dueAt: at('12:00'),
    completedAt: at('14:00'),
    completedBy: 'deputy1',
  }),
  task('t3', 'C', 'DraftRelease', {
    createdAt: at('02:00'),
    dueAt: at('12:00'),
    status: 'open',
    claimedBy: 'office1',
  }),
  task('t4', 'E', 'Consult', { createdAt: at('01:00'), dueAt: at('02:00'), completedAt: at('05:00') }),
  task('t5', 'A', 'DraftRelease', { createdAt: at('05:00'), dueAt: at('12:00'), completedAt: at('07:00') }),
  task('t6', 'B', 'DraftRelease', { createdAt: at('14:00'), completedAt: at('15:00') }),
];

const minutesSince = (date: Date) => Math.round((now.getTime() - date.getTime()) / 60_000);

test('deadline compliance per grade matches the hand count, drills left out', () => {
  const { rows, misses } = complianceReport(cases, now);
  expect(rows).toEqual([
    {
      grade: 1,
      cases: 2,
      report: { 'on-time': 1, late: 1, missed: 0, pending: 0, 'n/a': 0 },
      reply: { 'on-time': 1, late: 1, missed: 0, pending: 0, 'n/a': 0 },
    },
    {
      grade: 3,
      cases: 1,
      report: { 'on-time': 1, late: 0, missed: 0, pending: 0, 'n/a': 0 },
      reply: { 'on-time': 0, late: 0, missed: 1, pending: 0, 'n/a': 0 },
    },
    {
      grade: 4,
      cases: 1,
      report: { 'on-time': 0, late: 0, missed: 0, pending: 0, 'n/a': 1 },
      reply: { 'on-time': 1, late: 0, missed: 0, pending: 0, 'n/a': 0 },
    },
  ]);
  expect(misses.map((m) => [m.caseId, m.deadline, m.outcome, m.minutesLate])).toEqual([
    ['B', 'reply', 'late', 90],
    ['B', 'report', 'late', 60],
    ['C', 'reply', 'missed', minutesSince(at('12:00'))],
  ]);
});

test('the accountability list names who held each late or overdue task and for how long', () => {
  expect(
    accountabilityReport(cases, tasks, now).map((e) => [
      e.caseId,
      e.activityId,
      e.heldBy,
      e.status,
      e.heldMinutes,
      e.minutesLate,
    ]),
  ).toEqual([
    ['C', 'DraftRelease', 'office1', 'overdue', minutesSince(at('02:00')), minutesSince(at('12:00'))],
    ['B', 'Consult', 'deputy1', 'late', 780, 120],
  ]);
});

test('the monthly summary counts by grade, category and outcome with median times per step', () => {
  expect(monthlySummary(cases, tasks)).toEqual({
    cases: 4,
    byGrade: { '1': 2, '3': 1, '4': 1 },
    byCategory: { ecology: 2, other: 1, 'social-security': 1 },
    byOutcome: { closed: 3, open: 1 },
    medianMinutes: { firstSeenToReport: 30, occurredToReply: 660, openToClose: 1440 },
    steps: [
      { step: '会商', completed: 2, medianMinutes: 510 },
      { step: '起草通稿', completed: 2, medianMinutes: 90 },
    ],
  });
});

test('CSV export quotes what needs quoting and never lets a cell run as a formula', () => {
  const text = toCsv([{ title: '=HYPERLINK("x")', note: 'a,b', n: 1 }], ['title', 'note', 'n']);
  expect(text).toBe('\uFEFFtitle,note,n\r\n"\'=HYPERLINK(""x"")","a,b",1\r\n');
});

test('a CSV export with nothing to list still has its header row', () => {
  expect(toCsv([], csvColumns.misses)).toBe(`\uFEFF${csvColumns.misses.join(',')}\r\n`);
});
