/**
 * One case driven through the API by the simulated staff, as its scenario says: the monitor
 * reports it, each step's person waits for their task to appear in their list, and completes it
 * with valid form data. Timers are not waited for by the clock: before the release is signed
 * off, the office waits until the case shows that the reminders due for it have fired (what a
 * real office would see as reminders arriving), so the case takes the same path in every run.
 */
import type { SmtpPeer } from '../../test/support/smtp-peer.js';
import { COUNTY_EMAIL } from '../../test/support/cluster.js';
import type { StaffClient } from './staff-client.js';
import { firingTimers, forms, incidentReport, rolesFor, type Grade, type Scenario } from './scenarios.js';

export interface CaseRun {
  index: number;
  scenario: Scenario;
  caseId?: string;
  startedAt: number;
  endedAt?: number;
  /** Completions (and county answers) that went through. */
  completions: number;
  /**
   * Completions whose node died before answering, sent again to another node and answered 409
   * there because the first had gone through: the task was completed once.
   */
  repeatsRefused: number;
  /** What went wrong (the case then counts as a violation). */
  error?: string;
}

interface TaskItem {
  id: string;
  activityId: string;
  definitionKey: string;
  status: string;
  completedBy?: string;
}

interface CaseView {
  id: string;
  status: string;
  instances: Array<{ definitionKey: string; status: string; waitingAt: string[] }>;
}

export interface CaseDriverOptions {
  runId: string;
  /** Signed-in staff by role, and an anonymous client for the county's link. */
  staff: Record<string, StaffClient>;
  county: StaffClient;
  smtp: SmtpPeer;
  /** How long one step may wait for its task (or the case for its end) before the case fails. */
  stepTimeoutMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class StepFailed extends Error {}

export class CaseDriver {
  private grade: Grade;
  private caseId = '';

  constructor(
    private readonly options: CaseDriverOptions,
    private readonly run: CaseRun,
  ) {
    this.grade = run.scenario.grade;
  }

  static async drive(options: CaseDriverOptions, index: number, scenario: Scenario): Promise<CaseRun> {
    const run: CaseRun = { index, scenario, startedAt: Date.now(), completions: 0, repeatsRefused: 0 };
    try {
      await new CaseDriver(options, run).script();
    } catch (error) {
      run.error = error instanceof StepFailed ? error.message : ((error as Error).stack ?? String(error));
    }
    run.endedAt = Date.now();
    return run;
  }

  private who(role: string): StaffClient {
    const client = this.options.staff[role];
    if (!client) throw new Error(`no staff for role ${role}`);
    return client;
  }

  private async script(): Promise<void> {
    const { scenario } = this.run;
    await this.report();
    if (scenario.regradeTo) {
      await this.complete('monitor', 'Monitor', forms.worsenedTo(scenario.regradeTo));
      this.grade = scenario.regradeTo;
    }
    const roles = rolesFor(this.grade);
    if (this.grade === 1) await this.complete('leader', 'AskCountyLeaders', forms.instructionRequest);
    if (this.grade <= 2) {
      if (scenario.countyLink) await this.countyGuidanceByLink();
      else await this.complete('office', 'CountyGuidance', forms.countyGuidance);
    }
    if (this.grade === 4)
      await this.complete('office', 'AskLeadingGroup', {
        ...forms.instructionRequest,
        askedWhom: '领导小组',
      });
    await this.complete(roles.consult, 'Consult', forms.consultation);
    for (let i = 0; i < scenario.rejections; i++) {
      await this.complete('office', 'DraftRelease', forms.draft);
      await this.complete(roles.signOff, 'SignOff', forms.rejected);
    }
    await this.complete('office', 'DraftRelease', forms.draft);
    await this.remindersArrived();
    await this.complete(roles.signOff, 'SignOff', forms.approved);
    if (scenario.drill) await this.complete('office', 'RecordReply', forms.publication);
    await this.complete('writer', 'WriteCommentary', forms.commentary);
    for (let i = 0; i < scenario.escalations; i++) {
      await this.complete('monitor', 'Track', forms.escalate);
      await this.complete(roles.consult, 'ConsultQuestion', forms.question);
      if (scenario.drill) await this.complete('office', 'RecordAnswer', forms.publication);
    }
    await this.complete('monitor', 'Track', forms.subsided);
    await this.complete('office', 'ConfirmSubsided', forms.confirmed);
    await this.complete('office', 'Review', forms.review);
    await this.ended();
  }

  /** The monitor reports the incident; a report resent after its node died gets the same case. */
  private async report(): Promise<void> {
    const { runId } = this.options;
    const answer = await this.who('monitor').post<{ id?: string; detail?: string }>(
      'report case',
      '/api/cases',
      incidentReport(runId, this.run.index, this.run.scenario),
      { 'idempotency-key': `${runId}-case-${this.run.index}` },
    );
    if (answer.status !== 201 && !(answer.status === 200 && answer.resent))
      throw new StepFailed(`report: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    this.caseId = answer.body.id!;
    this.run.caseId = this.caseId;
  }

  private async waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + this.options.stepTimeoutMs;
    let pause = 100;
    while (Date.now() < deadline) {
      const found = await probe();
      if (found !== undefined) return found;
      await sleep(pause);
      pause = Math.min(1000, Math.round(pause * 1.5));
    }
    throw new StepFailed(
      `${this.caseId || `case #${this.run.index}`}: ${what} did not happen within ` +
        `${this.options.stepTimeoutMs} ms; the case waits at ${await this.waitingAt()}`,
    );
  }

  private async waitingAt(): Promise<string> {
    try {
      const view = await this.who('office').get<CaseView>('read case', `/api/cases/${this.caseId}`);
      return JSON.stringify(view.body.instances?.map((i) => `${i.definitionKey}:${i.status}:${i.waitingAt}`));
    } catch (error) {
      return `(cannot tell: ${(error as Error).message})`;
    }
  }

  /** The one open task of this step in the case's current grade process, once it is there. */
  private task(role: string, activityId: string): Promise<TaskItem> {
    const definitionKey = `opinion-grade-${this.grade}`;
    return this.waitFor(`${activityId} for ${role}`, async () => {
      const list = await this.who(role).get<{ items: TaskItem[] }>(
        'list tasks',
        `/api/tasks?caseId=${this.caseId}&activityId=${activityId}`,
      );
      if (list.status !== 200) throw new StepFailed(`list ${activityId}: ${list.status}`);
      const open = list.body.items.filter((t) => t.definitionKey === definitionKey && t.status === 'open');
      if (open.length > 1)
        throw new StepFailed(
          `${this.caseId}: ${open.length} open ${activityId} tasks (${open.map((t) => t.id)})`,
        );
      return open[0];
    });
  }

  /**
   * Completes the step's task. A node that dies under the request leaves it unknown whether it
   * went through: the request goes to another node, which answers 409 if it did (the task is
   * then completed, by this person: done once) or completes it now.
   */
  private async complete(role: string, activityId: string, data: unknown): Promise<void> {
    const client = this.who(role);
    const task = await this.task(role, activityId);
    let resent = false;
    for (let attempt = 0; attempt < 30; attempt++) {
      const answer = await client.post<{ detail?: string }>(
        'complete task',
        `/api/tasks/${task.id}/complete`,
        data,
      );
      resent ||= answer.resent;
      if (answer.status === 200) {
        this.run.completions++;
        return;
      }
      if (answer.status !== 409)
        throw new StepFailed(`${this.caseId} ${activityId}: ${answer.status} ${answer.body?.detail ?? ''}`);
      const now = await client.get<TaskItem>('read task', `/api/tasks/${task.id}`);
      if (now.body.status === 'completed' && now.body.completedBy === client.user && resent) {
        this.run.repeatsRefused++;
        this.run.completions++;
        return;
      }
      if (now.body.status !== 'open')
        throw new StepFailed(
          `${this.caseId} ${activityId}: 409 (${answer.body?.detail}), the task is ${now.body.status} ` +
            `by ${now.body.completedBy ?? 'nobody'}${resent ? '' : ' without any resend'}`,
        );
      // Still open: the instance was busy (a job ran on it at the same moment); try again.
      await sleep(100 * (attempt + 1));
    }
    throw new StepFailed(`${this.caseId} ${activityId}: still refused after 30 tries`);
  }

  /** The county answers through the signed link its mail brought, without an account. */
  private async countyGuidanceByLink(): Promise<void> {
    const task = await this.task('office', 'CountyGuidance');
    const token = await this.waitFor('the county guidance mail', async () => {
      const mail = this.options.smtp.messages.find(
        (m) =>
          m.envelope.to.includes(COUNTY_EMAIL) &&
          (m.header('x-preplan-idempotency-key') ?? '').startsWith(`intake-${this.caseId}~`) &&
          (m.header('x-preplan-idempotency-key') ?? '').includes(':ReportToCounty:'),
      );
      return mail ? /https:\/\/preplan\.street\.example\/county\/([\w.-]+)/.exec(mail.text)?.[1] : undefined;
    });
    const answer = await this.options.county.post<{ detail?: string }>(
      'county link',
      `/api/external/${token}`,
      forms.countyGuidanceByLink,
    );
    if (answer.status === 200) {
      this.run.completions++;
      return;
    }
    const now = await this.who('office').get<TaskItem>('read task', `/api/tasks/${task.id}`);
    if (answer.status === 409 && answer.resent && now.body.completedBy?.startsWith('county-link:')) {
      this.run.repeatsRefused++;
      this.run.completions++;
      return;
    }
    throw new StepFailed(`${this.caseId} county link: ${answer.status} ${answer.body?.detail ?? ''}`);
  }

  /** The office waits for the reminders due on this case (state, not time: every run alike). */
  private async remindersArrived(): Promise<void> {
    const { boundaries, services } = firingTimers(this.run.scenario.timers);
    if (boundaries.length === 0) return;
    const pending = new Set([...boundaries, ...services]);
    const definitionKey = `opinion-grade-${this.grade}`;
    await this.waitFor('the reply reminders', async () => {
      const view = await this.who('office').get<CaseView>('read case', `/api/cases/${this.caseId}`);
      const instance = view.body.instances.find((i) => i.definitionKey === definitionKey);
      return instance && !instance.waitingAt.some((at) => pending.has(at)) ? true : undefined;
    });
  }

  /** Every process of the case has ended and the case is closed. */
  private async ended(): Promise<void> {
    await this.waitFor('the end of the case', async () => {
      const view = await this.who('office').get<CaseView>('read case', `/api/cases/${this.caseId}`);
      return view.body.status === 'closed' && view.body.instances.every((i) => i.status !== 'running')
        ? true
        : undefined;
    });
  }
}
