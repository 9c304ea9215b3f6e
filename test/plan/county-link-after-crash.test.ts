import { countyLinks, data, incident, usePlanHarness } from './plan-support.js';

const plan = usePlanHarness();

// Found by the chaos run (bench/chaos.ts): a node killed after taking the county's link and
// before completing its task burned the link, and the county's answer was lost.
test('a county link taken by a submission whose node died can be submitted again, and then only once', async () => {
  const { h } = plan;
  const { _id: id } = await h.report(incident(h, 2));
  const [token] = countyLinks(h);
  const { link, task } = await h.node.domain.countyLinks.open(token);
  // The dead node's half: the link taken, the task never completed.
  expect(await h.node.stores.links.take(link._id, task._id, h.clock.now())).toBe(true);

  const answer = { ...data['county-guidance'], recordedOnBehalf: false, onBehalfNote: undefined };
  await expect(h.node.domain.countyLinks.submit(token, answer)).resolves.toEqual({ taskId: task._id });
  await h.drain();
  expect(await h.node.stores.tasks.byId(task._id)).toMatchObject({
    status: 'completed',
    completedBy: `county-link:${link._id}`,
  });
  await expect(h.node.domain.countyLinks.submit(token, answer)).rejects.toMatchObject({
    kind: 'conflict',
    message: expect.stringContaining('已使用'),
  });
  expect((await h.openTasks(id)).map((t) => t.activityId).sort()).toEqual(['Consult', 'Monitor']);
});
