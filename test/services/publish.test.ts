import { createPublish } from '../../src/services/publish.js';
import { signBody } from '../../src/services/channels/webhook.js';
import type { ChannelsConfig } from '../../src/services/channels/channel-config.js';
import { caseVariables, serviceCall, testDeps } from './service-fixtures.js';
import { useServicePeers } from './service-peers.js';

const peers = useServicePeers('services_publish');
beforeEach(() => {
  peers.http.reply('/publish', { status: 201, body: { url: 'https://street.example.gov.cn/news/42' } });
});

function channels(): Partial<ChannelsConfig> {
  return {
    smtp: { url: peers.smtp.url, from: 'preplan <noreply@street.example>' },
    publication: { webhook: { url: `${peers.http.url}/publish`, secret: 'pub-hmac' } },
    internal: { email: ['drill@street.example'], webhooks: [] },
  };
}

const release = {
  releaseTitle: '关于某社区拆迁补偿的情况通报',
  releaseText: '经核实，补偿款已于3月1日发放。',
};

test('publish posts to the publication webhook with the idempotency key and records the publication on the case', async () => {
  const deps = testDeps(peers.deliveries, channels());
  const call = serviceCall('publish', { kind: 'reply', approver: 'county:xcb' }, caseVariables(release));
  const output = await createPublish(deps)(call);

  expect(output).toEqual({ published: true, publicationUrl: 'https://street.example.gov.cn/news/42' });
  const [request] = peers.http.requestsTo('/publish');
  expect(request.headers['idempotency-key']).toBe(call.idempotencyKey);
  expect(request.headers['x-preplan-signature']).toBe(signBody('pub-hmac', request.rawBody));
  expect(request.body).toEqual({
    caseId: 'case-1',
    kind: 'reply',
    title: release.releaseTitle,
    text: release.releaseText,
    author: '街道办事处',
    idempotencyKey: call.idempotencyKey,
  });
  expect(deps.cases.publications).toEqual([
    {
      caseId: 'case-1',
      entry: {
        id: call.idempotencyKey,
        kind: 'reply',
        channel: 'webhook',
        url: 'https://street.example.gov.cn/news/42',
        title: release.releaseTitle,
        text: release.releaseText,
        author: '街道办事处',
        approver: 'county:xcb',
        publishedAt: new Date('2026-03-01T02:00:00.000Z'),
        via: 'channel',
        drill: false,
      },
    },
  ]);
});

test('publish sends a follow-up answer under the configured author', async () => {
  const deps = testDeps(peers.deliveries, {
    ...channels(),
    publication: { webhook: { url: `${peers.http.url}/publish` }, author: '某某街道办事处' },
  });
  const variables = caseVariables({
    answerTitle: '关于补偿标准的答复',
    answerText: '补偿标准依据县政府文件执行。',
  });
  await createPublish(deps)(serviceCall('publish', { kind: 'answer' }, variables));
  const [request] = peers.http.requestsTo('/publish');
  expect(request.headers['x-preplan-signature']).toBeUndefined();
  expect(request.body).toMatchObject({
    kind: 'answer',
    title: '关于补偿标准的答复',
    author: '某某街道办事处',
  });
  expect(deps.cases.publications[0].entry).toMatchObject({ kind: 'answer', author: '某某街道办事处' });
  expect(deps.cases.publications[0].entry).not.toHaveProperty('approver');
});

test('publish without a channel returns published:false and records nothing', async () => {
  const deps = testDeps(peers.deliveries);
  const output = await createPublish(deps)(serviceCall('publish', { kind: 'reply' }, caseVariables(release)));
  expect(output).toEqual({ published: false });
  expect(deps.cases.publications).toHaveLength(0);
  expect(peers.http.requests).toHaveLength(0);
});

test('a drill publishes nothing and shows the internal channels what would have gone out', async () => {
  const deps = testDeps(peers.deliveries, channels());
  const output = await createPublish(deps)(
    serviceCall('publish', { kind: 'reply' }, caseVariables({ ...release, drill: true })),
  );
  expect(output).toEqual({ published: false });
  expect(peers.http.requests).toHaveLength(0);
  expect(deps.cases.publications).toHaveLength(0);
  expect(peers.smtp.messages.map((mail) => mail.envelope.to)).toEqual([['drill@street.example']]);
  expect(peers.smtp.messages[0].subject).toBe('【演练】拟发布回复：关于某社区拆迁补偿的情况通报');
  expect(peers.smtp.messages[0].text).toContain(release.releaseText);
});

test('a publication channel that fails makes publish throw for a retry and records nothing', async () => {
  const deps = testDeps(peers.deliveries, channels());
  peers.http.failFirst('/publish', 1, 503);
  const call = serviceCall('publish', { kind: 'reply' }, caseVariables(release));
  await expect(createPublish(deps)(call)).rejects.toThrow(/\/publish answered 503/);
  expect(deps.cases.publications).toHaveLength(0);
  await createPublish(deps)({ ...call, attempt: 2 });
  expect(peers.http.requestsTo('/publish').map((request) => request.headers['idempotency-key'])).toEqual([
    call.idempotencyKey,
    call.idempotencyKey,
  ]);
  expect(deps.cases.publications).toHaveLength(1);
});

test('a publication peer answering without a url fails publish', async () => {
  peers.http.reply('/publish', { status: 200, body: { ok: true } });
  const deps = testDeps(peers.deliveries, channels());
  await expect(
    createPublish(deps)(serviceCall('publish', { kind: 'reply' }, caseVariables(release))),
  ).rejects.toThrow('publish: the publication channel answered without a url');
});
