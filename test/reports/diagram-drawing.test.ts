import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  drawDiagram,
  pathTaken,
  type DiagramView,
  type PathTaken,
} from '../../src/reports/diagram-drawing.js';
import type { HistoryEvent } from '../../src/store/history-store.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const fixture = readFileSync(path.join(ROOT, 'test/resources/review-branch-di.bpmn'), 'utf8');

/** History events as the runtime records them, for the elements and flows named. */
function history(steps: Array<[type: string, activityId: string, executionId?: string]>): HistoryEvent[] {
  return steps.map(([type, activityId, executionId], i) => ({
    _id: `i:${i + 1}`,
    instanceId: 'i',
    seq: i + 1,
    type,
    at: new Date(Date.UTC(2026, 2, 14, 1, i)),
    activityId,
    executionId: executionId ?? `${activityId}_1`,
    prevHash: '',
    hash: '',
  }));
}

/** Approved and published; now tracking (the sub-process and its task running). */
const approved = history([
  ['activity.start', 'start'],
  ['activity.end', 'start'],
  ['flow.take', 'toReview'],
  ['activity.start', 'review'],
  ['activity.start', 'reviewLate'],
  ['activity.wait', 'review'],
  ['activity.end', 'review'],
  ['flow.take', 'toDecide'],
  ['activity.start', 'decide'],
  ['activity.end', 'decide'],
  ['flow.take', 'toPublish'],
  ['activity.start', 'publish'],
  ['activity.end', 'publish'],
  ['flow.take', 'toTrack'],
  ['activity.start', 'track'],
  ['activity.start', 'trackStart'],
  ['activity.end', 'trackStart'],
  ['flow.take', 'toTrackTask'],
  ['activity.start', 'trackTask'],
  ['activity.wait', 'trackTask'],
]);

const marks = (view: DiagramView) =>
  Object.fromEntries([...view.shapes, ...view.edges].map((item) => [item.id, item.mark]));

test('the path folded from history: elements ended and flows taken, and what still runs', () => {
  const path = pathTaken(approved);
  expect([...path.completed].sort()).toEqual(
    [
      'start',
      'toReview',
      'review',
      'toDecide',
      'decide',
      'toPublish',
      'publish',
      'toTrack',
      'trackStart',
      'toTrackTask',
    ].sort(),
  );
  // The boundary timer started with its task and was never ended by an event of its own.
  expect([...path.active].sort()).toEqual(['reviewLate', 'track', 'trackTask']);
});

test('the taken branch is marked taken, the other branch not, and where it stands is active', async () => {
  const [main, track] = await drawDiagram(fixture, pathTaken(approved));
  expect(marks(main)).toEqual({
    start: 'taken',
    toReview: 'taken',
    review: 'taken',
    // Its task ended, so the timer was discarded: not where the instance stands.
    reviewLate: 'none',
    toLate: 'none',
    late: 'none',
    toDecide: 'taken',
    decide: 'taken',
    toPublish: 'taken',
    publish: 'taken',
    toRejected: 'none',
    rejected: 'none',
    toTrack: 'taken',
    track: 'active',
    toDone: 'none',
    done: 'none',
  });
  expect(marks(track)).toEqual({
    trackStart: 'taken',
    toTrackTask: 'taken',
    trackTask: 'active',
    toTrackEnd: 'none',
    trackEnd: 'none',
  });
});

test('a rejection marks the other branch and leaves the publishing one untaken', async () => {
  const rejected: PathTaken = {
    completed: new Set(['start', 'toReview', 'review', 'toDecide', 'decide', 'toRejected', 'rejected']),
    active: new Set(),
  };
  const [main] = await drawDiagram(fixture, rejected);
  expect(marks(main)).toMatchObject({
    toRejected: 'taken',
    rejected: 'taken',
    toPublish: 'none',
    publish: 'none',
  });
});

test('shapes, labels and edges come from the DI: kinds, bounds, names inside or below, waypoints', async () => {
  const views = await drawDiagram(fixture, { completed: new Set(), active: new Set() });
  expect(views.map((v) => [v.id, v.name])).toEqual([
    ['review-branch', '审核后发布'],
    ['track', '跟踪'],
  ]);
  const [main, track] = views;
  const shape = (id: string) => main.shapes.find((s) => s.id === id)!;
  expect(shape('start')).toMatchObject({
    kind: 'start-event',
    bounds: { x: 100, y: 100, width: 36, height: 36 },
  });
  expect(shape('review')).toMatchObject({
    kind: 'task',
    type: 'UserTask',
    label: { text: '审核', inside: true, bounds: { x: 180, y: 78, width: 100, height: 80 } },
  });
  expect(shape('reviewLate')).toMatchObject({
    kind: 'boundary-event',
    definition: 'timer',
    interrupting: true,
  });
  expect(shape('done')).toMatchObject({ kind: 'end-event', definition: 'terminate' });
  expect(shape('publish')).toMatchObject({ kind: 'task', type: 'ServiceTask' });
  expect(shape('track')).toMatchObject({
    kind: 'collapsed-subprocess',
    label: { text: '跟踪', inside: true },
  });
  // Events and gateways are named below their shape (bpmn-js's 90-wide label), unless the DI places the name.
  expect(shape('decide')).toMatchObject({
    kind: 'gateway',
    gateway: 'exclusive',
    label: { text: '通过？', inside: false, bounds: { x: 310, y: 148, width: 90 } },
  });
  expect(shape('rejected').label).toEqual({
    text: '驳回',
    inside: false,
    bounds: { x: 340, y: 283, width: 30, height: 14 },
  });
  const toRejected = main.edges.find((e) => e.id === 'toRejected')!;
  expect(toRejected).toMatchObject({
    kind: 'sequence',
    waypoints: [
      { x: 355, y: 143 },
      { x: 355, y: 240 },
    ],
    label: { text: '驳回' },
  });
  // The sub-process's content is on its own drawing, not on the process's.
  expect(main.shapes.map((s) => s.id)).not.toContain('trackTask');
  expect(track.shapes.map((s) => s.id)).toEqual(['trackStart', 'trackTask', 'trackEnd']);
  // Each drawing's bounds hold all it draws, labels included.
  for (const view of views)
    for (const item of view.shapes.flatMap((s) => [s.bounds, ...(s.label ? [s.label.bounds] : [])])) {
      expect(item.x).toBeGreaterThanOrEqual(view.bounds.x);
      expect(item.y + item.height).toBeLessThanOrEqual(view.bounds.y + view.bounds.height);
    }
});

test('a diagram laid out by bpmn-auto-layout (sub-process content on the process plane) is split the same way', async () => {
  const xml = readFileSync(path.join(ROOT, 'processes/opinion-grade-3.bpmn'), 'utf8');
  const views = await drawDiagram(xml, { completed: new Set(), active: new Set() });
  expect(views.map((v) => v.id)).toEqual(['opinion-grade-3', 'Respond', 'Tracking']);
  const ids = views.map((v) => v.shapes.map((s) => s.id));
  expect(ids[0]).toEqual(expect.arrayContaining(['Respond', 'Tracking', 'Review', 'ReplyDeadline']));
  expect(ids[0]).not.toContain('Consult');
  expect(ids[1]).toEqual(expect.arrayContaining(['Consult', 'SignOff', 'PublishReply']));
  expect(ids[2]).toEqual(expect.arrayContaining(['Track', 'ConfirmSubsided']));
});
