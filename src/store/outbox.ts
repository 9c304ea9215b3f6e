import type { HistoryEvent } from './history-store.js';
import type { TaskRecord } from './task-store.js';
import type { JobRecord } from './job-store.js';

/**
 * Writes a command owes to other collections, carried in the instance document's single
 * conditional write and applied afterwards. Every entry is idempotent, so applying it twice
 * (after a crash) changes nothing.
 */
export type OutboxEntry =
  | { kind: 'history'; event: HistoryEvent }
  | { kind: 'task-open'; task: TaskRecord }
  | {
      kind: 'task-close';
      taskId: string;
      status: 'completed' | 'cancelled';
      at: Date;
      completedBy?: string;
      data?: Record<string, unknown>;
    }
  | { kind: 'job-schedule'; job: JobRecord }
  | { kind: 'job-finish'; jobId: string; status: 'done' | 'cancelled' };

export interface ChildOutcome {
  status: 'completed' | 'failed' | 'cancelled';
  childId: string;
  output: Record<string, unknown>;
  error?: { message: string; code?: string };
}
