import type { Options } from 'mingo/types';

/**
 * mingo evaluates `$where`, `$function` and `$accumulator` as JavaScript unless told not to;
 * a database server must never run code that arrives in a query.
 */
export const queryOptions: Partial<Options> = { idKey: '_id', scriptEnabled: false };
