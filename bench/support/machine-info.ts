import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './paths.js';

/** The installed version of a package in node_modules, if it can be read. */
export function packageVersion(pkg: string): string | undefined {
  try {
    return JSON.parse(readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

/**
 * What the results were measured on: CPUs, memory, OS (with `arch` if asked), Node, the given
 * library versions, the load average now and the commit.
 */
export function machineInfo(
  versions: Record<string, string | undefined>,
  options: { arch?: boolean } = {},
): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    totalMemMB: Math.round(os.totalmem() / 2 ** 20),
    platform: os.platform(),
    release: os.release(),
    ...(options.arch ? { arch: os.arch() } : {}),
    node: process.version,
    ...versions,
    loadavgAtStart: os.loadavg(),
    commit: gitCommit(),
  };
}
