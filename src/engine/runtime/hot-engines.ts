import { performance } from 'node:perf_hooks';
import type { InstanceRecord } from '../../store/instance-store.js';
import type { EngineStep } from './engine-step.js';

/** An engine left running after its command committed, with the revision it matches. */
export interface HotEngine {
  /** The instance as that command committed it (outbox written). */
  record: InstanceRecord;
  step: EngineStep;
}

export interface HotEngineOptions {
  /** Most engines kept at once (each holds about half a megabyte); 0 keeps none. */
  max: number;
  /** An engine not taken again within this long is stopped (wall time). */
  idleMs: number;
}

/**
 * A service job normally starts within a scheduler poll (1 s); an engine idle for longer is not
 * worth its memory.
 */
export const HOT_ENGINE_DEFAULTS: HotEngineOptions = { max: 64, idleMs: 10_000 };

/**
 * Engines kept running between commands on this node, so the next command on an instance goes
 * on with its engine instead of rebuilding it from the stored state (a rebuild is most of a
 * command's engine time). The runtime keeps those whose next step the node takes itself in a
 * moment (a service job), not those waiting on people, timers or child processes.
 *
 * Only an optimisation: the store stays the truth. An entry is used only on the first attempt
 * of a command, its commit is conditional on the revision it matches, and whatever goes wrong
 * drops it and the command runs from a fresh load.
 */
export class HotEngines {
  private readonly entries = new Map<string, HotEngine & { keptAt: number }>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly options: HotEngineOptions = HOT_ENGINE_DEFAULTS) {}

  get size(): number {
    return this.entries.size;
  }

  /** The instance's kept engine, removed from the cache (one command uses it at a time). */
  take(instanceId: string): HotEngine | undefined {
    const entry = this.entries.get(instanceId);
    if (!entry) return undefined;
    this.entries.delete(instanceId);
    if (performance.now() - entry.keptAt > this.options.idleMs) {
      entry.step.discard();
      return undefined;
    }
    return entry;
  }

  keep(instanceId: string, engine: HotEngine): void {
    this.drop(instanceId);
    if (this.options.max <= 0) {
      engine.step.discard();
      return;
    }
    this.entries.set(instanceId, { ...engine, keptAt: performance.now() });
    // Map order is insertion order: the first entry is the one kept longest ago.
    while (this.entries.size > this.options.max) this.drop(this.entries.keys().next().value!);
    this.sweepLater();
  }

  /** Forgets an instance's engine (its instance changed by other means). */
  drop(instanceId: string): void {
    const entry = this.entries.get(instanceId);
    if (!entry) return;
    this.entries.delete(instanceId);
    entry.step.discard();
  }

  clear(): void {
    for (const id of [...this.entries.keys()]) this.drop(id);
    if (this.sweeper) clearTimeout(this.sweeper);
    this.sweeper = null;
  }

  /** Idle engines are stopped even when no command comes to take them. */
  private sweepLater(): void {
    if (this.sweeper) return;
    this.sweeper = setTimeout(() => {
      this.sweeper = null;
      const now = performance.now();
      for (const [id, entry] of this.entries) if (now - entry.keptAt > this.options.idleMs) this.drop(id);
      if (this.entries.size > 0) this.sweepLater();
    }, this.options.idleMs).unref();
  }
}
