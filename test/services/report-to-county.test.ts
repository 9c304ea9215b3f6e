import { createReportToCounty } from '../../src/services/report-to-county.js';
import { signBody } from '../../src/services/channels/webhook.js';
import type { ChannelsConfig } from '../../src/services/channels/channel-config.js';
import { caseVariables, serviceCall, testDeps } from './service-fixtures.js';
import { useServicePeers } from './service-peers.js';

const peers = useServicePeers('services_county');

function channels(): Partial<ChannelsConfig> {
  return {
    smtp: { url: peers.smtp.url, from: 'preplan <noreply@street.example>' },
    county: {
      email: ['xcb@county.example'],
      webhooks: [{ type: 'webhook', url: `${peers.http.url}/county/inbox`, secret: 'county-hmac' }],
    },
    internal: { email: ['drill@street.example'], webhooks: [] },
  };
}

const measures = [
  { measure: '核实补偿款发放进度', owner: '征收办' },
  { measure: '约谈发帖网民了解诉求', owner: '社区' },
];

test('report-to-county sends the signed link to the county email and webhook', async () => {
  const deps = testDeps(peers.deliveries, channels());
  const call = serviceCall(
    'report-to-county',
    { purpose: 'county-guidance', linkActivity: 'CountyGuidance' },
    caseVariables({ measures }),
  );
  const output = await createReportToCounty(deps)(call);

  const link = 'http://localhost:3000/county/1?sig=signed-1';
  expect(deps.links.issued).toEqual([
    { caseId: 'case-1', instanceId: 'instance-1', activityId: 'CountyGuidance', purpose: 'county-guidance' },
  ]);
  expect(output).toEqual({
    countyReport: {
      purpose: 'county-guidance',
      delivered: 2,
      link,
      expiresAt: '2026-03-03T02:00:00.000Z',
      at: '2026-03-01T02:00:00.000Z',
    },
  });
  const [mail] = peers.smtp.messages;
  expect(mail.envelope.to).toEqual(['xcb@county.example']);
  expect(mail.subject).toBe('【舆情快报】2级（重大或较大）：某社区征地拆迁补偿引发网民关注');
  expect(mail.text).toContain(link);
  expect(mail.text).toContain('有效期至 2026/03/03 10:00');
  expect(mail.text).toContain('1. 核实补偿款发放进度（征收办）');
  expect(mail.text).toContain('https://weibo.example/p/1');

  const [hook] = peers.http.requestsTo('/county/inbox');
  expect(hook.headers['idempotency-key']).toBe(call.idempotencyKey);
  expect(hook.headers['x-preplan-signature']).toBe(signBody('county-hmac', hook.rawBody));
  expect(hook.body).toMatchObject({
    idempotencyKey: call.idempotencyKey,
    template: 'county-fast-report',
    caseId: 'case-1',
    purpose: 'county-guidance',
    link,
    expiresAt: '2026-03-03T02:00:00.000Z',
    drill: false,
  });
});

test('report-to-county asks the county to sign off the release with its text and link', async () => {
  const deps = testDeps(peers.deliveries, channels());
  const variables = caseVariables({
    releaseTitle: '关于某社区拆迁补偿的情况通报',
    releaseText: '经核实，补偿款已于3月1日发放。',
  });
  await createReportToCounty(deps)(
    serviceCall('report-to-county', { purpose: 'release-signoff', linkActivity: 'CountySignOff' }, variables),
  );
  const [mail] = peers.smtp.messages;
  expect(mail.subject).toBe('【通稿审核】某社区征地拆迁补偿引发网民关注');
  expect(mail.text).toContain('通稿标题：关于某社区拆迁补偿的情况通报');
  expect(mail.text).toContain('经核实，补偿款已于3月1日发放。');
  expect(mail.text).toContain('请通过以下链接审核签发');
  expect(deps.links.issued[0]).toMatchObject({ activityId: 'CountySignOff', purpose: 'release-signoff' });
});

test('report-to-county without a county channel succeeds and returns the link for manual relay', async () => {
  const deps = testDeps(peers.deliveries);
  const output = await createReportToCounty(deps)(
    serviceCall('report-to-county', { purpose: 'county-guidance', linkActivity: 'CountyGuidance' }),
  );
  expect(output).toEqual({
    countyReport: {
      purpose: 'county-guidance',
      delivered: 0,
      manual: true,
      link: 'http://localhost:3000/county/1?sig=signed-1',
      expiresAt: '2026-03-03T02:00:00.000Z',
      at: '2026-03-01T02:00:00.000Z',
    },
  });
  expect(peers.smtp.messages).toHaveLength(0);
  expect(peers.http.requests).toHaveLength(0);
});

test('a drill report to the county goes to the internal channels only', async () => {
  const deps = testDeps(peers.deliveries, channels());
  const output = await createReportToCounty(deps)(
    serviceCall(
      'report-to-county',
      { purpose: 'county-guidance', linkActivity: 'CountyGuidance' },
      caseVariables({ drill: true }),
    ),
  );
  expect(output).toMatchObject({ countyReport: { delivered: 1 } });
  expect(peers.smtp.messages.map((mail) => mail.envelope.to)).toEqual([['drill@street.example']]);
  expect(peers.smtp.messages[0].subject).toMatch(/^【演练】【舆情快报】/);
  expect(peers.http.requests).toHaveLength(0);
});

test('report-to-county refuses an unknown purpose', async () => {
  const deps = testDeps(peers.deliveries, channels());
  await expect(
    createReportToCounty(deps)(serviceCall('report-to-county', { purpose: 'gossip', linkActivity: 'X' })),
  ).rejects.toThrow('input "purpose" must be county-guidance or release-signoff, not "gossip"');
  expect(deps.links.issued).toHaveLength(0);
});
