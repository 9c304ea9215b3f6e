import { Timers } from 'bpmn-elements';

export interface PendingTimer {
  /** The boundary or catch event's id. */
  activityId: string;
  /** The timer's own execution id (`<activity execution>_0`). */
  executionId: string;
  timerType: string;
  value: string;
  /** Milliseconds until due, as the engine computed it when it armed the timer. */
  delay: number;
}

interface TimerRef {
  callback: (...args: unknown[]) => void;
  args: unknown[];
  delay: number;
  owner?: { id?: string; executionId?: string; timerType?: string; [key: string]: unknown };
}

/**
 * Timers that never fire by themselves: no engine outlives its command, so a timer is a job
 * in the store and fires when the scheduler (or a drill's virtual clock) says so.
 */
export class HostTimers extends Timers {
  constructor() {
    super({ setTimeout: (() => ({ host: true })) as never, clearTimeout: (() => undefined) as never });
  }

  private refs(): TimerRef[] {
    return this.executing as unknown as TimerRef[];
  }

  pending(): PendingTimer[] {
    return this.refs()
      .filter((ref) => ref.owner?.id && ref.owner.executionId)
      .map((ref) => ({
        activityId: String(ref.owner!.id),
        executionId: String(ref.owner!.executionId),
        timerType: String(ref.owner!.timerType ?? ''),
        value: String(ref.owner![String(ref.owner!.timerType)] ?? ''),
        delay: ref.delay,
      }));
  }

  /** Fires the timer now, exactly as its own timeout would; false when it is not armed. */
  fire(executionId: string): boolean {
    const ref = this.refs().find((candidate) => candidate.owner?.executionId === executionId);
    if (!ref) return false;
    this.clearTimeout(ref as never);
    ref.callback(...ref.args);
    return true;
  }
}
