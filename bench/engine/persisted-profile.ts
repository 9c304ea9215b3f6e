/** Figure 5 of the engine bench: a CPU profile of the sequential persisted loop, in process. */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import {
  countSamples,
  relativeUrl,
  topEntries,
  type CpuProfile,
  type ProfileNode,
} from '../support/cpu-profile.js';
import { RESULTS_DIR } from '../support/paths.js';
import { runFor } from '../support/run-for.js';
import { persistedInstance, type Node } from './persisted-node.js';

export interface ProfileSummary {
  busySamples: number;
  idleSamples: number;
  selfTop: Array<{ fn: string; percent: number }>;
  totalTop: Array<{ fn: string; percent: number }>;
  byComponent: Array<{ component: string; percent: number }>;
}

function componentOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(program)') return '(program: V8, native)';
  if (!url) return '(native: socket writes, builtins)';
  if (url.startsWith('node:')) return 'node internals';
  const file = relativeUrl(url);
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  if (pkg) return pkg[1];
  if (file.startsWith('src/')) return file.split('/').slice(0, 3).join('/');
  return file.split('/')[0] || file;
}

function summarizeProfile(profile: CpuProfile, top = 12): ProfileSummary {
  const name = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = relativeUrl(url).replace(/^node_modules\//, '');
    return `${functionName || '(anonymous)'}${file ? `  ${file}:${lineNumber + 1}` : ''}`;
  };
  const { busy, idle, self, total, components } = countSamples(profile, name, { componentOf });
  return {
    busySamples: busy,
    idleSamples: idle,
    selfTop: topEntries(self, top, busy).map(({ key, percent }) => ({ fn: key, percent })),
    totalTop: topEntries(total, 2 * top, busy).map(({ key, percent }) => ({ fn: key, percent })),
    byComponent: topEntries(components, 16, busy).map(({ key, percent }) => ({ component: key, percent })),
  };
}

export async function profilePersisted(
  node: Node,
  ms: number,
): Promise<{ summary: ProfileSummary; file: string; count: number }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
    await session.post('Profiler.start');
    const count = await runFor(() => persistedInstance(node), 1, ms, null);
    const { profile } = await session.post('Profiler.stop');
    await mkdir(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, 'engine-persisted.cpuprofile');
    await writeFile(file, JSON.stringify(profile));
    return { summary: summarizeProfile(profile as unknown as CpuProfile), file, count };
  } finally {
    session.disconnect();
  }
}
