import mongoose, { type Connection } from 'mongoose';

/**
 * A mongoose connection of its own (not the global default), so tests and several preplan
 * components can hold separate connections in one process.
 */
export async function connectStore(uri: string, dbName?: string): Promise<Connection> {
  return mongoose
    .createConnection(uri, { dbName, autoIndex: true, serverSelectionTimeoutMS: 10_000 })
    .asPromise();
}
