import { HOUR, MINUTE, data, incident, mailsTo, replayCase, usePlanHarness } from './plan-support.js';

const plan = usePlanHarness();

const open = async (h: typeof plan.h, id: string) =>
  (await h.openTasks(id)).map((t) => `${t.activityId}:${t.candidateGroups.join('+')}`).sort();

test('a grade-3 case that worsens is re-graded to 1 mid-flight: the county chain takes over, nothing done is lost', async () => {
  const { h } = plan;
  const { _id: id } = await h.report(incident(h, 3));
  await h.complete(id, 'Consult', 'leader', data.consultation);
  await h.complete(id, 'DraftRelease', 'office', data['release-draft']);
  expect(await open(h, id)).toEqual(['Monitor:monitor', 'SignOff:leader+deputy']);
  const grade3 = (await h.openTasks(id)).find((t) => t.activityId === 'SignOff')!;

  await h.complete(id, 'Monitor', 'monitor', data.worsenedTo(1));

  // The grade-3 process ended as re-graded; its open sign-off is cancelled, not lost silently.
  expect(await h.node.stores.tasks.byId(grade3._id)).toMatchObject({ status: 'cancelled' });
  const record = await h.caseOf(id);
  expect(record.grade).toBe(1);
  expect(record.gradeHistory.map((g) => [g.grade, g.previous ?? null, g.by])).toEqual([
    [3, null, 'monitor1'],
    [1, 3, 'monitor1'],
  ]);
  // The fast report goes again, now to grade 1's chain (members too), and the county is told.
  expect(mailsTo(h, 'member1@street.example')).toEqual([expect.stringContaining('快报')]);
  expect(mailsTo(h, 'xcb@county.example')).toHaveLength(1);
  expect(await open(h, id)).toEqual(['AskCountyLeaders:leader', 'Monitor:monitor']);
  // What was decided under grade 3 travels with the case into grade 1.
  const child = (await h.openTasks(id)).find((t) => t.activityId === 'AskCountyLeaders')!.instanceId;
  expect((await h.node.stores.instances.load(child))?.variables).toMatchObject({
    grade: 1,
    previousGrade: 3,
    releaseTitle: data['release-draft'].releaseTitle,
    minutes: data.consultation.minutes,
    leadRoles: 'leader',
  });
  // The reply deadline still counts from when the incident occurred.
  expect(record.deadlines.replyDueAt.getTime() - record.occurredAt.getTime()).toBe(12 * HOUR);
  const replays = await replayCase(h, id);
  expect(replays).toHaveLength(3);
  for (const replay of replays) expect(replay).toMatchObject({ ok: true });
});

test('the 12-hour reply deadline: reminders at 8 h and 11 h, then a recorded breach that notifies the leader', async () => {
  const { h } = plan;
  const reported = await h.report(incident(h, 3));
  const id = reported._id;
  const occurred = reported.occurredAt.getTime();
  // The office's mail about this case (the daily sweeps write to it too).
  const officeMails = () =>
    mailsTo(h, 'office1@street.example').filter((subject) => subject.includes(reported.title));
  const reminders = () => officeMails().length;
  expect(reminders()).toBe(1); // the fast report

  h.clock.set(new Date(occurred + 8 * HOUR - MINUTE));
  await h.drain();
  expect(reminders()).toBe(1);
  h.clock.set(new Date(occurred + 8 * HOUR));
  await h.drain();
  expect(officeMails()[1]).toMatch(/4\s*小时/);
  h.clock.set(new Date(occurred + 11 * HOUR));
  await h.drain();
  expect(officeMails()[2]).toMatch(/1\s*小时/);
  expect((await h.caseOf(id)).deadlines.replyBreachedAt ?? null).toBeNull();
  h.clock.set(new Date(occurred + 12 * HOUR));
  await h.drain();
  const record = await h.caseOf(id);
  expect(record.deadlines.replyBreachedAt).toEqual(new Date(occurred + 12 * HOUR));
  expect(mailsTo(h, 'leader1@street.example').at(-1)).toMatch(/超/);
  expect(officeMails()).toHaveLength(3);
  // The work goes on after the breach; the late reply is recorded as such.
  await h.advance(30 * MINUTE);
  await h.complete(id, 'Consult', 'leader', data.consultation);
  await h.complete(id, 'DraftRelease', 'office', data['release-draft']);
  await h.complete(id, 'SignOff', 'leader', data.approved);
  const replied = await h.caseOf(id);
  expect(replied.deadlines.repliedAt!.getTime()).toBeGreaterThan(replied.deadlines.replyDueAt.getTime());
  expect(replied.deadlines.replyBreachedAt).toEqual(record.deadlines.replyBreachedAt);
});

test('a source already reported is not opened twice (also reached by another URL form); a drill of it is', async () => {
  const { h } = plan;
  const first = await h.report(incident(h, 3));
  const again = incident(h, 2, {
    sourceUrls: ['https://WEIBO.example.com/7712000001/Pa1b2C3d4/?utm_source=share#comments'],
  });
  await expect(h.node.domain.openCase(again, { actor: 'monitor1', via: 'form' })).rejects.toMatchObject({
    kind: 'conflict',
    details: { caseId: first._id },
  });
  expect(await h.node.stores.cases.list({}, { skip: 0, limit: 10 })).toHaveLength(1);
  const drill = await h.node.domain.openCase({ ...again, drill: true }, { actor: 'monitor1', via: 'form' });
  expect(drill.case).toMatchObject({ drill: true, grade: 2 });
});

test('an invalid report opens nothing and says what is wrong with each field', async () => {
  const { h } = plan;
  const bad = incident(h, 7, { sourceUrls: ['ftp://x.example/1'], occurredAt: '2099-01-01T00:00:00Z' });
  await expect(h.node.domain.openCase(bad, { actor: 'monitor1', via: 'api' })).rejects.toMatchObject({
    kind: 'invalid',
    details: {
      errors: expect.arrayContaining([
        expect.objectContaining({ path: '/grade' }),
        expect.objectContaining({ path: '/sourceUrls/0' }),
      ]),
    },
  });
  expect(await h.node.stores.cases.list({}, { skip: 0, limit: 10 })).toEqual([]);
  expect(await h.node.stores.instances.list({})).toEqual([]);
});

test('a report with the same external id (Idempotency-Key) returns the first case', async () => {
  const { h } = plan;
  const report = incident(h, 4);
  const first = await h.node.domain.openCase(report, { actor: 'tool', via: 'api', externalId: 'mon-42' });
  const second = await h.node.domain.openCase(report, { actor: 'tool', via: 'api', externalId: 'mon-42' });
  expect(first.created).toBe(true);
  expect(second).toMatchObject({ created: false, case: { _id: first.case._id } });
});
