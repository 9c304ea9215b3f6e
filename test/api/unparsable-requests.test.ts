/**
 * Requests Node's HTTP parser refuses before Express sees them get a problem document like every
 * other bad request (they used to get a bare `400 Bad Request` without a body). Found by the
 * generated bad-input run (test/api/fuzz-every-endpoint.test.ts).
 */
import { useApiHarness } from '../support/api-harness.js';
import { closeFuzzAgent, send, type FuzzReply } from '../support/fuzz/send.js';

const plan = useApiHarness({ shared: true });
afterAll(() => closeFuzzAgent());

const get = (path: string, headers: Record<string, string> = {}) =>
  send(plan.api.server.url, { method: 'GET', path, headers, label: path });

function expectProblem(reply: FuzzReply, status: number): void {
  expect([reply.status, reply.contentType]).toEqual([status, 'application/problem+json; charset=utf-8']);
  expect(JSON.parse(reply.text)).toEqual({
    type: expect.stringMatching(/^https:\/\/preplan\.local\/problems\/[a-z-]+$/),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
}

test('bytes no URL may hold (raw latin1) are a 400 problem document', async () => {
  expectProblem(await get('/api/cases/\u00e9/history'), 400);
  expectProblem(await get('/healthz?x=\u00ff'), 400);
});

test('a request head past 16 KiB is a 431 problem document', async () => {
  expectProblem(await get(`/api/cases/${'x'.repeat(20_000)}`), 431);
  expectProblem(await get('/healthz', { 'x-filler': 'y'.repeat(20_000) }), 431);
});

test('on a kept-alive connection that has answered before, the refusal is still answered, and the server goes on', async () => {
  expect((await get('/healthz')).status).toBe(200);
  expectProblem(await get('/api/tasks/\u00e9'), 400);
  expect((await get('/healthz')).status).toBe(200);
});
