/**
 * What the simulated staff do with each case of a chaos or load run: the grade it is reported
 * at, how long ago the incident occurred (which decides which reply-deadline timers are already
 * due when the response starts, so they really fire on the nodes within the run), and the turns
 * it takes (a rejected release, an escalated question, a re-grade, a drill, the county answering
 * through its signed link). Case `i` follows scenario `i mod n`; every scenario also runs once
 * without faults, and each case must end exactly as its scenario's fault-free case.
 */
import { formExamples, formVariants } from '../../test/forms/form-examples.js';

export type Grade = 1 | 2 | 3 | 4;

/**
 * Which reply-deadline timers fire: the incident occurred long enough ago that the 8-hour
 * reminder (`reminder`), both reminders (`reminders`) or the reminders and the 12-hour breach
 * (`breach`) are due as soon as the response starts; `none`: 40 minutes ago, nothing fires.
 */
export type Timers = 'none' | 'reminder' | 'reminders' | 'breach';

export interface Scenario {
  name: string;
  grade: Grade;
  timers: Timers;
  /** Releases sent back before one is approved. */
  rejections: number;
  /** Questions the monitor escalates while tracking (each gets a consulted, published answer). */
  escalations: number;
  /** The monitor reports a worsening to this grade before anything else is done. */
  regradeTo?: Grade;
  drill?: boolean;
  /** The county gives its guidance through the signed link in its mail (else the office records it). */
  countyLink?: boolean;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'g3', grade: 3, timers: 'none', rejections: 0, escalations: 0 },
  { name: 'g3-reminder-rejected', grade: 3, timers: 'reminder', rejections: 1, escalations: 0 },
  { name: 'g3-reminders-escalated', grade: 3, timers: 'reminders', rejections: 0, escalations: 1 },
  { name: 'g3-breach', grade: 3, timers: 'breach', rejections: 0, escalations: 0 },
  { name: 'g4', grade: 4, timers: 'none', rejections: 0, escalations: 0 },
  { name: 'g4-reminders-rejected', grade: 4, timers: 'reminders', rejections: 1, escalations: 0 },
  { name: 'g4-drill-escalated', grade: 4, timers: 'none', rejections: 0, escalations: 1, drill: true },
  { name: 'g2', grade: 2, timers: 'none', rejections: 0, escalations: 0 },
  { name: 'g2-breach-escalated', grade: 2, timers: 'breach', rejections: 0, escalations: 1 },
  {
    name: 'g1-county-link-reminder',
    grade: 1,
    timers: 'reminder',
    rejections: 0,
    escalations: 0,
    countyLink: true,
  },
  { name: 'g1-rejected', grade: 1, timers: 'none', rejections: 1, escalations: 0 },
  { name: 'g3-regraded-to-2', grade: 3, timers: 'none', rejections: 0, escalations: 0, regradeTo: 2 },
  { name: 'g3-everything', grade: 3, timers: 'breach', rejections: 1, escalations: 1 },
];

export function scenarioOf(index: number): Scenario {
  return SCENARIOS[index % SCENARIOS.length];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How long before the report the incident occurred, by which timers must fire (plan: 8 h, 11 h, 12 h). */
const OCCURRED_AGO: Record<Timers, number> = {
  none: 40 * MINUTE,
  reminder: 8 * HOUR + 30 * MINUTE,
  reminders: 11 * HOUR + 30 * MINUTE,
  breach: 12 * HOUR + 30 * MINUTE,
};

/** The boundary timers (and the services they lead to) that fire in a scenario. */
export function firingTimers(timers: Timers): { boundaries: string[]; services: string[] } {
  switch (timers) {
    case 'none':
      return { boundaries: [], services: [] };
    case 'reminder':
      return { boundaries: ['ReplyReminder1'], services: ['RemindReply1'] };
    case 'reminders':
      return { boundaries: ['ReplyReminder1', 'ReplyReminder2'], services: ['RemindReply1', 'RemindReply2'] };
    case 'breach':
      return {
        boundaries: ['ReplyReminder1', 'ReplyReminder2', 'ReplyDeadline'],
        services: ['RemindReply1', 'RemindReply2', 'RecordBreach', 'NotifyBreach'],
      };
  }
}

/** The incident report for case `index` of run `runId`: its own sources, so no report is a duplicate. */
export function incidentReport(runId: string, index: number, scenario: Scenario, now = Date.now()) {
  return {
    ...formExamples['incident-report'],
    title: `${formExamples['incident-report'].title}（${runId} #${index}）`,
    sourceUrls: [`https://weibo.example.com/chaos/${runId}/${index}`],
    firstSeenAt: new Date(now - 10 * MINUTE).toISOString(),
    occurredAt: new Date(now - OCCURRED_AGO[scenario.timers]).toISOString(),
    grade: scenario.grade,
    drill: scenario.drill === true,
  };
}

const { onBehalfNote: _note, ...countyOwnGuidance } = formExamples['county-guidance'];

/** What each step's person submits. */
export const forms = {
  instructionRequest: formExamples['instruction-request'],
  countyGuidance: formExamples['county-guidance'],
  countyGuidanceByLink: { ...countyOwnGuidance, recordedOnBehalf: false },
  consultation: formExamples.consultation,
  draft: formExamples['release-draft'],
  approved: formExamples['release-signoff'],
  rejected: formVariants.signOffRejected.data,
  publication: formExamples['publication-record'],
  commentary: formExamples['commentary-record'],
  escalate: formVariants.followUpEscalate.data,
  subsided: formVariants.followUpSubsided.data,
  question: formExamples['escalated-question'],
  confirmed: formExamples['subsidence-confirmation'],
  review: formExamples['closing-review'],
  worsenedTo: (grade: Grade) => ({ ...formVariants.monitoringWorsened.data, newGrade: grade }),
  zeroReport: formVariants.sweepZeroReport.data,
};

/** Who takes each step, by grade (the plan's chain of command; see scripts/plan-diagrams). */
export function rolesFor(grade: Grade) {
  return {
    /** The consultation and escalated questions. */
    consult: ({ 1: 'leader', 2: 'deputy', 3: 'leader', 4: 'office' } as const)[grade],
    /** The release's sign-off (grades 1–2: the county, recorded by the office or its liaison). */
    signOff: ({ 1: 'office', 2: 'county-liaison', 3: 'leader', 4: 'leader' } as const)[grade],
  };
}
