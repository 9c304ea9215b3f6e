/** CPU and memory figures read from Linux /proc; each is simply `undefined` elsewhere. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    const ticks = execFileSync('getconf', ['CLK_TCK'], { stdio: ['ignore', 'pipe', 'ignore'] });
    return Number(ticks.toString()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU in µs of a /proc stat file (a process, or one thread of ours); 10 ms resolution. */
export function statCpuUs(file: string): number | undefined {
  try {
    const stat = readFileSync(file, 'utf8');
    // after "pid (comm) ": state is field 3, utime and stime are fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** User + system CPU of a process, all its threads, in µs (10 ms resolution). */
export function processCpuUs(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : statCpuUs(`/proc/${pid}/stat`);
}

/** Resident memory of a process in MB, from /proc/<pid>/status. */
export function processRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time the whole machine spent not idle (steal included), in µs. */
export function machineBusyUs(): number | undefined {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return ((user + nice + system + irq + softirq + (steal || 0)) * 1e6) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * CPU other processes used while a figure ran, in % of one CPU (noise): the machine's busy time
 * minus the server's and this process's. Undefined when the machine or server figure is missing.
 */
export function otherCpuPercent(
  machineUs: number | undefined,
  serverUs: number | undefined,
  clientUs: number,
  wallMs: number,
): number | undefined {
  return machineUs === undefined || serverUs === undefined
    ? undefined
    : (100 * Math.max(0, machineUs - serverUs - clientUs)) / (wallMs * 1000);
}
