import { HOUR, countyLinks, data, incident, mailsTo, usePlanHarness } from './plan-support.js';
import type { PlanHarness } from '../support/plan-harness.js';

const open = async (h: PlanHarness, id: string) =>
  (await h.openTasks(id)).map((t) => `${t.activityId}:${t.candidateGroups.join('+')}`).sort();

async function trackToClose(h: PlanHarness, id: string): Promise<void> {
  await h.complete(id, 'WriteCommentary', 'writer', data['commentary-record']);
  await h.complete(id, 'Track', 'monitor', data.subsided);
  await h.complete(id, 'ConfirmSubsided', 'office', data['subsidence-confirmation']);
  await h.complete(id, 'Review', 'office', data['closing-review']);
}

describe('with a publication channel', () => {
  const plan = usePlanHarness();

  test('a grade-2 case: the deputy leads, the office records the county guidance on its behalf', async () => {
    const { h } = plan;
    const { _id: id } = await h.report(incident(h, 2));
    expect(mailsTo(h, 'xcb@county.example')).toHaveLength(1);
    expect(await open(h, id)).toEqual(['CountyGuidance:county-liaison+office', 'Monitor:monitor']);
    const onBehalf = await h.complete(id, 'CountyGuidance', 'office', data['county-guidance']);
    expect(await h.node.stores.tasks.byId(onBehalf._id)).toMatchObject({
      completedBy: 'office1',
      data: { recordedOnBehalf: true, onBehalfNote: expect.any(String) },
    });
    expect(await open(h, id)).toEqual(['Consult:deputy', 'Monitor:monitor']);
    // A member of another role cannot take the deputy's task.
    await expect(
      h.node.domain.completeTask(
        (await h.openTasks(id)).find((t) => t.activityId === 'Consult')!._id,
        {
          id: 'writer1',
          roles: ['writer'],
        },
        data.consultation,
      ),
    ).rejects.toMatchObject({ kind: 'forbidden' });
    await h.complete(id, 'Consult', 'deputy', data.consultation);
    await h.complete(id, 'DraftRelease', 'office', data['release-draft']);
    expect(countyLinks(h)).toHaveLength(2);
    await h.complete(id, 'SignOff', 'county-liaison', data.approved);
    expect(h.http.requestsTo('/cms/publish')).toHaveLength(1);
    await trackToClose(h, id);
    expect(await h.caseOf(id)).toMatchObject({ status: 'closed', grade: 2 });
  });

  test('a drill runs the same diagrams but sends nothing outside: only internal channels, marked 【演练】', async () => {
    const { h } = plan;
    const { _id: id } = await h.report(incident(h, 2, { drill: true }));
    await h.complete(id, 'CountyGuidance', 'office', data['county-guidance']);
    await h.complete(id, 'Consult', 'deputy', data.consultation);
    await h.complete(id, 'DraftRelease', 'office', data['release-draft']);
    await h.complete(id, 'SignOff', 'county-liaison', data.approved);
    // Not published through the CMS: the office "publishes" by hand in the drill and records it.
    expect(await open(h, id)).toEqual(['Monitor:monitor', 'RecordReply:office']);
    await h.complete(id, 'RecordReply', 'office', data['publication-record']);
    await trackToClose(h, id);
    expect(await h.caseOf(id)).toMatchObject({ status: 'closed', drill: true });

    const caseMail = h.smtp.messages.filter((m) => m.text.includes(id) || m.subject.includes('演练'));
    expect(caseMail.length).toBeGreaterThan(0);
    for (const mail of caseMail) {
      expect(mail.envelope.to).toEqual(['drill@street.example']);
      expect(mail.subject.startsWith('【演练】')).toBe(true);
    }
    expect(h.smtp.messages.filter((m) => m.envelope.to.includes('xcb@county.example'))).toEqual([]);
    const outside = h.http.requests.filter((r) => !r.path.startsWith('/internal/'));
    expect(outside.filter((r) => JSON.stringify(r.body).includes(id))).toEqual([]);
    expect(h.http.requestsTo('/cms/publish')).toEqual([]);
    expect(h.http.requestsTo('/internal/hook').length).toBeGreaterThan(0);
  });
});

describe('without a publication channel', () => {
  const plan = usePlanHarness({ publication: false });

  test('a grade-4 case: the office asks the leading group, handles it, and publishes the reply by hand', async () => {
    const { h } = plan;
    const { _id: id } = await h.report(incident(h, 4));
    expect(mailsTo(h, 'office1@street.example')).toEqual([expect.stringContaining('快报')]);
    expect(mailsTo(h, 'leader1@street.example')).toEqual([]);
    expect((await h.caseOf(id)).deadlines.reportDueAt).toBeNull();
    expect(await open(h, id)).toEqual(['AskLeadingGroup:office', 'Monitor:monitor']);
    await h.complete(id, 'AskLeadingGroup', 'office', {
      ...data['instruction-request'],
      askedWhom: '领导小组',
    });
    await h.complete(id, 'Consult', 'office', data.consultation);
    await h.complete(id, 'DraftRelease', 'office', data['release-draft']);
    await h.complete(id, 'SignOff', 'leader', data.approved);
    expect(await open(h, id)).toEqual(['Monitor:monitor', 'RecordReply:office']);
    await h.advance(HOUR);
    await h.complete(id, 'RecordReply', 'office', data['publication-record']);
    const record = await h.caseOf(id);
    expect(record.publications).toEqual([
      expect.objectContaining({
        kind: 'reply',
        via: 'manual',
        url: data['publication-record'].publicationUrl,
        author: 'office1',
        approver: data['publication-record'].publicationApprover,
      }),
    ]);
    expect(record.deadlines.repliedAt).toEqual(h.clock.now());
    await trackToClose(h, id);
    expect(await h.caseOf(id)).toMatchObject({ status: 'closed', grade: 4 });
  });
});
