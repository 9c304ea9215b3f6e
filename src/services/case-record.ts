import type { ServiceCall, ServiceImplementation } from './service-types.js';
import type { CaseStore } from '../store/case-store.js';
import type { PlanConfig } from '../plan/plan-config.js';
import { gradeVariables, isGrade } from '../plan/grade-parameters.js';

export interface CaseRecordDeps {
  cases: CaseStore;
  plan: PlanConfig;
  clock: { now(): Date };
}

type Recorder = (call: ServiceCall, caseId: string) => Promise<Record<string, unknown>>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * `case-record`: writes what a step of the plan means onto the case — reported, re-graded,
 * reply deadline missed, a publication recorded by hand, commentary articles, closed. Input
 * `event` says which; every write is idempotent on the job's key, so a retry records once.
 */
export function createCaseRecord(deps: CaseRecordDeps): ServiceImplementation {
  const now = () => deps.clock.now();
  const recorders: Record<string, Recorder> = {
    async reported(_call, caseId) {
      await deps.cases.recordReported(caseId, now());
      return { reportedAt: now().toISOString() };
    },
    async regraded(call, caseId) {
      const { newGrade, grade, firstSeenAt, regradeReason } = call.variables;
      if (!isGrade(newGrade) || !isGrade(grade) || newGrade >= grade)
        throw new Error(
          `case-record regraded: new grade ${String(newGrade)} is not above grade ${String(grade)}`,
        );
      const next = gradeVariables(deps.plan, newGrade, new Date(String(firstSeenAt)));
      await deps.cases.recordGradeChange(
        caseId,
        {
          id: call.idempotencyKey,
          grade: newGrade,
          previous: grade,
          at: now(),
          by: text(call.input.by) ?? 'monitor',
          reason: text(regradeReason),
        },
        next.reportDueAt ? new Date(next.reportDueAt) : null,
      );
      // The next grade's process starts from here: it must not see this update as its own.
      return { ...next, previousGrade: grade, outcome: 'regraded', trend: null, newGrade: null };
    },
    async replied(_call, caseId) {
      await deps.cases.recordReplied(caseId, now());
      return { repliedAt: now().toISOString() };
    },
    async 'reply-breached'(_call, caseId) {
      await deps.cases.recordReplyBreach(caseId, now());
      return { replyBreachedAt: now().toISOString() };
    },
    async publication(call, caseId) {
      const { kind, channel, url, title, publishedAt, author, approver } = call.input;
      if (kind !== 'reply' && kind !== 'answer')
        throw new Error(`case-record publication: kind must be reply or answer, not "${String(kind)}"`);
      // The officer's stated time counts, but never a time after it was recorded.
      const stated = text(publishedAt) ? new Date(String(publishedAt)) : now();
      const at = stated.getTime() > now().getTime() ? now() : stated;
      await deps.cases.recordPublication(caseId, {
        id: call.idempotencyKey,
        kind,
        channel: text(channel) ?? 'other',
        url: text(url),
        title: text(title) ?? '',
        author: text(author) ?? '街道办事处',
        approver: text(approver),
        publishedAt: Number.isNaN(at.getTime()) ? now() : at,
        via: 'manual',
        drill: call.variables.drill === true,
      });
      return {};
    },
    async commentary(call, caseId) {
      const articles = Array.isArray(call.variables.articles) ? call.variables.articles : [];
      for (const [index, article] of (articles as Array<Record<string, unknown>>).entries()) {
        const at = new Date(String(article.publishedAt));
        await deps.cases.recordPublication(caseId, {
          id: `${call.idempotencyKey}#${index}`,
          kind: 'commentary',
          channel: text(article.channel) ?? 'other',
          url: text(article.url),
          title: text(article.title) ?? '',
          author: text(call.input.author) ?? 'writer',
          approver: text(article.approver),
          publishedAt: Number.isNaN(at.getTime()) ? now() : at,
          via: 'manual',
          drill: call.variables.drill === true,
        });
      }
      return {};
    },
    async closed(_call, caseId) {
      await deps.cases.close(caseId, 'closed', now());
      return { outcome: 'closed' };
    },
  };
  return async (call) => {
    const event = String(call.input.event ?? '');
    const recorder = recorders[event];
    if (!recorder) throw new Error(`case-record: unknown event "${event}"`);
    const caseId = text(call.variables.caseId);
    if (!caseId) throw new Error('case-record: variable "caseId" is missing');
    return recorder(call, caseId);
  };
}

export const caseRecordEvents = [
  'reported',
  'regraded',
  'reply-breached',
  'publication',
  'commentary',
  'closed',
];
