import { HOUR, countyLinks, data, incident, mailsTo, replayCase, usePlanHarness } from './plan-support.js';

const plan = usePlanHarness();

test('a grade-1 case: the county is reported to, guides through its signed link, and signs off after two rejections', async () => {
  const { h } = plan;
  const { _id: id } = await h.report(incident(h, 1));
  // Grade 1 informs the whole leading group, members included, and reports to the county.
  for (const person of ['leader1', 'deputy1', 'member1', 'office1'])
    expect(mailsTo(h, `${person}@street.example`)).toEqual([expect.stringContaining('快报')]);
  expect(mailsTo(h, 'xcb@county.example')).toHaveLength(1);
  expect(h.http.requestsTo('/county/inbox')).toHaveLength(1);
  const open = async () =>
    (await h.openTasks(id)).map((t) => `${t.activityId}:${t.candidateGroups.join('+')}`).sort();
  expect(await open()).toEqual(['AskCountyLeaders:leader', 'Monitor:monitor']);

  // The guidance link opens nothing until the process reaches the guidance task.
  const [guidanceLink] = countyLinks(h);
  await expect(h.node.domain.countyLinks.open(guidanceLink)).rejects.toMatchObject({ kind: 'conflict' });
  await h.complete(id, 'AskCountyLeaders', 'leader', data['instruction-request']);
  const opened = await h.node.domain.countyLinks.open(guidanceLink);
  expect(opened.task.activityId).toBe('CountyGuidance');
  expect(opened.schema).toMatchObject({ $id: 'preplan:form:county-guidance' });
  await h.node.domain.countyLinks.submit(guidanceLink, {
    ...data['county-guidance'],
    recordedOnBehalf: false,
  });
  await h.drain();
  await expect(h.node.domain.countyLinks.submit(guidanceLink, data['county-guidance'])).rejects.toMatchObject(
    {
      kind: 'conflict',
      message: expect.stringContaining('已使用'),
    },
  );
  // A forged token is refused without saying more.
  await expect(h.node.domain.countyLinks.open(`${guidanceLink.split('.')[0]}.forged`)).rejects.toMatchObject({
    kind: 'not-found',
  });
  expect(await open()).toEqual(['Consult:leader', 'Monitor:monitor']);

  await h.complete(id, 'Consult', 'leader', data.consultation);
  for (const decision of [data.rejected, data.rejected, data.approved]) {
    await h.complete(id, 'DraftRelease', 'office', data['release-draft']);
    const link = countyLinks(h).at(-1)!;
    // Bad data through the link is refused field by field, and the link stays usable.
    await expect(h.node.domain.countyLinks.submit(link, { signOffDecision: 'maybe' })).rejects.toMatchObject({
      kind: 'invalid',
    });
    await h.node.domain.countyLinks.submit(link, { ...decision, recordedOnBehalf: false });
    await h.drain();
  }
  expect(countyLinks(h)).toHaveLength(4);
  expect(mailsTo(h, 'xcb@county.example')).toHaveLength(4);

  const record = await h.caseOf(id);
  expect(record.publications).toEqual([
    expect.objectContaining({ kind: 'reply', approver: expect.stringMatching(/^county-link:/) }),
  ]);
  expect(await open()).toEqual(['Monitor:monitor', 'Track:monitor', 'WriteCommentary:writer']);
  await h.complete(id, 'WriteCommentary', 'writer', data['commentary-record']);
  await h.complete(id, 'Track', 'monitor', data.subsided);
  await h.complete(id, 'ConfirmSubsided', 'office', data['subsidence-confirmation']);
  await h.complete(id, 'Review', 'office', data['closing-review']);
  expect(await h.caseOf(id)).toMatchObject({ status: 'closed' });
  for (const replay of await replayCase(h, id)) expect(replay).toMatchObject({ ok: true });
});

test('a county link expires after the configured hours', async () => {
  const { h } = plan;
  const { _id: id } = await h.report(incident(h, 2));
  const [link] = countyLinks(h);
  expect((await h.openTasks(id)).map((t) => t.activityId).sort()).toEqual(['CountyGuidance', 'Monitor']);
  await h.advance(h.node.plan.countyLinkHours * HOUR);
  await expect(h.node.domain.countyLinks.submit(link, data['county-guidance'])).rejects.toMatchObject({
    kind: 'forbidden',
  });
  // The office records the county's answer on its behalf instead.
  await h.complete(id, 'CountyGuidance', 'office', data['county-guidance']);
  expect((await h.openTasks(id)).map((t) => `${t.activityId}:${t.candidateGroups}`).sort()).toEqual([
    'Consult:deputy',
    'Monitor:monitor',
  ]);
});
