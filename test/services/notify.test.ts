import { createHmac } from 'node:crypto';
import { createNotify } from '../../src/services/notify.js';
import type { ChannelsConfig } from '../../src/services/channels/channel-config.js';
import { caseVariables, serviceCall, testDeps } from './service-fixtures.js';
import { useServicePeers } from './service-peers.js';

const peers = useServicePeers('services_notify');

function channels(): Partial<ChannelsConfig> {
  return {
    smtp: { url: peers.smtp.url, from: 'preplan <noreply@street.example>' },
    roleChannels: {
      leader: [{ type: 'wecom', url: `${peers.http.url}/wecom/send?key=leader-key` }],
      deputy: [
        {
          type: 'dingtalk',
          url: `${peers.http.url}/dingtalk/send?access_token=deputy-token`,
          secret: 'SECdeputy',
        },
      ],
      office: [{ type: 'webhook', url: `${peers.http.url}/hooks/office`, secret: 'office-hmac' }],
    },
    internal: {
      email: ['drill@street.example'],
      webhooks: [{ type: 'wecom', url: `${peers.http.url}/wecom/send?key=internal-key` }],
    },
  };
}

test('notify emails every user of the roles and posts to their WeCom and DingTalk robots with a valid DingTalk signature', async () => {
  const notify = createNotify(testDeps(peers.deliveries, channels()));
  const call = serviceCall('notify', { template: 'fast-report', to: 'leader,deputy' });
  const output = await notify(call);

  expect(output).toEqual({
    lastNotification: {
      template: 'fast-report',
      sent: 4,
      skipped: 0,
      unreachable: 0,
      at: '2026-03-01T02:00:00.000Z',
    },
  });
  expect(peers.smtp.messages.map((mail) => mail.envelope.to).sort()).toEqual([
    ['deputy@street.example'],
    ['leader@street.example'],
  ]);
  for (const mail of peers.smtp.messages) {
    expect(mail.subject).toBe('【快报事实】2级（重大或较大）舆情：某社区征地拆迁补偿引发网民关注');
    expect(mail.text).toContain('发生时间：2026/03/01 08:00');
    expect(mail.text).toContain('类别：征地拆迁');
    expect(mail.header('x-preplan-idempotency-key')).toBe(call.idempotencyKey);
    expect(mail.messageId).toMatch(/^<preplan\.[0-9a-f]{32}@street\.example>$/);
    expect(mail.user).toBe('preplan');
  }
  expect(peers.smtp.messages[0].messageId).toBe(peers.smtp.messages[1].messageId);

  const [wecom] = peers.http.requestsTo('/wecom/send');
  expect(wecom.query).toEqual({ key: 'leader-key' });
  expect(wecom.headers['idempotency-key']).toBe(call.idempotencyKey);
  expect(wecom.body).toEqual({
    msgtype: 'markdown',
    markdown: { content: expect.stringContaining('**事件**：某社区征地拆迁补偿引发网民关注') },
  });

  const [dingtalk] = peers.http.requestsTo('/dingtalk/send');
  const { access_token, timestamp, sign } = dingtalk.query;
  expect(access_token).toBe('deputy-token');
  expect(Math.abs(Number(timestamp) - Date.now())).toBeLessThan(3600_000);
  expect(sign).toBe(createHmac('sha256', 'SECdeputy').update(`${timestamp}\nSECdeputy`).digest('base64'));
  expect(dingtalk.headers['idempotency-key']).toBe(call.idempotencyKey);
  expect(dingtalk.body).toEqual({
    msgtype: 'markdown',
    markdown: {
      title: peers.smtp.messages[0].subject,
      text: expect.stringContaining('**等级**：2级（重大或较大）'),
    },
  });
  expect(peers.http.requestsTo('/hooks/office')).toHaveLength(0);

  const records = await peers.deliveries.forInstance('instance-1');
  expect(records.map((record) => [record.channel, record.target]).sort()).toEqual([
    ['dingtalk', expect.stringMatching(new RegExp(`^${peers.http.url}/dingtalk/send#[0-9a-f]{12}$`))],
    ['email', 'deputy@street.example'],
    ['email', 'leader@street.example'],
    ['wecom', expect.stringMatching(new RegExp(`^${peers.http.url}/wecom/send#[0-9a-f]{12}$`))],
  ]);
  expect(JSON.stringify(records)).not.toMatch(/leader-key|deputy-token|sign=/);
  expect(records[0]).toMatchObject({
    caseId: 'case-1',
    topic: 'notify',
    template: 'fast-report',
    drill: false,
  });
});

test("one notification's mails share one SMTP connection", async () => {
  const notify = createNotify(testDeps(peers.deliveries, channels()));
  const before = peers.smtp.connections;
  await notify(serviceCall('notify', { template: 'fast-report', to: 'leader,deputy,office' }));
  expect(peers.smtp.messages.map((mail) => mail.envelope.to[0]).sort()).toEqual([
    'deputy@street.example',
    'leader@street.example',
    'office@street.example',
  ]);
  expect(peers.smtp.connections - before).toBe(1);
});

test('a retried notify after a partial failure does not re-send to targets already sent', async () => {
  const notify = createNotify(testDeps(peers.deliveries, channels()));
  const call = serviceCall('notify', { template: 'reply-reminder', to: 'leader,deputy', hoursLeft: 3 });
  peers.smtp.refuse('deputy@street.example');
  peers.http.failFirst('/dingtalk/send', 1, 502);

  await expect(notify(call)).rejects.toThrow(/2 of 4 deliveries failed/);
  expect(peers.smtp.messages.map((mail) => mail.envelope.to[0])).toEqual(['leader@street.example']);
  expect(peers.http.requestsTo('/wecom/send')).toHaveLength(1);

  const retried = await notify({ ...call, attempt: 2 });
  expect(retried).toMatchObject({ lastNotification: { sent: 2, skipped: 2 } });
  expect(peers.smtp.messages.map((mail) => mail.envelope.to[0]).sort()).toEqual([
    'deputy@street.example',
    'leader@street.example',
  ]);
  expect(peers.smtp.messages[1].subject).toContain('距12小时回复时限还剩 3 小时');
  expect(peers.http.requestsTo('/wecom/send')).toHaveLength(1);
  expect(peers.http.requestsTo('/dingtalk/send')).toHaveLength(2);

  await notify({ ...call, attempt: 3 });
  expect(peers.smtp.messages).toHaveLength(2);
  expect(peers.http.requests).toHaveLength(3);
});

test('a drill notification goes only to internal targets and is marked 【演练】', async () => {
  const notify = createNotify(testDeps(peers.deliveries, channels()));
  const call = serviceCall(
    'notify',
    { template: 'fast-report', to: 'leader,deputy,office' },
    caseVariables({ drill: true }),
  );
  const output = await notify(call);

  expect(output).toMatchObject({ lastNotification: { sent: 2 } });
  expect(peers.smtp.messages.map((mail) => mail.envelope.to)).toEqual([['drill@street.example']]);
  expect(peers.smtp.messages[0].subject).toMatch(/^【演练】【快报事实】/);
  expect(peers.smtp.messages[0].text).toMatch(/^【演练】/);
  expect(peers.smtp.messages[0].text).toContain('本消息为预案演练，无需实际处置。');
  expect(peers.http.requests.map((request) => [request.path, request.query.key])).toEqual([
    ['/wecom/send', 'internal-key'],
  ]);
  expect((peers.http.requests[0].body as { markdown: { content: string } }).markdown.content).toMatch(
    /^【演练】/,
  );
  expect(await peers.deliveries.forInstance('instance-1')).toEqual([
    expect.objectContaining({ drill: true }),
    expect.objectContaining({ drill: true }),
  ]);
});

test('an unknown template fails clearly and sends nothing', async () => {
  const notify = createNotify(testDeps(peers.deliveries, channels()));
  await expect(notify(serviceCall('notify', { template: 'fast-reprot', to: 'leader' }))).rejects.toThrow(
    'notify: unknown template "fast-reprot"',
  );
  expect(peers.smtp.messages).toHaveLength(0);
  expect(peers.http.requests).toHaveLength(0);
});

test('without an SMTP server the role users are counted unreachable and the robots are still told', async () => {
  const deps = testDeps(peers.deliveries, { ...channels(), smtp: undefined });
  const output = await createNotify(deps)(serviceCall('notify', { template: 'reply-breach', to: 'leader' }));
  expect(output).toMatchObject({ lastNotification: { sent: 1, unreachable: 1 } });
  expect(peers.http.requestsTo('/wecom/send')).toHaveLength(1);
  expect(deps.logged).toEqual([expect.stringContaining('no SMTP server configured, leader@street.example')]);
});

test('grade-lead reaches the role that leads at the case grade', async () => {
  const notify = createNotify(testDeps(peers.deliveries, channels()));
  await notify(
    serviceCall('notify', { template: 'reply-breach', to: 'grade-lead' }, caseVariables({ grade: 4 })),
  );
  expect(peers.smtp.messages.map((mail) => mail.envelope.to)).toEqual([['office@street.example']]);
  expect(peers.smtp.messages[0].subject).toBe('【超时】某社区征地拆迁补偿引发网民关注：已超过12小时回复时限');
  const [hook] = peers.http.requestsTo('/hooks/office');
  expect(hook.body).toMatchObject({ caseId: 'case-1', template: 'reply-breach', drill: false });
});

test('a robot that answers a non-zero errcode fails the notification without showing its key', async () => {
  peers.http.reply('/wecom/send', { status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } });
  try {
    const notify = createNotify(testDeps(peers.deliveries, { ...channels(), smtp: undefined }));
    const failure = notify(serviceCall('notify', { template: 'case-closed', to: 'leader' }));
    await expect(failure).rejects.toThrow(/WeCom robot .*\/wecom\/send refused the message: errcode 93000/);
    await expect(failure).rejects.not.toThrow(/leader-key/);
  } finally {
    peers.http.reply('/wecom/send', { status: 200, body: { errcode: 0, errmsg: 'ok' } });
  }
});
