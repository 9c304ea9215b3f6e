import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import formats from 'ajv-formats';
import { PreplanError } from '../../errors.js';
import { roleNames } from '../../roles.js';

/** A WeCom (企业微信) group robot: its webhook URL carries the robot's key. */
export interface WecomChannel {
  type: 'wecom';
  url: string;
}

/** A DingTalk (钉钉) group robot; `secret` (SEC…) when the robot signs requests (加签). */
export interface DingtalkChannel {
  type: 'dingtalk';
  url: string;
  secret?: string;
}

/** Any HTTPS endpoint taking a JSON POST; `secret` makes preplan sign the body (HMAC-SHA256). */
export interface WebhookChannel {
  type: 'webhook';
  url: string;
  secret?: string;
}

export type Channel = WecomChannel | DingtalkChannel | WebhookChannel;

/** Where a group of messages goes: e-mail addresses and robots/webhooks. */
export interface ChannelGroup {
  email: string[];
  webhooks: Channel[];
}

/**
 * Every outside channel preplan's services may use (config/README.md, "channels"). Anything
 * absent is simply not reached: the services then say so in their output (manual relay).
 */
export interface ChannelsConfig {
  /** Outgoing mail; without it no e-mail is sent. */
  smtp?: { url: string; from: string };
  /** Robots/webhooks of each role (roles.ts), told alongside the role's users' e-mail. */
  roleChannels: Record<string, Channel[]>;
  /** The county (县委/县政府/宣传部): formal reports and sign-off requests. */
  county: ChannelGroup;
  /** The office's own publication system: takes a release, answers `{ url }`. */
  publication?: { webhook: { url: string; secret?: string }; author?: string };
  /** Where drill messages, and county/publication copies in drills, go instead. */
  internal: ChannelGroup;
  /** Base of the signed links preplan hands out. */
  publicBaseUrl: string;
}

const httpUrl = { type: 'string', format: 'uri', pattern: '^https?://' };
const secret = { type: 'string', minLength: 1 };
const channel = {
  type: 'object',
  required: ['type', 'url'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    {
      properties: { type: { const: 'wecom' }, url: httpUrl },
      additionalProperties: false,
    },
    {
      properties: { type: { const: 'dingtalk' }, url: httpUrl, secret },
      additionalProperties: false,
    },
    {
      properties: { type: { const: 'webhook' }, url: httpUrl, secret },
      additionalProperties: false,
    },
  ],
};
const group = {
  type: 'object',
  default: { email: [], webhooks: [] },
  properties: {
    email: { type: 'array', items: { type: 'string', format: 'email' }, default: [] },
    webhooks: { type: 'array', items: channel, default: [] },
  },
  additionalProperties: false,
};

export const channelsSchema = {
  type: 'object',
  properties: {
    smtp: {
      type: 'object',
      required: ['url', 'from'],
      properties: {
        url: { type: 'string', pattern: '^smtps?://' },
        from: { type: 'string', minLength: 3 },
      },
      additionalProperties: false,
    },
    roleChannels: {
      type: 'object',
      default: {},
      propertyNames: { enum: roleNames },
      additionalProperties: { type: 'array', items: channel },
    },
    county: group,
    publication: {
      type: 'object',
      required: ['webhook'],
      properties: {
        webhook: {
          type: 'object',
          required: ['url'],
          properties: { url: httpUrl, secret },
          additionalProperties: false,
        },
        author: { type: 'string', minLength: 1 },
      },
      additionalProperties: false,
    },
    internal: group,
    publicBaseUrl: { type: 'string', format: 'uri', pattern: '^https?://', default: 'http://localhost:3000' },
    $comment: { type: 'string' },
  },
  additionalProperties: false,
};

const ajv = new Ajv({ allErrors: true, useDefaults: true, discriminator: true });
formats.default(ajv, ['uri', 'email']);
const validate = ajv.compile<ChannelsConfig>(channelsSchema);

/** Nothing outside is configured: every service reports manual relay. */
export function emptyChannelsConfig(): ChannelsConfig {
  return {
    roleChannels: {},
    county: { email: [], webhooks: [] },
    internal: { email: [], webhooks: [] },
    publicBaseUrl: 'http://localhost:3000',
  };
}

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
  const params = error.params as Record<string, unknown>;
  const child = params.additionalProperty ?? params.missingProperty ?? params.tag ?? params.propertyName;
  if (typeof child === 'string') return path ? `${path}.${child}` : child;
  return path || '(top level)';
}

function describe(error: ErrorObject): string {
  const field = fieldOf(error);
  switch (error.keyword) {
    case 'additionalProperties':
      return `${field} is not a known setting`;
    case 'required':
      return `${field} is required`;
    case 'discriminator':
      return `${field} must be one of wecom, dingtalk, webhook`;
    case 'propertyNames':
      return `${field} names no role (roles: ${roleNames.join(', ')})`;
    default:
      return `${field} ${error.message ?? 'is invalid'}`;
  }
}

/** Checks parsed JSON against the schema (filling defaults); `source` names it in errors. */
export function parseChannelsConfig(raw: unknown, source: string): ChannelsConfig {
  const config = structuredClone(raw);
  if (!validate(config)) {
    // A bad role name also fails the `enum` inside propertyNames, and a missing channel type the
    // discriminator: keep the one clearer error each.
    const all = validate.errors ?? [];
    const errors = all.filter(
      (error) =>
        !(error.keyword !== 'propertyNames' && error.propertyName !== undefined) &&
        !(
          error.keyword === 'discriminator' &&
          all.some((other) => other.keyword === 'required' && fieldOf(other) === fieldOf(error))
        ),
    );
    const problems = errors.map(describe);
    throw new PreplanError('invalid', `channels config ${source}: ${problems.join('; ')}`, {
      file: source,
      field: errors[0] ? fieldOf(errors[0]) : undefined,
      problems,
    });
  }
  return config;
}

/**
 * Reads the channels file (`PREPLAN_CHANNELS_FILE` unless given); without one, nothing outside
 * is configured. A missing or invalid file stops start-up with a message naming file and field.
 */
export function loadChannelsConfig(
  file: string | undefined = process.env.PREPLAN_CHANNELS_FILE,
): ChannelsConfig {
  if (file === undefined || file === '') return emptyChannelsConfig();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PreplanError('invalid', `channels config ${file} cannot be read: ${(error as Error).message}`, {
      file,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PreplanError(
      'invalid',
      `channels config ${file} is not valid JSON: ${(error as Error).message}`,
      {
        file,
      },
    );
  }
  return parseChannelsConfig(raw, file);
}
