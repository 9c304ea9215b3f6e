import { serialize, deserialize, type Document } from 'bson';
import { ErrorCode, MongoCommandError } from './errors.js';

export const OpCode = { REPLY: 1, QUERY: 2004, COMPRESSED: 2012, MSG: 2013 } as const;
export const HEADER_SIZE = 16;
export const MAX_MESSAGE_SIZE = 48_000_000;

const MSG_CHECKSUM_PRESENT = 1;
const MSG_MORE_TO_COME = 1 << 1;

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** A command as the dispatcher sees it, whichever opcode carried it. */
export interface CommandRequest {
  header: MessageHeader;
  opCode: typeof OpCode.MSG | typeof OpCode.QUERY;
  /** The database the command runs in (`$db`, or the prefix of OP_QUERY's `db.$cmd`). */
  database: string;
  body: Document;
  /** OP_MSG with moreToCome: the client expects no reply (unacknowledged writes). */
  noReply: boolean;
}

const protocolError = (message: string): MongoCommandError =>
  new MongoCommandError(ErrorCode.ProtocolError, message);

export function readHeader(buffer: Buffer): MessageHeader {
  return {
    length: buffer.readInt32LE(0),
    requestId: buffer.readInt32LE(4),
    responseTo: buffer.readInt32LE(8),
    opCode: buffer.readInt32LE(12),
  };
}

function readCString(buffer: Buffer, offset: number): { value: string; next: number } {
  const end = buffer.indexOf(0, offset);
  if (end < 0) throw protocolError('unterminated string in message');
  return { value: buffer.toString('utf8', offset, end), next: end + 1 };
}

/** One BSON document at `offset`, checked against the space left in the message. */
function readDocument(buffer: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 5 > end) throw protocolError('message ends inside a BSON document');
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > end)
    throw protocolError(`BSON document length ${size} does not fit the message`);
  try {
    return { doc: deserialize(buffer.subarray(offset, offset + size)), next: offset + size };
  } catch (error) {
    throw new MongoCommandError(ErrorCode.InvalidBSON, `invalid BSON: ${(error as Error).message}`);
  }
}

/** Parses one complete message (header included). Throws MongoCommandError on anything malformed. */
export function parseMessage(message: Buffer): CommandRequest {
  const header = readHeader(message);
  if (header.opCode === OpCode.MSG) return parseOpMsg(message, header);
  if (header.opCode === OpCode.QUERY) return parseOpQuery(message, header);
  if (header.opCode === OpCode.COMPRESSED) throw protocolError('compression was not negotiated');
  throw protocolError(`unsupported opcode ${header.opCode}`);
}

function parseOpMsg(message: Buffer, header: MessageHeader): CommandRequest {
  if (message.length < HEADER_SIZE + 5) throw protocolError('OP_MSG too short');
  const flags = message.readUInt32LE(HEADER_SIZE);
  if (flags & ~(MSG_CHECKSUM_PRESENT | MSG_MORE_TO_COME | (1 << 16)))
    throw protocolError(`unknown required OP_MSG flag bits ${flags.toString(2)}`);
  const end = message.length - (flags & MSG_CHECKSUM_PRESENT ? 4 : 0);
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Record<string, Document[]> = {};
  while (offset < end) {
    const kind = message[offset++];
    if (kind === 0) {
      if (body) throw protocolError('OP_MSG has more than one body section');
      const read = readDocument(message, offset, end);
      body = read.doc;
      offset = read.next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw protocolError('OP_MSG document sequence is truncated');
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      if (size < 5 || sectionEnd > end) throw protocolError('OP_MSG document sequence length is invalid');
      const id = readCString(message, offset + 4);
      if (id.next > sectionEnd) throw protocolError('OP_MSG document sequence identifier is invalid');
      const docs: Document[] = [];
      let at = id.next;
      while (at < sectionEnd) {
        const read = readDocument(message, at, sectionEnd);
        docs.push(read.doc);
        at = read.next;
      }
      sequences[id.value] = docs;
      offset = sectionEnd;
    } else {
      throw protocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw protocolError('OP_MSG has no body section');
  for (const [name, docs] of Object.entries(sequences)) body[name] = docs;
  const database = body.$db;
  if (typeof database !== 'string' || database.length === 0) throw protocolError('OP_MSG body has no $db');
  return { header, opCode: OpCode.MSG, database, body, noReply: (flags & MSG_MORE_TO_COME) !== 0 };
}

function parseOpQuery(message: Buffer, header: MessageHeader): CommandRequest {
  const name = readCString(message, HEADER_SIZE + 4);
  const queryAt = name.next + 8;
  const { doc } = readDocument(message, queryAt, message.length);
  const match = /^([^.]+)\.\$cmd$/.exec(name.value);
  if (!match) throw protocolError(`OP_QUERY is only supported for commands, not ${name.value}`);
  const body = doc.$query && typeof doc.$query === 'object' ? (doc.$query as Document) : doc;
  return { header, opCode: OpCode.QUERY, database: match[1], body, noReply: false };
}

let nextRequestId = 1;

function frame(opCode: number, responseTo: number, payload: Uint8Array[]): Buffer {
  const length = HEADER_SIZE + payload.reduce((sum, part) => sum + part.length, 0);
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeInt32LE(length, 0);
  header.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, ...payload]);
}

export function encodeReply(opCode: number, responseTo: number, reply: Document): Buffer {
  const doc = serialize(reply);
  if (opCode === OpCode.QUERY) {
    const prefix = Buffer.alloc(20);
    prefix.writeInt32LE(1, 16); // numberReturned; flags, cursorId and startingFrom stay 0
    return frame(OpCode.REPLY, responseTo, [prefix, doc]);
  }
  return frame(OpCode.MSG, responseTo, [Buffer.from([0, 0, 0, 0, 0]), doc]);
}
