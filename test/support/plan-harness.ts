import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { ManualClock } from '../../src/engine/clock.js';
import { startPreplanNode, type PreplanNode } from '../../src/app/preplan-node.js';
import type { TaskRecord } from '../../src/store/task-store.js';
import type { CaseRecord } from '../../src/store/case-store.js';
import { roleNames } from '../../src/roles.js';
import { startSmtpPeer, type SmtpPeer } from './smtp-peer.js';
import { startHttpPeer, type HttpPeer } from './http-peer.js';
import { peerChannels } from './peer-channels.js';
import { testMongoUri } from './test-database.js';

const ROOT = path.join(import.meta.dirname, '../..');

/** One user per plan role, named after it (`leader1`, `office1`, …), with an address on the SMTP peer. */
export const STAFF = roleNames.map((role) => ({ id: `${role}1`, role, email: `${role}1@street.example` }));

export interface PlanHarness {
  node: PreplanNode;
  clock: ManualClock;
  smtp: SmtpPeer;
  http: HttpPeer;
  /** Runs every job due at the current virtual time until none is left. */
  drain(): Promise<void>;
  /** Advances virtual time by `ms` and runs what fell due. */
  advance(ms: number): Promise<void>;
  report(data: Record<string, unknown>, actor?: string): Promise<CaseRecord>;
  caseOf(id: string): Promise<CaseRecord>;
  /** Open tasks of a case (intake and its grade processes). */
  openTasks(caseId: string): Promise<TaskRecord[]>;
  /** Completes the case's one open task of this activity as a user of `role`. */
  complete(
    caseId: string,
    activityId: string,
    role: string,
    data: Record<string, unknown>,
  ): Promise<TaskRecord>;
  close(): Promise<void>;
}

/**
 * A preplan node with the real plan (processes/, forms/, config/plan.json) on the test database,
 * on virtual time, with its outside channels pointed at a real SMTP server and an HTTP peer on
 * loopback: WeCom and DingTalk robots, the county inbox and the publication CMS.
 */
export async function startPlanHarness(
  database: string,
  options: { publication?: boolean; start?: string; digestKey?: string } = {},
): Promise<PlanHarness> {
  const smtp = await startSmtpPeer();
  const http = await startHttpPeer();
  http.reply('/cms/publish', { body: { url: 'https://www.street.example/news/1' } });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'preplan-plan-'));
  const channelsFile = path.join(dir, 'channels.json');
  writeFileSync(channelsFile, JSON.stringify(peerChannels(smtp, http, { publication: options.publication })));
  const clock = new ManualClock(options.start ?? '2026-03-14T01:00:00.000Z');
  const node = await startPreplanNode({
    mongodbUri: testMongoUri(),
    database,
    processesDir: path.join(ROOT, 'processes'),
    formsDir: path.join(ROOT, 'forms'),
    planFile: path.join(ROOT, 'config/plan.json'),
    channelsFile,
    scheduler: false,
    schedulerPollMs: 1000,
    log: pino({ level: 'silent' }),
    clock,
    digestKey: options.digestKey,
  });
  const now = clock.now();
  for (const person of STAFF)
    await node.stores.users.save({
      _id: person.id,
      displayName: person.id,
      roles: [person.role],
      email: person.email,
      active: true,
      demo: false,
      createdAt: now,
      updatedAt: now,
    });

  const drain = async () => {
    for (let round = 0; round < 100; round++) if ((await node.runner.runDue()) === 0) return;
    throw new Error('jobs keep falling due');
  };
  const openTasks = async (caseId: string) =>
    (await node.stores.tasks.openTasks()).filter((task) => task.instanceId.startsWith(`intake-${caseId}`));
  return {
    node,
    clock,
    smtp,
    http,
    drain,
    async advance(ms) {
      clock.advance(ms);
      await drain();
    },
    async report(data, actor = 'monitor1') {
      const opened = await node.domain.openCase(data, { actor, via: 'form' });
      await drain();
      return opened.case;
    },
    async caseOf(id) {
      const record = await node.stores.cases.byId(id);
      if (!record) throw new Error(`no case ${id}`);
      return record;
    },
    openTasks,
    async complete(caseId, activityId, role, data) {
      const tasks = (await openTasks(caseId)).filter((task) => task.activityId === activityId);
      if (tasks.length !== 1)
        throw new Error(
          `expected one open ${activityId} task, found ${tasks.length}; open: ${(await openTasks(caseId)).map((t) => t.activityId).join(', ')}`,
        );
      await node.domain.completeTask(tasks[0]._id, { id: `${role}1`, roles: [role] }, data);
      await drain();
      return tasks[0];
    },
    async close() {
      await node.connection.dropDatabase();
      await node.stop();
      await Promise.all([smtp.close(), http.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
