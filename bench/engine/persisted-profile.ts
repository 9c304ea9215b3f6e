/** Figure 5 of the engine bench: a CPU profile of the sequential persisted loop, in process. */
import {
  keepProfile,
  startProfiler,
  summarizeProfile,
  type ProfileSummary,
} from '../support/profile-summary.js';
import { runFor } from '../support/run-for.js';
import { persistedInstance, type Node } from './persisted-node.js';

export type { ProfileSummary } from '../support/profile-summary.js';

export async function profilePersisted(
  node: Node,
  ms: number,
): Promise<{ summary: ProfileSummary; file: string; count: number }> {
  const stop = await startProfiler(250);
  let count: number;
  try {
    count = await runFor(() => persistedInstance(node), 1, ms, null);
  } catch (error) {
    await stop();
    throw error;
  }
  const profile = await stop();
  const file = await keepProfile(profile, 'engine-persisted.cpuprofile');
  return { summary: summarizeProfile(profile), file, count };
}
