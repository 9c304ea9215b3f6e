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
