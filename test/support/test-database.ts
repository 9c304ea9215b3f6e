import mongoose, { type Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';

export function testMongoUri(): string {
  const uri = process.env.PREPLAN_TEST_MONGODB_URI ?? process.env.MONGODB_URI;
  if (!uri) throw new Error('no test MongoDB: run the tests through jest (global setup) or set MONGODB_URI');
  return uri;
}

/**
 * A mongoose connection to a database of this test file's own, emptied before each test and
 * dropped at the end. Use inside a describe block or at file level. `monitorCommands` lets a
 * test watch the commands the connection sends (`connection.getClient().on('commandStarted')`).
 */
export function useTestDatabase(
  label: string,
  options: { monitorCommands?: boolean } = {},
): { readonly connection: Connection } {
  const dbName = `test_${label.replace(/[^a-z0-9]+/gi, '_')}_${randomBytes(3).toString('hex')}`;
  let connection: Connection | undefined;
  beforeAll(async () => {
    connection = await mongoose
      .createConnection(testMongoUri(), { dbName, autoIndex: true, monitorCommands: options.monitorCommands })
      .asPromise();
  });
  beforeEach(async () => {
    const db = connection!.db!;
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray())
      await db.collection(name).deleteMany({});
  });
  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });
  return {
    get connection(): Connection {
      if (!connection) throw new Error('test database used before beforeAll ran');
      return connection;
    },
  };
}
