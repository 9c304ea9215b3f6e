/** CPU spent between two marks: this process (all threads and the main thread), the server child, others. */
import { performance } from 'node:perf_hooks';
import { machineBusyUs, otherCpuPercent, processCpuUs, statCpuUs } from './proc-stats.js';

export interface CpuMark {
  wallMs: number;
  clientAll: NodeJS.CpuUsage;
  clientMainUs?: number;
  serverPid?: number;
  serverUs?: number;
  machineUs?: number;
}

export interface CpuSpent {
  wallMs: number;
  /** This process, every thread (the main thread, V8's GC helpers, tsx's loader). */
  clientAllUs: number;
  /** This process's main thread: the JavaScript. */
  clientMainUs?: number;
  /** The embedded server process, every thread. */
  serverUs?: number;
  /** CPU other processes used meanwhile, in % of one CPU: noise. */
  otherPercent?: number;
}

export function cpuMark(serverPid: number | undefined): CpuMark {
  return {
    wallMs: performance.now(),
    clientAll: process.cpuUsage(),
    clientMainUs: statCpuUs(`/proc/self/task/${process.pid}/stat`),
    serverPid,
    serverUs: processCpuUs(serverPid),
    machineUs: machineBusyUs(),
  };
}

export function cpuSince(mark: CpuMark): CpuSpent {
  const now = cpuMark(mark.serverPid);
  const all = process.cpuUsage(mark.clientAll);
  const diff = (a?: number, b?: number): number | undefined =>
    a === undefined || b === undefined ? undefined : a - b;
  const wallMs = now.wallMs - mark.wallMs;
  const serverUs = diff(now.serverUs, mark.serverUs);
  const machineUs = diff(now.machineUs, mark.machineUs);
  const clientAllUs = all.user + all.system;
  return {
    wallMs,
    clientAllUs,
    clientMainUs: diff(now.clientMainUs, mark.clientMainUs),
    serverUs,
    otherPercent: otherCpuPercent(machineUs, serverUs, clientAllUs, wallMs),
  };
}
