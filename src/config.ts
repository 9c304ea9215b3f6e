/**
 * Every setting preplan reads, with its environment variable, default and meaning. Read once
 * at start-up; a bad value stops the process with a message naming the variable.
 */
export interface Config {
  /** A real MongoDB (replica set in production). Unset: preplan starts its embedded server. */
  mongodbUri: string | undefined;
  /** Where the embedded server keeps its journal. */
  dataDir: string;
  /** Port of the embedded MongoDB-compatible server (loopback only). */
  embeddedMongoPort: number;
}

interface Setting<K extends keyof Config> {
  key: K;
  env: string;
  doc: string;
  parse: (raw: string | undefined) => Config[K];
}

function port(env: string, fallback: number) {
  return (raw: string | undefined): number => {
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65535)
      throw new Error(`${env} must be a port number 0..65535, not "${raw}"`);
    return value;
  };
}

export const settings = [
  {
    key: 'mongodbUri',
    env: 'MONGODB_URI',
    doc: 'MongoDB connection string; unset starts the embedded server',
    parse: (raw: string | undefined) => {
      if (raw === undefined || raw === '') return undefined;
      if (!/^mongodb(\+srv)?:\/\//.test(raw))
        throw new Error(`MONGODB_URI must start with mongodb://, not "${raw}"`);
      return raw;
    },
  } satisfies Setting<'mongodbUri'>,
  {
    key: 'dataDir',
    env: 'PREPLAN_DATA_DIR',
    doc: 'directory of the embedded server journal (default ./data)',
    parse: (raw: string | undefined) => (raw === undefined || raw === '' ? './data' : raw),
  } satisfies Setting<'dataDir'>,
  {
    key: 'embeddedMongoPort',
    env: 'PREPLAN_MONGO_PORT',
    doc: 'port of the embedded MongoDB-compatible server (default 27017)',
    parse: port('PREPLAN_MONGO_PORT', 27017),
  } satisfies Setting<'embeddedMongoPort'>,
] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Partial<Record<keyof Config, unknown>> = {};
  for (const setting of settings) config[setting.key] = setting.parse(env[setting.env]);
  return config as Config;
}
