/**
 * The engine figures, in one process, in this order: the raw engine, EngineStep without the
 * store, the persisted runtime (sequential, concurrent, commands per instance), a CPU profile of
 * the persisted loop, waiting instances, a restart over them with overdue timers, and timers due
 * in the same second under a node's scheduler. `npm run bench:engine` prints them alone;
 * `npm run bench` runs them with the other sections.
 */
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedMongoProcess, stopProcess } from '../../test/support/embedded-mongo-process.mjs';
import { ManualClock } from '../../src/engine/clock.js';
import { deployDefinition } from '../../src/engine/definitions/deploy-definition.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import { trackChild } from '../support/child-guard.js';
import { fixed } from '../support/format.js';
import { ROOT } from '../support/paths.js';
import { emptySection, recordFailure, type SectionReport } from '../support/report.js';
import { CATALOG, FLOW_KEY, FLOW_XML, WAIT_XML } from './diagrams.js';
import type { EngineSettings } from './engine-settings.js';
import { rawInstance, rawTwoLives, stepOnly } from './in-memory-engine.js';
import { cpuDetail, throughput, type MeasureContext, type Throughput } from './measure.js';
import {
  commandsPerInstance,
  concurrentInstance,
  createNode,
  persistedInstance,
  type Node,
} from './persisted-node.js';
import { profilePersisted } from './persisted-profile.js';
import { formatProfileSummary, type ProfileSummary } from '../support/profile-summary.js';
import { dueTogetherFigures, restartFigures } from './timer-figures.js';
import { waitingFigures } from './waiting-figures.js';

export interface EngineReport extends SectionReport {
  /** Instances per second of the headline figures (for the summary and ratios). */
  raw?: Throughput;
  persisted?: Throughput;
}

export async function runEngineFigures(
  settings: EngineSettings,
  log: (message: string) => void,
): Promise<EngineReport> {
  const report: EngineReport = emptySection();
  const disturbed: string[] = [];
  const failed = (section: string, what: string, error: unknown): void =>
    recordFailure(report, section, what, error, log);

  const server = await startEmbeddedMongoProcess();
  trackChild(server.child);
  const context: MeasureContext = {
    serverPid: server.child.pid,
    durationMs: settings.durationMs,
    warmupMs: settings.warmupMs,
    log,
    disturbed,
  };
  log(`embedded server pid ${server.child.pid} at ${server.uri} (in memory)`);
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const nodes: Node[] = [];
  try {
    const node = await createNode(server.uri, clock);
    nodes.push(node);
    await node.connection.dropDatabase();
    await Promise.all(Object.values(node.stores).map((store) => store.init()));
    for (const xml of [FLOW_XML, WAIT_XML])
      await deployDefinition(node.stores.definitions, xml, { catalog: CATALOG, deployedBy: 'bench' });
    await stopDiagramValidator();
    const flow = await node.definitions.latest(FLOW_KEY);

    // 1. Raw engine ------------------------------------------------------------------------
    log('1. raw bpmn-engine in memory (same diagram and parsed sourceContext; instant service extension)');
    try {
      report.raw = await throughput(
        () => rawInstance(flow).then(() => undefined),
        1,
        context,
        'raw engine, 1 at a time',
      );
      report.rows.push({
        section: '1',
        figure: 'raw bpmn-engine, sequential',
        value: `${fixed(report.raw.perSecond, 1)}/s`,
        detail: cpuDetail(report.raw),
      });
      report.method.push(
        '1: raw = `new Engine({ name, sourceContext, extensions })` with default options on the same diagram ' +
          '(camunda:type="external" topic notify) and the same parsed sourceContext (parsed once); an extension ' +
          "sets activity.behaviour.Service to call back at once; the user task is signalled in the 'wait' listener.",
      );
    } catch (error) {
      failed('1', 'raw bpmn-engine', error);
    }
    const raw = report.raw;
    let step: Throughput | undefined;
    try {
      let n = 0;
      step = await throughput(() => stepOnly(flow, `step-${++n}`), 1, context, 'EngineStep only, no store');
      report.rows.push({
        section: '1b',
        figure: 'preplan EngineStep ×3, no store',
        value: `${fixed(step.perSecond, 1)}/s`,
        detail: cpuDetail(step),
      });
      report.method.push(
        "1b: preplan's EngineStep (src/engine/runtime/engine-step.ts) without the store: 3 engine lives " +
          '(execute to the parked service; recover+resume+deliver; recover+resume+complete), each ending in getState ' +
          'and JSON copies, the state handed over in memory: the engine side of a persisted instance whose engine is ' +
          'never kept. With kept engines (the default) the delivery goes on with the engine of the start instead.',
      );
    } catch (error) {
      failed('1b', 'EngineStep only', error);
    }
    try {
      const twoLives = await throughput(() => rawTwoLives(flow), 1, context, 'raw engine, two lives');
      report.rows.push({
        section: '1c',
        figure: 'raw bpmn-engine, two lives (recovered at the user task)',
        value: `${fixed(twoLives.perSecond, 1)}/s`,
        detail: `${raw ? `÷ raw ${fixed(twoLives.perSecond / raw.perSecond, 3)}: the ceiling of any design that keeps no engine for a person; ` : ''}${cpuDetail(twoLives)}`,
      });
      report.method.push(
        '1c: raw bpmn-engine, no store and none of preplan: the service parks and is handed its result, the ' +
          'engine reaches the user task and saves its state (getState, copied as JSON as a store would); a new ' +
          'Engine recovers it, resumes, and is signalled to the end.',
      );
    } catch (error) {
      failed('1c', 'raw engine, two lives', error);
    }

    // 2. Persisted runtime -----------------------------------------------------------------
    log('2. persisted runtime: start → runDue (service job) → open task → completeTask');
    try {
      const persisted = await throughput(() => persistedInstance(node), 1, context, 'persisted, 1 at a time');
      report.persisted = persisted;
      report.rows.push({
        section: '2',
        figure: 'preplan persisted, sequential',
        value: `${fixed(persisted.perSecond, 1)}/s`,
        detail: cpuDetail(persisted),
      });
      if (raw) {
        const ratio = persisted.perSecond / raw.perSecond;
        report.rows.push({
          section: '2',
          figure: 'persisted ÷ raw (sequential)',
          value: fixed(ratio, 3),
          detail: `${fixed(1000 / persisted.perSecond, 1)} ms vs ${fixed(1000 / raw.perSecond, 1)} ms per instance`,
          target: '≥ 0.5',
          met: ratio >= 0.5,
        });
      }
      if (step)
        report.rows.push({
          section: '2',
          figure: 'EngineStep-only ÷ raw',
          value: fixed(step.perSecond / (raw?.perSecond ?? NaN), 3),
          detail: 'the ceiling of persisted ÷ raw if the store cost nothing',
        });
    } catch (error) {
      failed('2', 'persisted, sequential', error);
    }
    try {
      node.runtime.trackDeliveries(true);
      const concurrent = await throughput(
        () => concurrentInstance(node),
        settings.concurrency,
        context,
        `persisted, ${settings.concurrency} in flight`,
      );
      report.rows.push({
        section: '2',
        figure: `preplan persisted, ${settings.concurrency} in flight`,
        value: `${fixed(concurrent.perSecond, 1)}/s`,
        detail: cpuDetail(concurrent),
      });
      report.method.push(
        `2: sequential = runtime.start → runner.runDue() (claims and runs the service job, then finds none) → ` +
          `tasks.forInstance → runtime.completeTask, checked to end completed; ${settings.concurrency} in flight = ` +
          `${settings.concurrency} such loops, each calling runDue(1) (runs one due job, anyone's) and waiting until ` +
          'its own service result is delivered.',
      );
      if (raw)
        report.rows.push({
          section: '2',
          figure: `persisted ×${settings.concurrency} ÷ raw`,
          value: fixed(concurrent.perSecond / raw.perSecond, 3),
          target: '≥ 0.5',
          met: concurrent.perSecond / raw.perSecond >= 0.5,
        });
      const budget = cpuBudget(concurrent, raw);
      if (budget) report.rows.push({ section: '2', ...budget });
    } catch (error) {
      failed('2', `persisted, ${settings.concurrency} in flight`, error);
    } finally {
      node.runtime.trackDeliveries(false);
    }
    // The same with every step rebuilding its engine: what keeping engines for service jobs buys.
    try {
      const cold = await createNode(server.uri, clock, { hotEngines: { max: 0, idleMs: 0 } });
      nodes.push(cold);
      cold.runtime.trackDeliveries(true);
      const rebuilt = await throughput(
        () => concurrentInstance(cold),
        settings.concurrency,
        context,
        `persisted, ${settings.concurrency} in flight, no kept engines`,
      );
      report.rows.push({
        section: '2',
        figure: `… with no kept engines (PREPLAN_HOT_ENGINES=0)`,
        value: `${fixed(rebuilt.perSecond, 1)}/s`,
        detail: `${raw ? `÷ raw ${fixed(rebuilt.perSecond / raw.perSecond, 3)}; ` : ''}${cpuDetail(rebuilt)}`,
      });
      cold.runtime.trackDeliveries(false);
    } catch (error) {
      failed('2', 'persisted, no kept engines', error);
    }
    try {
      const commands = await commandsPerInstance(server.uri, clock);
      report.details.commandsPerInstance = commands;
      report.rows.push({
        section: '2',
        figure: 'database commands per instance',
        value: fixed(commands.total, 1),
        detail: 'round trips, counted on a monitored connection over 20 instances (breakdown below)',
      });
      log(`database commands per persisted instance: ${fixed(commands.total, 1)}`);
    } catch (error) {
      failed('2', 'database commands per instance', error);
    }

    // 5. Profile (before the waiting instances: their timers would become due here) --------
    if (settings.profileMs > 0) {
      log(`5. CPU profile of the persisted loop for ${settings.profileMs} ms (inspector, in process)`);
      try {
        const profile = await profilePersisted(node, settings.profileMs);
        report.details.profile = {
          ...profile.summary,
          file: path.relative(ROOT, profile.file),
          instances: profile.count,
        };
      } catch (error) {
        failed('5', 'CPU profile', error);
      }
    }

    // 3. Waiting instances -----------------------------------------------------------------
    log(`3. starting ${settings.waiting} waiting instances (user task + PT1H boundary timer)`);
    let firstWaiting: string | undefined;
    try {
      firstWaiting = await waitingFigures(node, flow, settings, context, report);
    } catch (error) {
      failed('3', 'waiting instances', error);
    }

    // 4. Restart to ready, then overdue timers ---------------------------------------------
    log('4. a restarted node: new connection, stores, DefinitionCache, Runtime, JobRunner');
    try {
      if (!firstWaiting) throw new Error('no waiting instance to complete');
      await restartFigures(server.uri, clock, firstWaiting, settings, context, report, nodes);
    } catch (error) {
      failed('4', 'restart and overdue timers', error);
    }
    try {
      await dueTogetherFigures(server.uri, settings, context, report, nodes);
    } catch (error) {
      failed('4b', 'timers due in the same second', error);
    }
  } finally {
    for (const node of nodes) await node.connection.close().catch(() => undefined);
    await stopDiagramValidator();
    await stopProcess(server.child);
  }
  if (disturbed.length)
    report.notes.push(
      `warning: other processes were busy (> 25% of a CPU) during ${disturbed.join(', ')}; those figures are disturbed`,
    );
  return report;
}

/** The commands per instance and the profile, as text (after the table). */
export function engineExtras(report: SectionReport): string {
  let text = '';
  const commands = report.details.commandsPerInstance as
    Awaited<ReturnType<typeof commandsPerInstance>> | undefined;
  if (commands)
    text +=
      `\nDatabase commands per persisted instance (${fixed(commands.total, 1)}):\n` +
      commands.perInstance.map((c) => `  ${fixed(c.perInstance, 1).padStart(5)}  ${c.command}`).join('\n') +
      '\n';
  const profile = report.details.profile as
    (ProfileSummary & { file: string; instances: number }) | undefined;
  if (profile)
    text +=
      `\n5. CPU profile of the persisted loop (bench process only; ${profile.instances} instances; ` +
      `busy ${profile.busySamples} samples, idle ${profile.idleSamples} = waiting for the server; ` +
      `percent of busy samples; kept as ${profile.file}):\n\n${formatProfileSummary(profile)}`;
  return text;
}

/**
 * What the machine's cores allow: the CPU one persisted instance costs every process (the
 * node's threads and the store's), and the rate the cores would give if nothing ever waited.
 */
function cpuBudget(
  concurrent: Throughput,
  raw: Throughput | undefined,
): { figure: string; value: string; detail: string } | undefined {
  const { clientAllUs, serverUs } = concurrent.cpu;
  if (serverUs === undefined) return undefined;
  const msPerInstance = (clientAllUs + serverUs) / concurrent.instances / 1000;
  const cores = os.availableParallelism();
  const bound = (cores * 1000) / msPerInstance;
  return {
    figure: `… CPU bound on ${cores} cores`,
    value: raw ? `÷ raw ≤ ${fixed(bound / raw.perSecond, 2)}` : `≤ ${fixed(bound, 1)}/s`,
    detail:
      `${fixed(msPerInstance, 1)} ms of CPU per instance (node, all threads, + store): at most ` +
      `${fixed(bound, 1)}/s on ${cores} cores kept busy all the time`,
  };
}
