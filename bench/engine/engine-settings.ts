/** What the engine figures take: durations and counts, from flags or the defaults of `npm run bench`. */
import { parseArgs } from 'node:util';
import { exitWithUsageIf, integerFlag } from '../support/cli-flags.js';

export interface EngineSettings {
  durationMs: number;
  warmupMs: number;
  concurrency: number;
  waiting: number;
  startConcurrency: number;
  /** Overdue timers the restarted node fires (and timers due in one second, figure 4b). */
  timers: number;
  /** The scheduler's poll interval in figure 4b (a node's PREPLAN_SCHEDULER_POLL_MS). */
  pollMs: number;
  profileMs: number;
}

export const ENGINE_DEFAULTS: EngineSettings = {
  durationMs: 3000,
  warmupMs: 1000,
  concurrency: 8,
  waiting: 10_000,
  startConcurrency: 8,
  timers: 1000,
  pollMs: 1000,
  profileMs: 3000,
};

/** `--quick`: the same figures on a smaller scale (about a quarter of the time). */
export const ENGINE_QUICK: EngineSettings = {
  ...ENGINE_DEFAULTS,
  durationMs: 1500,
  warmupMs: 500,
  waiting: 2000,
  timers: 300,
  profileMs: 1500,
};

export const ENGINE_OPTIONS = `  --duration MS          measured time of each throughput figure (default 3000)
  --warmup MS            unmeasured time before each throughput figure (default 1000)
  --concurrency N        instances in flight for the concurrent figure (default 8)
  --waiting N            waiting instances to create (default 10000)
  --start-concurrency N  concurrent starts while creating them (default 8)
  --timers N             overdue timers fired after the restart, and timers due in one second (default 1000)
  --poll-ms MS           the scheduler's poll interval for the timers due in one second (default 1000)
  --profile-ms MS        CPU profile of the persisted loop, in process (default 3000; 0 skips it)
`;

const FLAGS = {
  duration: 'durationMs',
  warmup: 'warmupMs',
  concurrency: 'concurrency',
  waiting: 'waiting',
  'start-concurrency': 'startConcurrency',
  timers: 'timers',
  'poll-ms': 'pollMs',
  'profile-ms': 'profileMs',
} as const satisfies Record<string, keyof EngineSettings>;

const MINIMUM: Record<keyof EngineSettings, number> = {
  durationMs: 100,
  warmupMs: 0,
  concurrency: 1,
  waiting: 1,
  startConcurrency: 1,
  timers: 1,
  pollMs: 10,
  profileMs: 0,
};

/** Reads the engine flags (and `--out`, `--help`) over `defaults`. */
export function readEngineSettings(
  argv: string[],
  defaults: EngineSettings,
  usage: string,
): { settings: EngineSettings; out?: string } {
  const options = Object.fromEntries(
    Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }]),
  ) as Record<keyof typeof FLAGS, { type: 'string' }>;
  const { values } = parseArgs({
    args: argv,
    options: { ...options, out: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  exitWithUsageIf(values.help, usage);
  const settings = { ...defaults };
  for (const [flag, key] of Object.entries(FLAGS) as Array<[keyof typeof FLAGS, keyof EngineSettings]>) {
    const value = values[flag];
    if (value !== undefined) settings[key] = integerFlag(flag, value, MINIMUM[key], usage);
  }
  return { settings, out: values.out };
}
