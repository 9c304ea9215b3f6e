import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';

/** MongoDB's error code for a unique index violation. */
export const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: number }).code === DUPLICATE_KEY;
}

/**
 * Inserts a document unless one with its key exists; false when it does (an idempotent repeat,
 * or another node that was first).
 */
export async function insertNew<T extends Document>(
  collection: Collection<T>,
  document: OptionalUnlessRequiredId<T>,
): Promise<boolean> {
  try {
    await collection.insertOne(document);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
