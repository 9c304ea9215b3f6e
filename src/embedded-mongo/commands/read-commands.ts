import type { Document } from 'bson';
import type { Options } from 'mingo/types';
import type { CommandContext, CommandHandler, CommandTable } from './context.js';
import { ErrorCode, MongoCommandError, badValue, typeMismatch } from '../errors.js';
import { findDocuments, requireDocument, runPipeline, selectDocuments } from '../query-executor.js';
import { asNumber, cloneDocument, isPlainObject, valueKey, valuesAtPath } from '../values.js';

function targetName(command: Document, verb: string): string {
  const name = command[verb];
  if (typeof name !== 'string') throw typeMismatch(`${verb} needs a collection name`);
  return name;
}

function optionalNumber(command: Document, field: string): number | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  const n = asNumber(value, NaN);
  if (!Number.isFinite(n)) throw typeMismatch(`${field} must be a number`);
  return n;
}

const find: CommandHandler = (command, context) => {
  const name = targetName(command, 'find');
  const limit = optionalNumber(command, 'limit');
  const skip = optionalNumber(command, 'skip');
  if ((skip ?? 0) < 0) throw badValue('skip must be non-negative');
  const documents = findDocuments(
    context.storage.collection(context.database, name),
    requireDocument(command.filter, 'filter'),
    {
      sort: requireDocument(command.sort, 'sort'),
      projection: requireDocument(command.projection, 'projection'),
      skip,
      limit,
    },
  );
  const batchSize = optionalNumber(command, 'batchSize');
  const single = command.singleBatch === true || (limit !== undefined && limit < 0);
  return context.cursors.first(`${context.database}.${name}`, documents, batchSize, single);
};

const getMore: CommandHandler = (command, context) => {
  const collection = command.collection;
  if (typeof collection !== 'string') throw typeMismatch('getMore needs the collection name');
  const id = asNumber(command.getMore, NaN);
  if (!Number.isFinite(id)) throw typeMismatch('getMore needs a cursor id');
  return context.cursors.more(id, `${context.database}.${collection}`, optionalNumber(command, 'batchSize'));
};

const killCursors: CommandHandler = (command, context) => {
  if (!Array.isArray(command.cursors)) throw typeMismatch('killCursors needs an array of cursor ids');
  const { killed, notFound } = context.cursors.kill(command.cursors.map((id: unknown) => asNumber(id)));
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

const count: CommandHandler = (command, context) => {
  const name = targetName(command, 'count');
  const skip = optionalNumber(command, 'skip') ?? 0;
  const limit = Math.abs(optionalNumber(command, 'limit') ?? 0);
  const collection = context.storage.collection(context.database, name);
  const filter = requireDocument(command.query, 'query');
  let n =
    Object.keys(filter).length === 0
      ? (collection?.documents.size ?? 0)
      : selectDocuments(collection, filter).documents.length;
  n = Math.max(0, n - skip);
  if (limit > 0) n = Math.min(n, limit);
  return { n, ok: 1 };
};

const distinct: CommandHandler = (command, context) => {
  const name = targetName(command, 'distinct');
  if (typeof command.key !== 'string') throw typeMismatch('distinct needs a key string');
  const { documents } = selectDocuments(
    context.storage.collection(context.database, name),
    requireDocument(command.query, 'query'),
  );
  const seen = new Map<string, unknown>();
  for (const doc of documents)
    for (const value of valuesAtPath(doc, command.key))
      if (value !== undefined && !seen.has(valueKey(value))) seen.set(valueKey(value), value);
  return { values: [...seen.values()], ok: 1 };
};

const UNSUPPORTED_STAGES = new Set([
  '$out',
  '$merge',
  '$changeStream',
  '$collStats',
  '$currentOp',
  '$search',
]);

function aggregationOptions(context: CommandContext): Partial<Options> {
  return {
    collectionResolver: (name: string) =>
      selectDocuments(context.storage.collection(context.database, name), {}).documents.map(cloneDocument),
  };
}

const aggregate: CommandHandler = (command, context) => {
  const pipeline = command.pipeline;
  if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject))
    throw typeMismatch('pipeline must be an array of stages');
  for (const stage of pipeline) {
    const stageName = Object.keys(stage)[0];
    if (UNSUPPORTED_STAGES.has(stageName))
      throw new MongoCommandError(
        ErrorCode.NotImplemented,
        `${stageName} is not supported by the embedded server`,
      );
  }
  if (command.aggregate === 1) {
    if (pipeline.length && Object.keys(pipeline[0])[0] === '$documents') {
      const [first, ...rest] = pipeline;
      if (!Array.isArray(first.$documents)) throw typeMismatch('$documents must be an array');
      const out = runPipeline(first.$documents, rest, aggregationOptions(context));
      return context.cursors.first(`${context.database}.$cmd.aggregate`, out, command.cursor?.batchSize);
    }
    throw badValue('aggregate: 1 is only supported with a $documents first stage');
  }
  const name = targetName(command, 'aggregate');
  const collection = context.storage.collection(context.database, name);
  // A leading $match narrows the input through the planner (indexes) before mingo sees it.
  const leadingMatch =
    pipeline.length > 0 && isPlainObject(pipeline[0].$match) ? pipeline[0].$match : undefined;
  // mingo's stages mutate their input in place: the pipeline gets copies, never stored documents.
  const input = selectDocuments(collection, leadingMatch ?? {}).documents.map(cloneDocument);
  const rest = leadingMatch ? pipeline.slice(1) : pipeline;
  const out = runPipeline(input, rest, aggregationOptions(context));
  return context.cursors.first(`${context.database}.${name}`, out, command.cursor?.batchSize);
};

/** Answers `explain` for find/count/distinct/delete/update with the planner's choice. */
const explain: CommandHandler = (command, context) => {
  const inner = command.explain;
  if (!isPlainObject(inner)) throw typeMismatch('explain needs a command document');
  const verb = Object.keys(inner)[0];
  const name = inner[verb];
  if (typeof name !== 'string') throw typeMismatch('explain needs a collection name');
  const filter =
    verb === 'find' ? inner.filter : verb === 'count' || verb === 'distinct' ? inner.query : undefined;
  // A find with one ascending sort key and a limit may stop early on an index range scan.
  const sort = verb === 'find' && isPlainObject(inner.sort) ? Object.keys(inner.sort) : [];
  const ascendingOn = sort.length === 1 && (inner.sort as Document)[sort[0]] === 1 ? sort[0] : undefined;
  const limit = verb === 'find' ? Math.abs(asNumber(inner.limit)) + Math.max(0, asNumber(inner.skip)) : 0;
  const selection = selectDocuments(
    context.storage.collection(context.database, name),
    requireDocument(filter, 'filter'),
    sort.length ? 0 : limit,
    ascendingOn && limit ? { field: ascendingOn, limit } : undefined,
  );
  const winningPlan: Document = { stage: selection.plan.stage };
  if (selection.plan.index) winningPlan.indexName = selection.plan.index;
  return {
    queryPlanner: { namespace: `${context.database}.${name}`, winningPlan },
    executionStats: { nReturned: selection.documents.length, totalDocsExamined: selection.examined },
    ok: 1,
  };
};

export const readCommands: CommandTable = { find, getMore, killCursors, count, distinct, aggregate, explain };
