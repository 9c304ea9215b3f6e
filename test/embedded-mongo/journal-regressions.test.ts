/** Regressions found by the crash and fuzz work on the journal. */
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { EmbeddedMongoServer } from '../../src/embedded-mongo/server.js';

let dir: string;
const servers: EmbeddedMongoServer[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'preplan-journal-regression-'));
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

test('small documents do not make every write compact the journal', async () => {
  const log: string[] = [];
  const server = await EmbeddedMongoServer.start({
    dataDir: dir,
    compactMinBytes: 65_536,
    log: (m) => log.push(m),
  });
  servers.push(server);
  const client = await new MongoClient(server.uri).connect();
  try {
    const c = client.db('small').collection<{ _id: number; v: number }>('docs');
    await c.insertMany(Array.from({ length: 3000 }, (_, i) => ({ _id: i, v: 0 })));
    for (let i = 0; i < 100; i++) await c.updateOne({ _id: i }, { $inc: { v: 1 } });
    expect(log.filter((line) => line.includes('compacted')).length).toBeLessThanOrEqual(2);
  } finally {
    await client.close();
  }
});

test('a second server in the same process is refused the data directory', async () => {
  servers.push(await EmbeddedMongoServer.start({ dataDir: dir, log: () => {} }));
  await expect(EmbeddedMongoServer.start({ dataDir: dir, log: () => {} })).rejects.toThrow(/in use/);
  await servers.pop()!.stop();
  servers.push(await EmbeddedMongoServer.start({ dataDir: dir, log: () => {} }));
});
