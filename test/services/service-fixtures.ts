import { ManualClock } from '../../src/engine/clock.js';
import { emptyChannelsConfig, type ChannelsConfig } from '../../src/services/channels/channel-config.js';
import type {
  CaseRecorder,
  CountyLinkIssuer,
  Directory,
  PublicationEntry,
  Recipient,
  ServiceCall,
  ServiceDeps,
} from '../../src/services/service-types.js';
import type { DeliveryStore } from '../../src/store/delivery-store.js';

/** The people of the office, in memory. */
export class FakeDirectory implements Directory {
  constructor(readonly users: Recipient[] = []) {}

  async usersInRoles(roles: string[]): Promise<Recipient[]> {
    return this.users.filter((user) => user.roles.some((role) => roles.includes(role)));
  }
}

/** Case records, in memory: publications kept once per id. */
export class FakeCases implements CaseRecorder {
  readonly publications: Array<{ caseId: string; entry: PublicationEntry }> = [];

  async recordPublication(caseId: string, entry: PublicationEntry): Promise<void> {
    if (!this.publications.some((kept) => kept.entry.id === entry.id))
      this.publications.push({ caseId, entry });
  }
}

/** Hands out numbered links valid for 48 hours. */
export class FakeLinks implements CountyLinkIssuer {
  readonly issued: Array<Parameters<CountyLinkIssuer['issue']>[0]> = [];

  constructor(private readonly clock: { now(): Date }) {}

  async issue(request: Parameters<CountyLinkIssuer['issue']>[0]): Promise<{ url: string; expiresAt: Date }> {
    this.issued.push(request);
    return {
      url: `http://localhost:3000/county/${this.issued.length}?sig=signed-${this.issued.length}`,
      expiresAt: new Date(this.clock.now().getTime() + 48 * 3600_000),
    };
  }
}

export const office: Recipient[] = [
  { userId: 'u-leader', displayName: '王书记', email: 'leader@street.example', roles: ['leader'] },
  { userId: 'u-deputy', displayName: '李副组长', email: 'deputy@street.example', roles: ['deputy'] },
  { userId: 'u-office', displayName: '赵主任', email: 'office@street.example', roles: ['office'] },
  { userId: 'u-monitor', displayName: '陈监控员', roles: ['monitor'] },
];

/** A grade-2 land-demolition case as the intake form leaves it. */
export function caseVariables(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    caseId: 'case-1',
    title: '某社区征地拆迁补偿引发网民关注',
    summary: '网民发帖称拆迁补偿款迟迟未发放，转发量上升。',
    category: 'land-demolition',
    platform: '微博',
    sourceUrls: ['https://weibo.example/p/1', 'https://tieba.example/p/2'],
    firstSeenAt: '2026-03-01T01:30:00.000Z',
    occurredAt: '2026-03-01T00:00:00.000Z',
    grade: 2,
    drill: false,
    replyDueAt: '2026-03-01T12:00:00.000Z',
    reportDueAt: '2026-03-01T03:30:00.000Z',
    ...extra,
  };
}

export function serviceCall(
  topic: string,
  input: Record<string, unknown>,
  variables = caseVariables(),
): ServiceCall {
  return {
    topic,
    instanceId: 'instance-1',
    activityId: 'Task_1',
    idempotencyKey: `instance-1|Task_1|exec-${topic}`,
    attempt: 1,
    variables,
    input,
  };
}

export interface TestDeps extends ServiceDeps {
  directory: FakeDirectory;
  cases: FakeCases;
  links: FakeLinks;
  clock: ManualClock;
  logged: string[];
}

export function testDeps(deliveries: DeliveryStore, channels: Partial<ChannelsConfig> = {}): TestDeps {
  const clock = new ManualClock('2026-03-01T02:00:00.000Z');
  const logged: string[] = [];
  return {
    channels: { ...emptyChannelsConfig(), ...channels },
    directory: new FakeDirectory(office),
    cases: new FakeCases(),
    links: new FakeLinks(clock),
    deliveries,
    clock,
    log: (message) => logged.push(message),
    logged,
  };
}
