import mongoose, { type Connection } from 'mongoose';

// Every query otherwise formats a stack trace when it runs (kept only to explain a query run
// twice, which preplan never does): about 1 % of a busy node's CPU, more with source maps.
mongoose.set('skipOriginalStackTraces', true);

/**
 * A mongoose connection of its own (not the global default), so tests and several preplan
 * components can hold separate connections in one process.
 */
export async function connectStore(uri: string, dbName?: string): Promise<Connection> {
  return mongoose
    .createConnection(uri, { dbName, autoIndex: true, serverSelectionTimeoutMS: 10_000 })
    .asPromise();
}
