/** Where a CPU profile's busy samples fell: top functions, packages and source folders. */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { countSamples, relativeUrl, topEntries, type CpuProfile, type ProfileNode } from './cpu-profile.js';
import { fixed } from './format.js';
import { RESULTS_DIR } from './paths.js';

export interface ProfileSummary {
  busySamples: number;
  idleSamples: number;
  selfTop: Array<{ fn: string; percent: number }>;
  totalTop: Array<{ fn: string; percent: number }>;
  byComponent: Array<{ component: string; percent: number }>;
}

/** A package under node_modules, a folder of src/ (two levels), or what V8 calls it. */
export function componentOf(node: ProfileNode): string {
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

export function summarizeProfile(
  profile: CpuProfile,
  options: { top?: number; windows?: Array<[number, number]> | null } = {},
): ProfileSummary {
  const top = options.top ?? 12;
  const name = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = relativeUrl(url).replace(/^node_modules\//, '');
    return `${functionName || '(anonymous)'}${file ? `  ${file}:${lineNumber + 1}` : ''}`;
  };
  const { busy, idle, self, total, components } = countSamples(profile, name, {
    componentOf,
    windows: options.windows,
  });
  return {
    busySamples: busy,
    idleSamples: idle,
    selfTop: topEntries(self, top, busy).map(({ key, percent }) => ({ fn: key, percent })),
    totalTop: topEntries(total, 2 * top, busy).map(({ key, percent }) => ({ fn: key, percent })),
    byComponent: topEntries(components, 16, busy).map(({ key, percent }) => ({ component: key, percent })),
  };
}

/** The summary as text: self time, self time by component, inclusive time. */
export function formatProfileSummary(summary: ProfileSummary): string {
  const lines = (entries: Array<{ percent: number; label: string }>): string =>
    entries.map((e) => `  ${fixed(e.percent, 1).padStart(5)}%  ${e.label}`).join('\n');
  return (
    `self time:\n${lines(summary.selfTop.map((f) => ({ percent: f.percent, label: f.fn })))}\n\n` +
    `by component (self time):\n${lines(summary.byComponent.map((c) => ({ percent: c.percent, label: c.component })))}\n\n` +
    `total time (inclusive):\n${lines(summary.totalTop.map((f) => ({ percent: f.percent, label: f.fn })))}\n`
  );
}

/** Profiles this process's main thread (inspector, in process) until the returned stop is called. */
export async function startProfiler(intervalUs: number): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return async () => {
    try {
      const { profile } = await session.post('Profiler.stop');
      return profile as unknown as CpuProfile;
    } finally {
      session.disconnect();
    }
  };
}

/** Keeps a profile as bench/results/<name> (open it in Chrome DevTools); returns its path. */
export async function keepProfile(profile: CpuProfile, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, name);
  await writeFile(file, JSON.stringify(profile));
  return file;
}
