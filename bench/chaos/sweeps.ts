/**
 * The daily monitoring rota, on a schedule that fires every few seconds in these runs: a timer
 * start event whose schedule job all nodes compete for. The monitor completes each sweep with
 * a zero report. Afterwards: one sweep instance per occurrence (the ids are the due times, so
 * a second start of one occurrence is impossible; what can go wrong is a missed one), none
 * missing between the first and the last, and each sweep task completed once.
 */
import type { Connection } from 'mongoose';
import type { StaffClient } from './staff-client.js';
import { forms } from './scenarios.js';
import { killedHolding, type HoldSpan } from './lease-watch.js';

/** The schedule jobs of the sweeps' two timer start events. */
const SCHEDULE_JOBS = ['start:daily-monitoring:WorkdaySweep', 'start:daily-monitoring:RestDaySweep'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Sweeper {
  completed = 0;
  readonly errors: string[] = [];
  private stopping = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly monitor: StaffClient) {}

  start(everyMs = 2000): void {
    this.loop = (async () => {
      while (!this.stopping) {
        await this.once();
        await sleep(everyMs);
      }
    })();
  }

  private async once(): Promise<void> {
    try {
      const list = await this.monitor.get<{ items: Array<{ id: string }> }>(
        'list tasks',
        '/api/tasks?activityId=Sweep',
      );
      for (const task of list.body.items ?? []) {
        const answer = await this.monitor.post(
          'complete task',
          `/api/tasks/${task.id}/complete`,
          forms.zeroReport,
        );
        if (answer.status === 200) this.completed++;
        else if (answer.status !== 409) this.errors.push(`sweep ${task.id}: ${answer.status}`);
      }
    } catch (error) {
      this.errors.push(`sweeps: ${(error as Error).message}`);
    }
  }

  /** Stops after one last round, so that every sweep started so far is done. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    await this.once();
  }
}

export interface SweepCheck {
  occurrences: number;
  /** Occurrences not started because the one before started later than them (see checkSweeps). */
  skipped: number;
  /** How late occurrences started (instance created − due), ms. */
  latenessMs: { p50: number; max: number };
  violations: string[];
}

const dueOf = (id: unknown) => new Date(String(id).slice('daily-monitoring@'.length)).getTime();

/**
 * The sweeps' instances: due times `periodMs` apart, each with one sweep done once; only those
 * due shortly before `lastLook` (the monitor's last look at the list) may be open. A schedule
 * re-arms for the first occurrence after the moment it re-arms (missed occurrences are not
 * replayed, by design), so an occurrence is skipped only when the schedule re-armed after it:
 * a gap is a violation unless the occurrence before it started that late (less `slackMs`) or a
 * node died holding the schedule in between (its lease, then the queue of due jobs, delay the
 * re-arm).
 */
export async function checkSweeps(
  connection: Connection,
  periodMs: number,
  /** When the cluster was up, and when the monitor last looked: the schedule ran all along. */
  { firstLook, lastLook }: { firstLook: number; lastLook: number },
  delays: {
    slackMs: number;
    spans: Map<string, HoldSpan[]>;
    kills: Array<{ leaseOwner?: string; at: number }>;
  },
): Promise<SweepCheck> {
  const db = connection.db!;
  const violations: string[] = [];
  const instances = await db
    .collection('instances')
    .find({ definitionKey: 'daily-monitoring' }, { projection: { status: 1, createdAt: 1 } })
    .toArray();
  const started = new Map(instances.map((i) => [dueOf(i._id), (i.createdAt as Date).getTime()]));
  const due = [...started.keys()].sort((a, b) => a - b);
  let skipped = 0;
  for (let i = 1; i < due.length; i++) {
    const gap = due[i] - due[i - 1];
    if (gap === periodMs) continue;
    const late = started.get(due[i - 1])! - due[i - 1];
    // Re-armed late: the occurrence before started late, or a node died holding the schedule.
    const diedHolding = SCHEDULE_JOBS.flatMap((id) =>
      killedHolding(delays.spans.get(id), delays.kills, due[i - 1] - delays.slackMs, due[i]),
    );
    if (
      gap % periodMs === 0 &&
      (started.get(due[i - 1])! >= due[i] - periodMs - delays.slackMs || diedHolding.length)
    ) {
      skipped += gap / periodMs - 1;
      continue;
    }
    violations.push(
      `sweeps: ${new Date(due[i - 1]).toISOString()} (started ${late} ms late) is followed by ` +
        `${new Date(due[i]).toISOString()}, not ${periodMs / 1000} s later`,
    );
  }
  const lateness = due.map((d) => started.get(d)! - d).sort((a, b) => a - b);
  // The schedule ran from the start to the end, not just for a while.
  const limit = periodMs + delays.slackMs;
  if (due.length === 0 || due[0] > firstLook + limit)
    violations.push(
      `sweeps: the first occurrence (${due.length ? new Date(due[0]).toISOString() : 'none'}) came late`,
    );
  if (due.length > 0 && due.at(-1)! < lastLook - limit)
    violations.push(
      `sweeps: the schedule stopped: the last occurrence was ${new Date(due.at(-1)!).toISOString()}, ` +
        `${Math.round((lastLook - due.at(-1)!) / 1000)} s before the end of the run`,
    );
  const tasks = await db
    .collection('tasks')
    .find({ definitionKey: 'daily-monitoring' }, { projection: { instanceId: 1, status: 1 } })
    .toArray();
  const perInstance = new Map<string, string[]>();
  for (const task of tasks)
    perInstance.set(task.instanceId, [...(perInstance.get(task.instanceId) ?? []), task.status]);
  for (const i of instances) {
    const statuses = perInstance.get(String(i._id)) ?? [];
    const dueAt = dueOf(i._id);
    const mayBeOpen = dueAt > lastLook - 10_000 && statuses[0] === 'open';
    if (statuses.length !== 1 || (statuses[0] !== 'completed' && !mayBeOpen))
      violations.push(`sweep ${i._id}: tasks ${JSON.stringify(statuses)}, instance ${i.status}`);
  }
  const completions = await db
    .collection('history')
    .aggregate([
      { $match: { type: 'task.completed', instanceId: { $regex: '^daily-monitoring@' } } },
      { $group: { _id: '$instanceId', n: { $sum: 1 } } },
      { $match: { n: { $gt: 1 } } },
    ])
    .toArray();
  for (const c of completions) violations.push(`sweep ${c._id}: completed ${c.n} times`);
  return {
    occurrences: due.length,
    skipped,
    latenessMs: { p50: lateness[Math.floor(lateness.length / 2)] ?? NaN, max: lateness.at(-1) ?? NaN },
    violations,
  };
}
