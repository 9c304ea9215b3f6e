import type { Clock } from '../engine/clock.js';
import type { SystemJob } from '../engine/jobs/job-runner.js';
import type { JobStore } from '../store/job-store.js';
import type { DigestKeyring } from './digest-keys.js';
import { sealMissingDays, type DigestDeps } from './daily-digest.js';
import { nextSealTime } from './digest-days.js';

/** One job for the whole cluster: its fixed id makes every node schedule the same one. */
export const DIGEST_JOB_ID = 'system:daily-digest';
export const DIGEST_TOPIC = 'daily-digest';

/**
 * Makes sure the sealing job exists and is armed: due now the first time (it seals whatever
 * ended days are missing), re-armed if it had been finished. A job that is pending, running or
 * an incident is left alone, so several nodes starting together make one job.
 */
export async function ensureDigestJob(jobs: JobStore, clock: Clock): Promise<void> {
  const now = clock.now();
  const job = {
    _id: DIGEST_JOB_ID,
    kind: 'system' as const,
    instanceId: 'system',
    activityId: DIGEST_TOPIC,
    executionId: DIGEST_TOPIC,
    topic: DIGEST_TOPIC,
    dueAt: now,
    status: 'pending' as const,
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  };
  const existing = await jobs.byId(DIGEST_JOB_ID);
  if (!existing) await jobs.schedule(job);
  else if (existing.status === 'done' || existing.status === 'cancelled') await jobs.replace(job);
}

/**
 * The job's work: seal every ended day still missing (normally just yesterday), then come back
 * at 00:10 UTC tomorrow. Sealing is idempotent per day, so a node killed half-way, whose lease
 * another node takes over, or two nodes racing, still leave one digest per day.
 */
export function digestSystemJob(
  deps: DigestDeps,
  keys: DigestKeyring,
  log?: (sealed: string[]) => void,
): SystemJob {
  return async (now) => {
    const sealed = await sealMissingDays(deps, keys, now);
    if (sealed.length) log?.(sealed);
    return nextSealTime(now);
  };
}
