import { stopProcess } from './embedded-mongo-process.mjs';

export default async function globalTeardown() {
  if (globalThis.__embeddedMongo) await stopProcess(globalThis.__embeddedMongo);
}
