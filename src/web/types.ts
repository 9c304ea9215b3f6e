/** What the REST API returns (src/api/routes/*.ts); dates arrive as ISO strings. */

export interface User {
  id: string;
  displayName: string;
  roles: string[];
  demo: boolean;
  kind: string;
}

export interface FieldError {
  /** JSON pointer of the field (`/measures/0/owner`); `''` for the form as a whole. */
  path: string;
  message: string;
  keyword?: string;
}

export interface TaskCase {
  id: string;
  title: string;
  grade: number;
  drill: boolean;
  replyDueAt: string;
}

export interface TaskSummary {
  id: string;
  name?: string;
  activityId: string;
  formKey?: string;
  candidateGroups: string[];
  assignee?: string;
  claimedBy?: string;
  status: 'open' | 'completed' | 'cancelled';
  createdAt: string;
  dueAt?: string;
  completedAt?: string;
  completedBy?: string;
  instanceId: string;
  definitionKey: string;
  case?: TaskCase;
}

export type JsonObject = Record<string, unknown>;

export interface TaskDetail extends TaskSummary {
  form?: { key: string; schema?: JsonObject; uiSchema?: JsonObject };
  data?: JsonObject;
  prefill: JsonObject;
  mayAct: boolean;
}

export type DeadlineState = 'pending' | 'met' | 'missed' | 'late';

export interface CaseSummary {
  id: string;
  title: string;
  category: string;
  platform: string;
  grade: number;
  status: 'open' | 'closed' | 'cancelled';
  drill: boolean;
  firstSeenAt: string;
  occurredAt: string;
  replyDueAt: string;
  reply: DeadlineState | null;
  createdAt: string;
  closedAt?: string;
}

export interface GradeChange {
  id: string;
  grade: number;
  previous?: number;
  at: string;
  by: string;
  reason?: string;
}

export interface Publication {
  id: string;
  kind: 'reply' | 'answer' | 'commentary';
  channel: string;
  url?: string;
  title: string;
  text?: string;
  author: string;
  approver?: string;
  publishedAt: string;
  via: 'channel' | 'manual';
  drill: boolean;
}

export interface CaseTask {
  id: string;
  name?: string;
  activityId: string;
  instanceId: string;
  candidateGroups: string[];
  status: 'open' | 'completed' | 'cancelled';
  claimedBy?: string;
  createdAt: string;
  dueAt?: string;
  completedAt?: string;
  completedBy?: string;
}

export interface CaseInstance {
  id: string;
  definitionKey: string;
  definitionVersion: number;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  createdAt: string;
  endedAt?: string;
  waitingAt: string[];
}

export interface CaseMessage {
  template: string;
  channel: string;
  target: string;
  subject: string;
  sentAt: string;
  drill: boolean;
}

export interface CaseDetail {
  id: string;
  title: string;
  summary: string;
  category: string;
  platform: string;
  sourceUrls: string[];
  firstSeenAt: string;
  occurredAt: string;
  evidence?: Array<{ description: string; url?: string }>;
  gradeReason?: string;
  grade: number;
  gradeHistory: GradeChange[];
  drill: boolean;
  via: 'form' | 'api' | 'sweep';
  reportedBy: string;
  status: 'open' | 'closed' | 'cancelled';
  deadlines: {
    report: { dueAt: string | null; doneAt: string | null; state: DeadlineState | null };
    reply: { dueAt: string; doneAt: string | null; breachedAt: string | null; state: DeadlineState | null };
  };
  publications: Publication[];
  outcome?: string;
  closedAt?: string;
  createdAt: string;
  tasks: CaseTask[];
  instances: CaseInstance[];
  messages: CaseMessage[];
}

/** GET /api/definitions */
export interface DefinitionVersion {
  version: number;
  deployedAt: string;
  deployedBy: string;
  hash: string;
}

export interface DefinitionSummary {
  key: string;
  name: string;
  latestVersion: number;
  versions: DefinitionVersion[];
}

/** One finding of the deploy checks (POST /api/definitions/lint, or a refused deploy's 422). */
export interface LintProblem {
  elementId?: string;
  rule: string;
  message: string;
  severity: 'error' | 'warning' | string;
}

export interface LintResult {
  key: string | null;
  name: string | null;
  ok: boolean;
  problems: LintProblem[];
  /** Every problem, when more were found than listed. */
  problemCount?: number;
}

export interface DeployResult {
  key: string;
  version: number;
  created: boolean;
  warnings?: LintProblem[];
}

/** GET /api/catalog: what a diagram may name. */
export interface Catalog {
  services: string[];
  forms: Array<{ key: string; title: string }>;
  roles: Array<{ id: string; label: string }>;
}

/** GET /api/cases/:id/history */
export interface CaseEvent {
  instanceId: string;
  definitionKey: string;
  seq: number;
  at: string;
  type: string;
  actor?: string;
  requestId?: string;
  activityId?: string;
  activityName?: string;
  executionId?: string;
  data?: JsonObject;
}

export interface IntegrityVerdict {
  instanceId: string;
  ok: boolean;
  events?: number;
  problem?: { seq: number; kind: string; detail: string };
}

export interface CaseHistory {
  events: CaseEvent[];
  integrity: IntegrityVerdict[];
}

/** GET /api/instances/:id/state?at=SEQ: the instance after event SEQ (src/audit/instance-state.ts). */
export interface InstanceState {
  seq: number;
  /** Elements ended and sequence flows taken. */
  completed: string[];
  active: string[];
  timedOut: string[];
  variables: JsonObject;
  openTasks: Array<{ activityId: string; name?: string; candidateGroups: string[] }>;
  done: Array<{ seq: number; at: string; activityId: string; actor?: string }>;
  ended: boolean;
}

/** GET /api/cases/:id/diagrams */
export interface CaseDiagramItem {
  instanceId: string;
  definitionKey: string;
  definitionVersion: number;
  name: string;
  status: CaseInstance['status'];
  xml: string | null;
}

/** GET /api/users */
export interface UserAccount {
  id: string;
  displayName: string;
  roles: string[];
  email: string | null;
  active: boolean;
  demo: boolean;
  createdAt: string;
  updatedAt: string;
}

/** GET /api/tokens */
export interface ApiToken {
  id: string;
  name: string;
  role: string;
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

/** GET /api/incidents */
export interface Incident {
  id: string;
  instanceId: string;
  activityId?: string;
  kind: string;
  topic?: string;
  attempts: number;
  error?: string;
  since: string;
}

/** The reports (src/reports/plan-reports.ts); drills are left out of all of them. */
export type DeadlineOutcome = 'on-time' | 'late' | 'missed' | 'pending' | 'n/a';

/** GET /api/reports/compliance */
export interface ComplianceReport {
  rows: Array<{
    grade: number;
    cases: number;
    report: Record<DeadlineOutcome, number>;
    reply: Record<DeadlineOutcome, number>;
  }>;
  misses: Array<{
    caseId: string;
    title: string;
    grade: number;
    deadline: 'report' | 'reply';
    outcome: 'late' | 'missed';
    dueAt: string;
    doneAt: string | null;
    minutesLate: number;
  }>;
}

/** GET /api/reports/accountability */
export interface AccountabilityReport {
  entries: Array<{
    caseId: string;
    title: string;
    grade: number;
    task: string;
    activityId: string;
    /** Who completed it, else who claimed it, else the roles it waits for (comma-separated). */
    heldBy: string;
    status: 'late' | 'overdue';
    dueAt: string;
    heldMinutes: number;
    minutesLate: number;
  }>;
}

/** GET /api/reports/monthly?month=YYYY-MM */
export interface MonthlyReport {
  month: string;
  cases: number;
  byGrade: Record<string, number>;
  byCategory: Record<string, number>;
  byOutcome: Record<string, number>;
  medianMinutes: {
    firstSeenToReport: number | null;
    occurredToReply: number | null;
    openToClose: number | null;
  };
  steps: Array<{ step: string; completed: number; medianMinutes: number | null }>;
}
