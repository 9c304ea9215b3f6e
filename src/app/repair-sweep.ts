import type { Clock } from '../engine/clock.js';

export interface RepairSweepOptions {
  clock: Clock;
  /** Writes out what was left before `olderThan`; returns how many instances it repaired. */
  repairInstances(olderThan: Date): Promise<number>;
  /** Starts the intake of cases opened before `olderThan` without one; returns how many. */
  startMissingIntakes(olderThan: Date): Promise<number>;
  /** How old leftovers must be: what a live node is still writing is younger than this. */
  graceMs: number;
  log: (fields: Record<string, unknown>, message: string) => void;
}

/**
 * Start-up repair, repeated while the node runs. A node killed between an instance's commit
 * and writing out its outbox leaves tasks and jobs unwritten; one killed between opening a case
 * and starting its intake leaves a case without a process. Start-up repair finds these when a
 * node restarts, but a node that never comes back would leave them for good, so every node with
 * a scheduler looks again now and then for leftovers older than the grace period.
 */
export class RepairSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: RepairSweepOptions) {}

  /** Sweeps now and then, every `intervalMs`. */
  start(intervalMs: number): void {
    const tick = (): void => {
      this.running = this.sweep().finally(() => {
        this.running = null;
        if (this.timer) this.timer = setTimeout(tick, intervalMs);
      });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  /** One sweep; errors are logged, never thrown (the next sweep tries again). */
  async sweep(): Promise<void> {
    const { clock, graceMs, log } = this.options;
    const olderThan = new Date(clock.now().getTime() - graceMs);
    try {
      const instances = await this.options.repairInstances(olderThan);
      const intakes = await this.options.startMissingIntakes(olderThan);
      if (instances || intakes)
        log({ instances, intakes }, 'repaired what a node that died left half-written');
    } catch (error) {
      log({ err: error }, `repair sweep failed: ${(error as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
