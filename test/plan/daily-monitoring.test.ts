import { HOUR, MINUTE, data, incident, mailsTo, usePlanHarness } from './plan-support.js';
import type { PlanHarness } from '../support/plan-harness.js';
import { formVariants } from '../forms/form-examples.js';

// The harness starts on Saturday 2026-03-14 09:00 in Shanghai: the rest-day sweep is due at 10:00.
const plan = usePlanHarness();

async function sweepTasks(h: PlanHarness) {
  return (await h.node.stores.tasks.openTasks()).filter((t) => t.definitionKey === 'daily-monitoring');
}

test('the rest-day sweep opens one task for the monitors at 10:00; its findings each open a case, a known source does not', async () => {
  const { h } = plan;
  const known = await h.report(incident(h, 3));
  expect(await sweepTasks(h)).toEqual([]);
  await h.advance(HOUR);
  const [sweep] = await sweepTasks(h);
  expect(sweep).toMatchObject({ activityId: 'Sweep', candidateGroups: ['monitor'] });
  expect(sweep.instanceId).toBe('daily-monitoring@2026-03-14T02:00:00.000Z');

  const fresh = {
    ...data['monitoring-sweep'].findings[0],
    title: '网民反映和平社区垃圾清运不及时',
    category: 'ecology',
    sourceUrls: ['https://bbs.example.com/thread-200001-1-1.html'],
    firstSeenAt: new Date(h.clock.now().getTime() - 5 * MINUTE).toISOString(),
    occurredAt: new Date(h.clock.now().getTime() - 30 * MINUTE).toISOString(),
    grade: 4,
  };
  const findings = [{ ...fresh }, { ...data['monitoring-sweep'].findings[0], sourceUrls: known.sourceUrls }];
  await h.node.domain.completeTask(
    sweep._id,
    { id: 'monitor1', roles: ['monitor'] },
    {
      ...data['monitoring-sweep'],
      findings,
    },
  );
  await h.drain();
  const cases = await h.node.stores.cases.list({}, { skip: 0, limit: 10 });
  expect(cases.map((c) => [c.title, c.via, c.reportedBy]).sort()).toEqual(
    [
      [known.title, 'form', 'monitor1'],
      ['网民反映和平社区垃圾清运不及时', 'sweep', 'monitor1'],
    ].sort(),
  );
  const opened = cases.find((c) => c.via === 'sweep')!;
  expect((await h.openTasks(opened._id)).map((t) => t.activityId).sort()).toEqual([
    'AskLeadingGroup',
    'Monitor',
  ]);
  const finished = await h.node.stores.instances.load(sweep.instanceId);
  expect(finished).toMatchObject({
    status: 'completed',
    variables: { openedCases: [opened._id], alreadyReported: [{ finding: 1, caseId: known._id }] },
  });
});

test('a sweep with nothing found ends in an explicit zero report', async () => {
  const { h } = plan;
  await h.advance(HOUR);
  const [sweep] = await sweepTasks(h);
  await h.node.domain.completeTask(
    sweep._id,
    { id: 'monitor1', roles: ['monitor'] },
    formVariants.sweepZeroReport.data,
  );
  await h.drain();
  const history = await h.node.stores.history.forInstance(sweep.instanceId);
  expect(history.filter((e) => e.type === 'activity.end').map((e) => e.activityId)).toContain('ZeroReport');
  expect(await h.node.stores.cases.list({}, { skip: 0, limit: 10 })).toEqual([]);
});

test('a sweep not done is reminded after an hour and recorded as missed after four, telling the office', async () => {
  const { h } = plan;
  await h.advance(HOUR);
  const [sweep] = await sweepTasks(h);
  await h.advance(HOUR);
  expect(mailsTo(h, 'monitor1@street.example')).toEqual([expect.stringContaining('监测')]);
  expect(mailsTo(h, 'office1@street.example')).toEqual([]);
  await h.advance(3 * HOUR);
  expect(mailsTo(h, 'office1@street.example')).toEqual([expect.stringContaining('未按时')]);
  expect(await h.node.stores.tasks.byId(sweep._id)).toMatchObject({ status: 'cancelled' });
  const history = await h.node.stores.history.forInstance(sweep.instanceId);
  expect(history.map((e) => e.activityId)).toContain('SweepMissedEnd');
  // The next sweep is already scheduled: Sunday 10:00 in Shanghai.
  const schedules = await h.node.stores.jobs.find({ kind: 'process-start', status: 'pending' });
  expect(schedules.map((j) => j.dueAt.toISOString()).sort()).toEqual([
    '2026-03-15T02:00:00.000Z',
    '2026-03-16T01:00:00.000Z',
  ]);
});
