import { data, incident, usePlanHarness } from '../plan/plan-support.js';
import { gatherCaseReport } from '../../src/reports/case-report.js';
import { renderCaseReportPdf } from '../../src/reports/case-report-pdf.js';
import { renderCaseReport, stopReportRenderer } from '../../src/reports/render-case-report.js';
import { pdfText } from '../support/pdf-text.js';
import type { DiagramView } from '../../src/reports/diagram-drawing.js';
import type { PlanHarness } from '../support/plan-harness.js';

const plan = usePlanHarness();
const auditor = { id: 'auditor1', roles: ['auditor'], kind: 'user' as const };

/** A grade-3 case up to the closing review: the sign-off rejected once, the reply published. */
async function caseAtReview(h: PlanHarness): Promise<string> {
  const { _id: id } = await h.report(incident(h, 3));
  await h.complete(id, 'Monitor', 'monitor', data.stable);
  await h.complete(id, 'Consult', 'leader', data.consultation);
  await h.complete(id, 'DraftRelease', 'office', data['release-draft']);
  await h.complete(id, 'SignOff', 'deputy', data.rejected);
  await h.complete(id, 'DraftRelease', 'office', data['release-draft']);
  await h.complete(id, 'SignOff', 'leader', data.approved);
  await h.complete(id, 'WriteCommentary', 'writer', data['commentary-record']);
  await h.complete(id, 'Track', 'monitor', data.subsided);
  await h.complete(id, 'ConfirmSubsided', 'office', data['subsidence-confirmation']);
  return id;
}

/** A case at its closing review (caseAtReview) and its report, as an auditor gets it. */
async function reportAtReview(h: PlanHarness) {
  const id = await caseAtReview(h);
  const report = await gatherCaseReport(
    { ...h.node.stores, clock: h.node.clock, forms: h.node.forms },
    auditor,
    id,
  );
  return { id, report };
}

const marks = (view: DiagramView) =>
  Object.fromEntries([...view.shapes, ...view.edges].map((item) => [item.id, item.mark]));

test('a grade-3 case report has every step, the path taken on each diagram and where the case stands', async () => {
  const { h } = plan;
  const { id, report } = await reportAtReview(h);

  expect(report.facts).toMatchObject({ id, grade: 3, status: 'open' });
  expect(report.instances.map((i) => [i.definitionKey, i.status, i.integrity.ok])).toEqual([
    ['opinion-intake', 'running', true],
    ['opinion-grade-3', 'running', true],
  ]);
  const grade = report.instances[1];
  expect(grade.historyHead).toMatch(/^[0-9a-f]{64}$/);
  expect(grade.historyHead).toBe((await h.node.stores.instances.load(grade.id))!.historyHead);
  expect(grade.activeNames).toEqual(expect.arrayContaining(['总结评估', '持续监测舆情（研判是否恶化）']));

  // The process, then its two collapsed sub-processes drawn as bpmn-js drills into them.
  expect(grade.views.map((v) => v.id)).toEqual(['opinion-grade-3', 'Respond', 'Tracking']);
  const [main, respond, tracking] = grade.views.map(marks);
  expect(main).toMatchObject({ Respond: 'taken', Tracking: 'taken', Review: 'active', Monitor: 'active' });
  expect(main).toMatchObject({ RecordRegrade: 'none', Flow_Worsened_RecordRegrade: 'none' });
  // Rejected once, then approved: both branches of the sign-off were taken; published through the channel.
  expect(respond).toMatchObject({
    SignOff: 'taken',
    Flow_Approved_DraftMerge: 'taken',
    Flow_Approved_PublishReply: 'taken',
    PublishReply: 'taken',
    Flow_ReplyViaChannel_ReplyPublished: 'taken',
    Flow_ReplyViaChannel_RecordReply: 'none',
    RecordReply: 'none',
  });
  expect(tracking).toMatchObject({ Track: 'taken', ConsultQuestion: 'none', TrackingDone: 'taken' });

  // Every person's step, with the element's name, the actor and what they submitted.
  const steps = report.timeline.filter((s) => s.type === 'task.completed');
  expect(steps.map((s) => [s.element, s.actor])).toEqual([
    ['持续监测舆情（研判是否恶化）', 'monitor1'],
    ['领导小组会商措施', 'leader1'],
    ['办公室起草通稿', 'office1'],
    ['领导小组审签通稿', 'deputy1'],
    ['办公室起草通稿', 'office1'],
    ['领导小组审签通稿', 'leader1'],
    ['网评员撰写网评文章', 'writer1'],
    ['跟踪引导（回应网民关切）', 'monitor1'],
    ['办公室确认舆情平息', 'office1'],
  ]);
  expect(steps[2].data).toContain(String(data['release-draft'].releaseTitle).slice(0, 20));
  expect(report.timeline.map((s) => s.at.getTime())).toEqual(
    [...report.timeline.map((s) => s.at.getTime())].sort((a, b) => a - b),
  );
  expect(report.facts.publications.map((p) => p.kind)).toEqual(['reply', 'commentary']);
});

test('a report of a tampered history says so, naming the event, and still prints the chain head the instance keeps', async () => {
  const { h } = plan;
  const { _id: id } = await h.report(incident(h, 3));
  await h.complete(id, 'Consult', 'leader', data.consultation);
  const deps = { ...h.node.stores, clock: h.node.clock, forms: h.node.forms };
  const [intake] = (await gatherCaseReport(deps, auditor, id)).instances;
  await h.node.connection
    .db!.collection('history')
    .updateOne({ instanceId: intake.id, seq: 2 }, { $set: { actor: 'mallory' } });

  const report = await gatherCaseReport(deps, auditor, id);
  expect(report.instances[0].integrity).toMatchObject({ ok: false, problem: { seq: 2, kind: 'altered' } });
  const { pages } = await pdfText(await renderCaseReportPdf(report));
  const text = pages.join('\n');
  // (A cell's line break swallows a space.)
  expect(text.replace(/\s/g, '')).toContain('被篡改：第2条被修改');
  expect(text).toContain(intake.historyHead);
});

test('reports are drawn in a thread of their own, as in process; a thread stopped mid-report answers unavailable and the next report gets a new one', async () => {
  const { report } = await reportAtReview(plan.h);
  try {
    const inThread = await renderCaseReport(report);
    const inProcess = await renderCaseReportPdf(report);
    expect((await pdfText(inThread)).pages).toEqual((await pdfText(inProcess)).pages);

    const cut = renderCaseReport(report);
    await stopReportRenderer();
    await expect(cut).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/^the report could not be made just now \(.+\); try again$/),
    });
    const again = await renderCaseReport(report);
    expect(again.subarray(0, 5).toString()).toBe('%PDF-');
  } finally {
    await stopReportRenderer();
  }
});
