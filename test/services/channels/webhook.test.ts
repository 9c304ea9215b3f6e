import { createHmac } from 'node:crypto';
import { startHttpPeer, type HttpPeer } from '../../support/http-peer.js';
import { endpointOf, postJson, sendWebhook, signBody } from '../../../src/services/channels/webhook.js';
import { dingtalkSign, signedDingtalkUrl } from '../../../src/services/channels/dingtalk.js';
import { renderTemplate } from '../../../src/services/templates.js';
import { caseVariables } from '../service-fixtures.js';

let http: HttpPeer;
beforeAll(async () => {
  http = await startHttpPeer();
});
afterAll(() => http.close());
beforeEach(() => http.requests.splice(0));

const message = renderTemplate(
  'case-closed',
  { variables: caseVariables(), input: {}, now: new Date('2026-03-02T00:00:00Z') },
  false,
);

test('webhook signatures verify against the exact body with the shared secret', async () => {
  await sendWebhook({ type: 'webhook', url: `${http.url}/hook`, secret: 'k3y' }, message, 'key-1', {
    caseId: 'c',
  });
  const [request] = http.requests;
  const expected = `sha256=${createHmac('sha256', 'k3y').update(Buffer.from(request.rawBody, 'utf8')).digest('hex')}`;
  expect(request.headers['x-preplan-signature']).toBe(expected);
  expect(request.headers['x-preplan-signature']).not.toBe(signBody('other', request.rawBody));
  expect(request.headers['idempotency-key']).toBe('key-1');
  expect(request.body).toMatchObject({ idempotencyKey: 'key-1', template: 'case-closed', caseId: 'c' });
  expect((request.body as { text: string }).text).toContain('结束时间：2026/03/02 08:00');
});

test('a webhook without a secret is not signed', async () => {
  await sendWebhook({ type: 'webhook', url: `${http.url}/hook` }, message, 'key-2', {});
  expect(http.requests[0].headers['x-preplan-signature']).toBeUndefined();
});

test('a non-2xx answer throws and names the endpoint without its query string', async () => {
  http.failFirst('/hook', 1, 500);
  await expect(postJson(`${http.url}/hook?token=s3cret`, {}, { idempotencyKey: 'k' })).rejects.toThrow(
    `POST ${http.url}/hook answered 500`,
  );
  await expect(postJson(`${http.url}/hook?token=s3cret`, {}, { idempotencyKey: 'k' })).resolves.toEqual({
    errcode: 0,
    errmsg: 'ok',
  });
});

test('an unreachable endpoint throws', async () => {
  const closed = await startHttpPeer();
  await closed.close();
  await expect(postJson(`${closed.url}/x`, {}, { idempotencyKey: 'k' })).rejects.toThrow(
    `POST ${closed.url}/x failed`,
  );
});

test('the DingTalk signature is the URL-encoded base64 HMAC-SHA256 of timestamp and secret', () => {
  const secret = 'SEC0123456789abcdef';
  const timestamp = 1_772_000_000_000;
  const sign = dingtalkSign(secret, timestamp);
  expect(sign).toBe(createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'));
  const url = signedDingtalkUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', secret, timestamp);
  expect(url).toBe(
    `https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=${timestamp}&sign=${encodeURIComponent(sign)}`,
  );
  expect(endpointOf(url)).toBe('https://oapi.dingtalk.com/robot/send');
});
