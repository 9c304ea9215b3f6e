/** Reading V8 CPU profiles (.cpuprofile): which functions the busy samples fell in. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './paths.js';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** µs of the monotonic clock (the same as process.hrtime's, on the same machine). */
  startTime: number;
  timeDeltas: number[];
}

/** A script URL as a path relative to the project root ('' for none). */
export function relativeUrl(url: string): string {
  if (!url) return '';
  const file = url.startsWith('file:') ? fileURLToPath(url) : url;
  return path.isAbsolute(file) ? path.relative(ROOT, file) : file;
}

/** Samples not taken while the thread was idle. */
export function busySamples(profile: CpuProfile): number {
  const idle = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id),
  );
  return profile.samples.filter((id) => !idle.has(id)).length;
}

export interface SampleCounts {
  /** Samples inside the windows (all samples when there are none). */
  considered: number;
  busy: number;
  idle: number;
  /** Busy samples by the function they were taken in. */
  self: Map<string, number>;
  /** Busy samples by every function on the stack (once per sample). */
  total: Map<string, number>;
  /** Busy samples by `componentOf` the function they were taken in, when given. */
  components: Map<string, number>;
}

/**
 * Counts the samples by function, naming each with `name`; only those taken inside one of
 * `windows` (µs of the profile's clock) when they are given.
 */
export function countSamples(
  profile: CpuProfile,
  name: (node: ProfileNode) => string,
  options: { windows?: Array<[number, number]> | null; componentOf?: (node: ProfileNode) => string } = {},
): SampleCounts {
  const { windows, componentOf } = options;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const counts: SampleCounts = {
    considered: 0,
    busy: 0,
    idle: 0,
    self: new Map(),
    total: new Map(),
    components: new Map(),
  };
  const { self, total, components } = counts;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (windows && !windows.some(([start, end]) => at >= start && at < end)) continue;
    counts.considered++;
    const sample = profile.samples[i];
    const node = byId.get(sample);
    if (!node) continue;
    if (node.callFrame.functionName === '(idle)') {
      counts.idle++;
      continue;
    }
    counts.busy++;
    const own = name(node);
    self.set(own, (self.get(own) ?? 0) + 1);
    if (componentOf) {
      const component = componentOf(node);
      components.set(component, (components.get(component) ?? 0) + 1);
    }
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!;
      if (frame.callFrame.functionName === '(root)') continue;
      const key = name(frame);
      if (!seen.has(key)) total.set(key, (total.get(key) ?? 0) + 1);
      seen.add(key);
    }
  }
  return counts;
}

/** The `count` largest entries of `counts`, each in % of `busy` samples. */
export function topEntries(
  counts: Map<string, number>,
  count: number,
  busy: number,
): Array<{ key: string; percent: number }> {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, samples]) => ({ key, percent: (100 * samples) / Math.max(1, busy) }));
}
