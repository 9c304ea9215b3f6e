import { MINUTE, data, incident, mailsTo, replayCase, usePlanHarness } from './plan-support.js';

const plan = usePlanHarness();

test('a grade-3 case runs from intake to closing review with the leading group in charge', async () => {
  const { h } = plan;
  const reported = await h.report(incident(h, 3));
  const id = reported._id;
  expect(id).toMatch(/^YQ-20260314-\d{4}$/);

  // 快报事实 to the leading group (grade 3 informs leader, deputy and office), by mail and their robots.
  for (const person of ['leader1', 'deputy1', 'office1'])
    expect(mailsTo(h, `${person}@street.example`)).toEqual([expect.stringContaining('快报')]);
  expect(mailsTo(h, 'member1@street.example')).toEqual([]);
  expect(h.http.requestsTo('/wecom/send')).toHaveLength(1);
  expect(h.http.requestsTo('/dingtalk/send')).toHaveLength(1);
  expect(h.http.requestsTo('/county/inbox')).toHaveLength(0);
  expect((await h.caseOf(id)).deadlines.reportedAt).toEqual(h.clock.now());

  const open = async () =>
    (await h.openTasks(id)).map((t) => `${t.activityId}:${t.candidateGroups.join('+')}`).sort();
  expect(await open()).toEqual(['Consult:leader+deputy', 'Monitor:monitor']);
  const consult = (await h.openTasks(id)).find((t) => t.activityId === 'Consult')!;
  expect(consult.dueAt).toEqual((await h.caseOf(id)).deadlines.replyDueAt);

  await h.complete(id, 'Monitor', 'monitor', data.stable);
  await h.advance(30 * MINUTE);
  await h.complete(id, 'Consult', 'leader', data.consultation);
  await h.complete(id, 'DraftRelease', 'office', data['release-draft']);
  await h.complete(id, 'SignOff', 'deputy', data.rejected);
  expect(await open()).toEqual(['DraftRelease:office', 'Monitor:monitor']);
  await h.complete(id, 'DraftRelease', 'office', data['release-draft']);
  await h.complete(id, 'SignOff', 'leader', data.approved);

  // Published through the CMS with the approver; the reply deadline is met.
  const [published] = h.http.requestsTo('/cms/publish');
  expect(published.body).toMatchObject({
    caseId: id,
    kind: 'reply',
    title: data['release-draft'].releaseTitle,
  });
  let record = await h.caseOf(id);
  expect(record.publications).toEqual([
    expect.objectContaining({ kind: 'reply', url: 'https://www.street.example/news/1', approver: 'leader1' }),
  ]);
  expect(record.deadlines.repliedAt).toEqual(h.clock.now());
  expect(await open()).toEqual(['Monitor:monitor', 'Track:monitor', 'WriteCommentary:writer']);

  await h.complete(id, 'WriteCommentary', 'writer', data['commentary-record']);
  await h.complete(id, 'Track', 'monitor', data.escalate);
  expect(await open()).toEqual(['ConsultQuestion:leader+deputy', 'Monitor:monitor']);
  await h.complete(id, 'ConsultQuestion', 'leader', data['escalated-question']);
  await h.complete(id, 'Track', 'monitor', data.subsided);
  await h.complete(id, 'ConfirmSubsided', 'office', data.notConfirmed);
  await h.complete(id, 'Track', 'monitor', data.subsided);
  await h.complete(id, 'ConfirmSubsided', 'office', data['subsidence-confirmation']);
  expect(await open()).toEqual(['Monitor:monitor', 'Review:office']);
  await h.complete(id, 'Review', 'office', data['closing-review']);

  expect(await h.openTasks(id)).toEqual([]);
  record = await h.caseOf(id);
  expect(record).toMatchObject({ status: 'closed', outcome: 'closed', grade: 3 });
  expect(record.deadlines.replyBreachedAt ?? null).toBeNull();
  expect(record.publications.map((p) => `${p.kind}:${p.author}`)).toEqual([
    'reply:街道办事处',
    'commentary:writer1',
    'answer:街道办事处',
  ]);
  const intake = await h.node.stores.instances.load(`intake-${id}`);
  expect(intake).toMatchObject({ status: 'completed' });
  // The 12-hour deadline's reminders never fired: the reply came first.
  const timers = await h.node.stores.jobs.find({ kind: 'timer' });
  expect(timers.filter((t) => t.status === 'pending')).toEqual([]);
  expect(mailsTo(h, 'leader1@street.example')).toHaveLength(1);
  // Every process of the case replays from its history to the same steps and variables.
  const replays = await replayCase(h, id);
  expect(replays.length).toBe(2);
  for (const replay of replays) expect(replay).toMatchObject({ ok: true });
});
