/**
 * Kills nodes with SIGKILL at random moments and starts them again, while the cases run. Half
 * of the kills (when any job is running) aim at a node holding a job's lease, so they land in
 * the middle of a command; the rest hit any node that is up, whatever it is doing (answering
 * the API, between commands). A node is started again after a short random pause, on its port;
 * a node is killed only while at least one other is up.
 */
import type { Cluster } from '../../test/support/cluster.js';
import type { LeaseWatch } from './lease-watch.js';
import { seeded } from '../../test/support/seeded-random.js';

export interface KillLoopOptions {
  seed: number;
  /** Pause between kills, ms: [min, max]. */
  gapMs: [number, number];
  /** Pause before a killed node is started again, ms: [min, max]. */
  downMs: [number, number];
  /**
   * The longest pause that still gets the kills a run needs before it ends (ms), or undefined
   * when the usual pauses will do: a fast machine finishes a run before enough kills.
   */
  pace?: () => number | undefined;
}

export interface KillRecord {
  node: string;
  at: number;
  /** Jobs whose lease the node held when it died (a command in flight). */
  heldJobs: number;
  /** How long its restart took until ready, ms. */
  restartMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class KillLoop {
  readonly kills: KillRecord[] = [];
  readonly errors: string[] = [];
  private stopping = false;
  private loop: Promise<void> | null = null;
  private readonly restarts = new Set<Promise<void>>();
  private readonly random: () => number;

  constructor(
    private readonly cluster: Cluster,
    private readonly leases: LeaseWatch,
    private readonly options: KillLoopOptions,
  ) {
    this.random = seeded(options.seed);
  }

  private between([min, max]: [number, number]): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const [min, max] = this.options.gapMs;
      const pace = this.options.pace?.();
      await sleep(this.between([min, Math.max(min, Math.min(max, pace ?? max))]));
      if (this.stopping) break;
      const ready = this.cluster.nodes.filter((node) => node.state === 'ready');
      if (ready.length < 2) continue;
      const aim = this.random() < 0.5;
      const pick = this.random();
      const running = await this.leases.running().catch(() => []);
      const holding = (name: string) =>
        running.filter((job) => job.leaseOwner === this.cluster.node(name).leaseOwner).length;
      const candidates = aim ? ready.filter((node) => holding(node.name) > 0) : [];
      const pool = candidates.length > 0 ? candidates : ready;
      const victim = pool[Math.floor(pick * pool.length)];
      const record: KillRecord = { node: victim.name, at: Date.now(), heldJobs: holding(victim.name) };
      await this.cluster.kill(victim.name, 'SIGKILL');
      this.kills.push(record);
      const restart = this.restart(victim.name, record);
      this.restarts.add(restart);
      void restart.finally(() => this.restarts.delete(restart));
    }
  }

  private async restart(name: string, record: KillRecord): Promise<void> {
    await sleep(this.between(this.options.downMs));
    const started = Date.now();
    try {
      await this.cluster.start(name);
      record.restartMs = Date.now() - started;
    } catch (error) {
      this.errors.push(`restarting ${name}: ${(error as Error).message}`);
    }
  }

  /** Stops killing; resolves once every killed node is up again. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    while (this.restarts.size > 0) await Promise.all([...this.restarts]);
  }
}
