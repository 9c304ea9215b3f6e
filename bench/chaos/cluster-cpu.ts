/**
 * CPU the cluster's processes spent over a stretch of a run, read from /proc (Linux only; empty
 * elsewhere): the store, the nodes (those alive at both ends: a killed node's CPU is gone with
 * it), this process (the staff and the peers), and everything else on the machine (noise).
 */
import type { Cluster } from '../../test/support/cluster.js';
import { machineBusyUs, processCpuUs } from '../support/proc-stats.js';

export interface CpuSpent {
  storeS?: number;
  /** Nodes alive from start to end of the stretch. */
  nodesS?: number;
  /** This process: the simulated staff, the SMTP and HTTP peers, the checks' queries. */
  driverS: number;
  /** CPU of processes outside the run (other work on the machine), in % of one CPU. */
  otherPercent?: number;
}

interface Mark {
  at: number;
  store?: number;
  nodes: Map<number, number>;
  driver: NodeJS.CpuUsage;
  machine?: number;
}

export function cpuMark(cluster: Cluster): Mark {
  const nodes = new Map<number, number>();
  for (const node of cluster.nodes) {
    const pid = node.child?.pid;
    const us = processCpuUs(pid);
    if (pid !== undefined && us !== undefined) nodes.set(pid, us);
  }
  return {
    at: Date.now(),
    store: processCpuUs(cluster.storeProcess.pid),
    nodes,
    driver: process.cpuUsage(),
    machine: machineBusyUs(),
  };
}

export function cpuSince(cluster: Cluster, mark: Mark): CpuSpent {
  const store = processCpuUs(cluster.storeProcess.pid);
  let nodesUs: number | undefined;
  for (const [pid, before] of mark.nodes) {
    const now = processCpuUs(pid);
    if (now !== undefined) nodesUs = (nodesUs ?? 0) + (now - before);
  }
  const driver = process.cpuUsage(mark.driver);
  const driverUs = driver.user + driver.system;
  const storeUs = store !== undefined && mark.store !== undefined ? store - mark.store : undefined;
  const machine = machineBusyUs();
  const wallMs = Date.now() - mark.at;
  const otherUs =
    machine !== undefined && mark.machine !== undefined && storeUs !== undefined && nodesUs !== undefined
      ? Math.max(0, machine - mark.machine - storeUs - nodesUs - driverUs)
      : undefined;
  return {
    storeS: storeUs === undefined ? undefined : storeUs / 1e6,
    nodesS: nodesUs === undefined ? undefined : nodesUs / 1e6,
    driverS: driverUs / 1e6,
    otherPercent: otherUs === undefined ? undefined : (100 * otherUs) / (wallMs * 1000),
  };
}
