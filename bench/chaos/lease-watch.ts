/**
 * Who held which job, seen by looking at the running jobs every so often during a run. A node
 * killed while holding a job keeps its name on the job until the lease runs out (seconds), so
 * every job a dead node held is seen here with it: that is what explains a message sent twice.
 * Also counts the nodes that ran jobs, to show the work really spread over the cluster.
 */
import type { Connection } from 'mongoose';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A lease owner seen holding a job from `from` to `to` (Date.now() of the first and last look). */
export interface HoldSpan {
  owner: string;
  from: number;
  to: number;
}

export class LeaseWatch {
  /** Job id → every lease owner seen holding it. */
  readonly holders = new Map<string, Set<string>>();
  /** Job id → when each owner was seen holding it. */
  readonly spans = new Map<string, HoldSpan[]>();
  /** Lease owner → how many times it was seen holding some job. */
  readonly sightings = new Map<string, number>();
  private stopping = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly connection: Connection,
    private readonly everyMs = 150,
  ) {}

  /** The running jobs now, with their holders (one indexed query: `runAt` is the lease's end). */
  async running(): Promise<Array<{ _id: string; leaseOwner?: string }>> {
    const rows = await this.connection
      .db!.collection('jobs')
      .find({ runAt: { $gt: new Date() } }, { projection: { status: 1, leaseOwner: 1 } })
      .toArray();
    return rows
      .filter((row) => row.status === 'running')
      .map((row) => ({ _id: String(row._id), leaseOwner: row.leaseOwner as string | undefined }));
  }

  start(): void {
    this.loop = (async () => {
      while (!this.stopping) {
        try {
          const now = Date.now();
          for (const job of await this.running()) {
            if (!job.leaseOwner) continue;
            const owners = this.holders.get(job._id) ?? new Set<string>();
            owners.add(job.leaseOwner);
            this.holders.set(job._id, owners);
            const spans = this.spans.get(job._id) ?? [];
            const last = spans.at(-1);
            if (last?.owner === job.leaseOwner) last.to = now;
            else spans.push({ owner: job.leaseOwner, from: now, to: now });
            this.spans.set(job._id, spans);
            this.sightings.set(job.leaseOwner, (this.sightings.get(job.leaseOwner) ?? 0) + 1);
          }
        } catch {
          // The store is busy; look again next time.
        }
        await sleep(this.everyMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }
}

/**
 * The kills in [from, to] of a node that held the job when it died: its owner was seen holding
 * the job at the moment of the kill or later (a dead node's lease stays on the job until it
 * runs out, so the watch sees it there; a job the node had finished before is not counted).
 */
export function killedHolding(
  spans: HoldSpan[] | undefined,
  kills: Array<{ leaseOwner?: string; at: number }>,
  from: number,
  to: number,
): Array<{ owner: string; at: number }> {
  return kills.flatMap((kill) =>
    kill.leaseOwner &&
    kill.at >= from &&
    kill.at <= to &&
    (spans ?? []).some((span) => span.owner === kill.leaseOwner && span.to >= kill.at - 300)
      ? [{ owner: kill.leaseOwner, at: kill.at }]
      : [],
  );
}
