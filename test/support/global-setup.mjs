import { startEmbeddedMongoProcess } from './embedded-mongo-process.mjs';

/**
 * One embedded server for the whole run (in memory, in its own process, as a real mongod
 * would be), unless MONGODB_URI points at a real MongoDB. Workers read the address from
 * PREPLAN_TEST_MONGODB_URI; each test file uses its own database and clears it before each test.
 */
export default async function globalSetup() {
  if (process.env.MONGODB_URI) {
    process.env.PREPLAN_TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const { child, uri } = await startEmbeddedMongoProcess();
  globalThis.__embeddedMongo = child;
  process.env.PREPLAN_TEST_MONGODB_URI = uri;
}
