import {
  promises as fs,
  readFileSync,
  existsSync,
  openSync,
  closeSync,
  writeFileSync,
  unlinkSync,
  fsyncSync,
} from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { serialize, deserialize, type Document } from 'bson';

/**
 * Append-only journal of state-setting records (put a whole document, remove one, create or
 * drop a collection or index). A frame is `[u32 length][u32 crc32][records…]`; a write is
 * acknowledged only after its frame is fsynced. Frames queued while a sync runs are written
 * together by the next one (group commit).
 */
export interface JournalRecord {
  header: Document;
  /** The serialized document of a `put` record, written right after its header. */
  body?: Uint8Array;
}

export interface JournalOptions {
  dir: string;
  /** Compaction starts only above this size, and only when the journal is twice the live data. */
  compactMinBytes?: number;
  log?: (message: string) => void;
}

const MAGIC = Buffer.from('PPJRNL01');
const FRAME_HEADER = 8;
const JOURNAL_FILE = 'journal.bin';
const COMPACT_FILE = 'journal.compact';
const LOCK_FILE = 'mongod.lock';
const SNAPSHOT_FRAME_RECORDS = 1000;

export function encodeFrame(records: JournalRecord[]): Buffer {
  const parts: Uint8Array[] = [Buffer.alloc(FRAME_HEADER)];
  for (const record of records) {
    parts.push(serialize(record.header));
    if (record.body) parts.push(record.body);
  }
  const frame = Buffer.concat(parts);
  frame.writeUInt32LE(frame.length - FRAME_HEADER, 0);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER)), 4);
  return frame;
}

function* decodeRecords(payload: Buffer): Generator<{ header: Document; body?: Document }> {
  let offset = 0;
  const next = (): Document => {
    const size = payload.readInt32LE(offset);
    const doc = deserialize(payload.subarray(offset, offset + size));
    offset += size;
    return doc;
  };
  while (offset < payload.length) {
    const header = next();
    yield header.op === 'p' ? { header, body: next() } : { header };
  }
}

export class Journal {
  private handle!: fs.FileHandle;
  private queue: Buffer[] = [];
  private waiters: Array<() => void> = [];
  private flushing: Promise<void> | null = null;
  private closed = false;
  /** Bytes in the journal file, including queued frames. */
  bytes = 0;

  private constructor(
    private readonly options: JournalOptions,
    private readonly snapshot: () => Iterable<JournalRecord>,
    private readonly snapshotSize: () => number,
  ) {}

  private get file(): string {
    return path.join(this.options.dir, JOURNAL_FILE);
  }

  /**
   * Locks the directory, replays every intact frame through `apply`, cuts a torn or corrupt
   * tail, and compacts when the journal has grown well past the live data.
   */
  static async open(
    options: JournalOptions,
    apply: (header: Document, body?: Document) => void,
    snapshot: () => Iterable<JournalRecord>,
    snapshotSize: () => number,
  ): Promise<Journal> {
    await fs.mkdir(options.dir, { recursive: true });
    lockDirectory(options.dir);
    const journal = new Journal(options, snapshot, snapshotSize);
    const log = options.log ?? (() => {});
    if (existsSync(path.join(options.dir, COMPACT_FILE))) await fs.rm(path.join(options.dir, COMPACT_FILE));
    if (!existsSync(journal.file)) writeFileSync(journal.file, MAGIC);
    const data = readFileSync(journal.file);
    let offset = MAGIC.length;
    if (data.length < MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC))
      throw new Error(`${journal.file} is not a preplan journal (bad magic); refusing to overwrite it`);
    let frames = 0;
    while (offset < data.length) {
      if (offset + FRAME_HEADER > data.length) break;
      const length = data.readUInt32LE(offset);
      const end = offset + FRAME_HEADER + length;
      if (end > data.length) break;
      const payload = data.subarray(offset + FRAME_HEADER, end);
      if (crc32(payload) !== data.readUInt32LE(offset + 4)) break;
      let records: Array<{ header: Document; body?: Document }>;
      try {
        records = [...decodeRecords(payload)];
      } catch {
        break;
      }
      for (const { header, body } of records) apply(header, body);
      frames++;
      offset = end;
    }
    if (offset < data.length) {
      log(`journal: cut ${data.length - offset} bytes of torn or corrupt tail after ${frames} intact frames`);
      await fs.truncate(journal.file, offset);
    }
    journal.bytes = offset;
    journal.handle = await fs.open(journal.file, 'a');
    if (journal.shouldCompact()) await journal.compactNow();
    return journal;
  }

  /** Resolves once the records are durable on disk. */
  append(records: JournalRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('journal is closed'));
    const frame = encodeFrame(records);
    this.queue.push(frame);
    this.bytes += frame.length;
    const durable = new Promise<void>((resolve) => this.waiters.push(resolve));
    if (!this.flushing) this.flushing = this.flushLoop();
    return durable;
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const frames = this.queue.splice(0);
        const waiters = this.waiters.splice(0);
        await writeAll(this.handle, frames);
        await this.handle.datasync();
        for (const resolve of waiters) resolve();
        if (this.shouldCompact()) await this.compactNow();
      }
    } catch (error) {
      // Memory already holds writes the disk refused: continuing would acknowledge lost data.
      process.stderr.write(`embedded-mongo: journal write failed, stopping: ${String(error)}\n`);
      process.exit(70);
    } finally {
      this.flushing = null;
    }
  }

  /**
   * Compact once the journal is past the threshold and twice what a snapshot of the live data
   * would be (documents plus their record headers: with small documents the headers weigh as
   * much as the data, and leaving them out would compact on every write).
   */
  private shouldCompact(): boolean {
    const min = this.options.compactMinBytes ?? 64 * 1024 * 1024;
    return this.bytes > min && this.bytes > 2 * this.snapshotSize();
  }

  /**
   * Rewrites the journal as a snapshot of the live data. The snapshot is taken synchronously,
   * so frames still queued are already part of it and are dropped; their writers are
   * acknowledged once the snapshot is durable.
   */
  private async compactNow(): Promise<void> {
    const started = Date.now();
    const frames: Buffer[] = [MAGIC];
    let batch: JournalRecord[] = [];
    for (const record of this.snapshot()) {
      batch.push(record);
      if (batch.length === SNAPSHOT_FRAME_RECORDS) {
        frames.push(encodeFrame(batch));
        batch = [];
      }
    }
    if (batch.length) frames.push(encodeFrame(batch));
    const waiters = this.waiters.splice(0);
    this.queue = [];
    const tmp = path.join(this.options.dir, COMPACT_FILE);
    const out = await fs.open(tmp, 'w');
    await writeAll(out, frames);
    await out.datasync();
    await out.close();
    await this.handle.close();
    await fs.rename(tmp, this.file);
    syncDirectory(this.options.dir);
    this.handle = await fs.open(this.file, 'a');
    const before = this.bytes;
    // Frames queued while the snapshot was written are appended after it.
    this.bytes =
      frames.reduce((sum, frame) => sum + frame.length, 0) +
      this.queue.reduce((sum, frame) => sum + frame.length, 0);
    for (const resolve of waiters) resolve();
    this.options.log?.(`journal: compacted ${before} → ${this.bytes} bytes in ${Date.now() - started} ms`);
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.handle.close();
    unlockDirectory(this.options.dir);
  }
}

async function writeAll(handle: fs.FileHandle, buffers: Buffer[]): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending);
    let skip = bytesWritten;
    const rest: Buffer[] = [];
    for (const buffer of pending) {
      if (skip >= buffer.length) skip -= buffer.length;
      else {
        rest.push(buffer.subarray(skip));
        skip = 0;
      }
    }
    pending = rest;
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Directories this process holds, so a second server in the same process is refused too. */
const lockedHere = new Set<string>();

/**
 * One server per data directory. The lock file is created exclusively ('wx'), so two servers
 * starting together cannot both win; a lock left by a killed process is taken over.
 */
function lockDirectory(dir: string): void {
  const resolved = path.resolve(dir);
  if (lockedHere.has(resolved)) throw new Error(`data directory ${dir} is in use by this process`);
  const lock = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      lockedHere.add(resolved);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (pid && processAlive(pid) && pid !== process.pid)
        throw new Error(`data directory ${dir} is in use by process ${pid}`);
      unlinkSync(lock); // left by a process that is gone (or by this one before a crash-restart)
    }
  }
  throw new Error(`could not lock data directory ${dir}`);
}

function unlockDirectory(dir: string): void {
  lockedHere.delete(path.resolve(dir));
  try {
    unlinkSync(path.join(dir, LOCK_FILE));
  } catch {
    // already gone
  }
}
