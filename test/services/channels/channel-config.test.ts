import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { emptyChannelsConfig, loadChannelsConfig } from '../../../src/services/channels/channel-config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'preplan-channels-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(content: unknown): string {
  const name = path.join(dir, 'channels.json');
  writeFileSync(name, typeof content === 'string' ? content : JSON.stringify(content));
  return name;
}

test('without a channels file nothing outside is configured', () => {
  expect(loadChannelsConfig(undefined)).toEqual(emptyChannelsConfig());
  expect(loadChannelsConfig('')).toEqual({
    roleChannels: {},
    county: { email: [], webhooks: [] },
    internal: { email: [], webhooks: [] },
    publicBaseUrl: 'http://localhost:3000',
  });
});

test('the example in config/ is a valid channels file', () => {
  const config = loadChannelsConfig(path.resolve('config/channels.example.json'));
  expect(config.smtp?.url).toMatch(/^smtp:\/\//);
  expect(config.roleChannels.leader[0].type).toBe('wecom');
  expect(config.publication?.webhook.url).toMatch(/^https:\/\//);
});

test('a channels file is read with defaults for what it leaves out', () => {
  const config = loadChannelsConfig(
    file({
      county: { email: ['xcb@county.example'] },
      roleChannels: {
        deputy: [
          { type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'SECx' },
        ],
      },
    }),
  );
  expect(config).toEqual({
    roleChannels: {
      deputy: [
        { type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'SECx' },
      ],
    },
    county: { email: ['xcb@county.example'], webhooks: [] },
    internal: { email: [], webhooks: [] },
    publicBaseUrl: 'http://localhost:3000',
  });
});

test('an invalid channels file is refused with its name and the field at fault', () => {
  const name = file({ county: { email: ['not-an-address'] } });
  expect(() => loadChannelsConfig(name)).toThrow(
    `channels config ${name}: county.email[0] must match format "email"`,
  );
  const robot = file({ roleChannels: { leader: [{ type: 'wechat', url: 'https://x.example' }] } });
  expect(() => loadChannelsConfig(robot)).toThrow(
    'roleChannels.leader[0].type must be one of wecom, dingtalk, webhook',
  );
  const role = file({ roleChannels: { mayor: [] } });
  expect(() => loadChannelsConfig(role)).toThrow(
    `channels config ${role}: roleChannels.mayor names no role (roles: admin,`,
  );
  const extra = file({ smtp: { url: 'smtp://h', from: 'a <b@c.d>', pool: true } });
  expect(() => loadChannelsConfig(extra)).toThrow('smtp.pool is not a known setting');
  const missing = file({ publication: { author: '街道' } });
  expect(() => loadChannelsConfig(missing)).toThrow('publication.webhook is required');
});

test('an unreadable or malformed channels file is refused with its name', () => {
  expect(() => loadChannelsConfig(path.join(dir, 'nope.json'))).toThrow(
    /channels config .*nope\.json cannot be read/,
  );
  const name = file('{ "smtp": ');
  expect(() => loadChannelsConfig(name)).toThrow(`channels config ${name} is not valid JSON`);
});

test('PREPLAN_CHANNELS_FILE names the file when none is given', () => {
  const name = file({ internal: { email: ['drill@street.example'] } });
  const before = process.env.PREPLAN_CHANNELS_FILE;
  process.env.PREPLAN_CHANNELS_FILE = name;
  try {
    expect(loadChannelsConfig().internal.email).toEqual(['drill@street.example']);
  } finally {
    if (before === undefined) delete process.env.PREPLAN_CHANNELS_FILE;
    else process.env.PREPLAN_CHANNELS_FILE = before;
  }
});
