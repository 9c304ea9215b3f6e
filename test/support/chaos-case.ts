/**
 * What the kill -9 test's worker processes (runtime-worker.ts) and the test itself
 * (test/engine/kill-nine.test.ts) must agree on: the clock the workers run on, how the staff
 * decides each review, and what the `effect` service returns. Plain data and rules only, so the
 * worker (run by tsx) and the test (run by ts-jest) load the very same code.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../src/engine/clock.js';
import type { JobStore } from '../../src/store/job-store.js';
import type { TaskRecord } from '../../src/store/task-store.js';

export const CHAOS_KEY = 'chaos-case';
export const CHAOS_FILE = 'chaos-case.bpmn';
export const CHAOS_SERVICES = ['effect'];
/** Who completes reviews, in every run (the actor ends up in variables and history). */
export const STAFF = 'staff';
/** The review's non-interrupting reminder timer (PT1M). */
export const REMINDER_ID = 'reviewReminder';
export const REMINDER_MS = 60_000;

/** How a JumpClock reads the wall clock; the test sends it to every worker. */
export interface ClockSetting {
  /** A wall-clock moment at which the clock reads `epochMs + offsetMs`. */
  epochMs: number;
  /** Virtual milliseconds per wall-clock millisecond between jumps. */
  rate: number;
  /** How far the test has moved the clock forward. */
  offsetMs: number;
}

/**
 * The kill -9 test's clock: between jumps it runs at a fixed fraction of the wall clock's pace
 * (so leases still run out and a dead worker's jobs are taken over), and the test moves it
 * forward in jumps over the minutes a timer waits for. It jumps only when nothing is left to
 * do at the current time: no job running or due, no outbox owed, no review the staff still has
 * to complete.
 *
 * Why not a clock that runs N times faster: the end state of a case depends on whether the staff
 * completes its review before the PT1M reminder fires. On a clock 20× faster that is a race of
 * 3 real seconds against a machine busy restarting killed workers, and the outcome would depend
 * on timing rather than on the durable runtime. On this clock each case takes the path it takes
 * without faults, however slow the machine.
 */
export class JumpClock implements Clock {
  private current: ClockSetting;

  constructor(setting: ClockSetting = { epochMs: Date.now(), rate: 1, offsetMs: 0 }) {
    this.current = { ...setting };
  }

  now(): Date {
    const { epochMs, rate, offsetMs } = this.current;
    return new Date(epochMs + (Date.now() - epochMs) * rate + offsetMs);
  }

  get setting(): ClockSetting {
    return { ...this.current };
  }

  /**
   * Takes the test's setting. Settings of one run differ only in their offset, which never
   * shrinks: a message late over the IPC channel must not set the clock back (a lease would
   * come back to life).
   */
  set(setting: ClockSetting): void {
    const sameRun = setting.epochMs === this.current.epochMs && setting.rate === this.current.rate;
    this.current = {
      ...setting,
      offsetMs: sameRun ? Math.max(setting.offsetMs, this.current.offsetMs) : setting.offsetMs,
    };
  }

  jump(ms: number): void {
    this.current.offsetMs += ms;
  }
}

export type ReviewTiming = 'at-once' | 'after-reminder' | 'never';

export interface ReviewPlan {
  /**
   * at-once: before the reminder (the reminder and deadline timers are cancelled);
   * after-reminder: once the reminder has fired, before the deadline;
   * never: the deadline interrupts the review.
   */
  timing: ReviewTiming;
  approved: boolean;
}

/** Fixed by the instance id alone, so every run (and the reference) decides alike. */
export function reviewPlan(instanceId: string): ReviewPlan {
  const hash = createHash('sha256').update(instanceId).digest().readUInt32BE(0);
  const timings: ReviewTiming[] = ['at-once', 'after-reminder', 'never'];
  return { timing: timings[hash % 3], approved: Math.floor(hash / 3) % 2 === 0 };
}

/** What the staff submits for a review. */
export function reviewData(instanceId: string): Record<string, unknown> {
  const { approved } = reviewPlan(instanceId);
  return { approved, comment: approved ? `同意 ${instanceId}` : `退回 ${instanceId}` };
}

/** What the `effect` service returns (merged into the variables): the same whoever calls it. */
export function effectResult(activityId: string): Record<string, unknown> {
  return { [`${activityId}Done`]: true };
}

/**
 * Whether the staff should complete this open task now. An `after-reminder` review waits until
 * the reminder timer's job is done, which is state, not time: a worker on a late clock and the
 * reference on a manual clock decide alike.
 */
export async function staffShouldComplete(jobs: JobStore, task: TaskRecord, now: Date): Promise<boolean> {
  if (task.activityId !== 'review') return false;
  const { timing } = reviewPlan(task.instanceId);
  if (timing === 'at-once') return true;
  if (timing === 'never') return false;
  // Cheap filter first: before the reminder is due there is no need to look at the jobs.
  if (now.getTime() < task.createdAt.getTime() + REMINDER_MS) return false;
  const timers = await jobs.find({ instanceId: task.instanceId, kind: 'timer' });
  return timers.some((job) => job.activityId === REMINDER_ID && job.status === 'done');
}
