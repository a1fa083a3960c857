// The append-only journal a node replays after a restart. Group commit: at most one batch in flight, every
// record appended meanwhile goes out in the next single write, and one fdatasync covers a whole batch. When
// a durable record (/NEW) counts as kept is the node's fsync policy (Redis' appendfsync, Cassandra's
// commitlog_sync): `always` once it is written and fdatasync'd, `interval` once it is written (it survives
// a crash of the process; an fdatasync follows within the interval), `never` once it is written (the OS
// syncs when it likes).
// Plain records (relayed arrivals, read marks) are never fsynced on their own: they reach the disk with the
// next durable record's fdatasync or the OS's writeback, and wait up to a short window, so that the write
// happens after a message has spread rather than on every hop of its way. A durable record (/NEW) is written
// at once with whatever waited before it (under `always`, and for a flush, the batch goes out at the next
// loop turn). The write itself is synchronous: it only copies a batch into the page cache (microseconds),
// where a thread-pool write costs a thread hand-off and one more wake-up of the event loop per batch. The
// fdatasync that `always` waits for runs on the thread pool.

import { ftruncateSync, writeSync } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { GossipError } from '../errors.js';
import { BatchBytes } from './batch-bytes.js';
import {
  type AppendArrival,
  type DecodeResult,
  decodeJournal,
  encodeRecord,
  type JournalRecord,
  writeArrivalLine,
} from './journal-codec.js';

/** What this Journal instance has done since it was opened (replayed records are not counted). */
export interface JournalStats {
  records: number;
  bytes: number;
  writes: number;
  syncs: number;
}

export interface OpenedJournal {
  journal: Journal;
  replay: DecodeResult;
}

/** How long plain records may wait for company before they are written (a process crash loses at most these). */
export const JOURNAL_COALESCE_MS = 5;
/** A batch of this many records is written at once, whatever the window. */
const MAX_BATCH_RECORDS = 4_096;

export const FSYNC_POLICIES = ['always', 'interval', 'never'] as const;
export type FsyncPolicy = (typeof FSYNC_POLICIES)[number];

/** Default policy: a /NEW is acknowledged once written; an fdatasync follows within the interval. */
export const DEFAULT_FSYNC: FsyncPolicy = 'interval';
/** Default longest time between a write and the fdatasync that follows it (policy `interval`). */
export const DEFAULT_FSYNC_INTERVAL_MS = 100;

export interface JournalOptions {
  /** Window for plain records (default JOURNAL_COALESCE_MS); 0 writes them at the next loop turn. */
  coalesceMs?: number;
  /** When a durable record counts as kept (default DEFAULT_FSYNC). */
  fsync?: FsyncPolicy;
  /** Policy `interval`: an fdatasync follows a write within this long (default DEFAULT_FSYNC_INTERVAL_MS). */
  fsyncIntervalMs?: number;
}

interface Batch {
  /** Its records' bytes, copied in as they are appended: nothing of a waiting record stays on the heap. */
  bytes: BatchBytes;
  records: number;
  /** Promises (appendDurable, flush) that settle when this batch is written, and synced if durable. */
  waiters: Array<{ resolve: () => void; reject: (error: Error) => void }>;
  durable: boolean;
}

const newBatch = (bytes = new BatchBytes()): Batch => ({ bytes, records: 0, waiters: [], durable: false });

export class Journal {
  private next = newBatch();
  private inFlight: Batch | undefined;
  /** The window's timer while plain records wait; cleared when the batch is taken out sooner. */
  private timer: NodeJS.Timeout | undefined;
  private immediate = false;
  private closing: Promise<void> | undefined;
  private failure: Error | undefined;
  /** A failed write may have left part of a line that could not be cut off: start the next on a fresh line. */
  private ragged = false;
  private readonly counts: JournalStats = { records: 0, bytes: 0, writes: 0, syncs: 0 };
  /** Policy `interval`: the timer of the fdatasync that follows the writes since the last one. */
  private syncTimer: NodeJS.Timeout | undefined;
  /** A written batch's buffer, emptied, for the next batch. */
  private spare: BatchBytes | undefined;

  private constructor(
    private readonly file: string,
    private readonly handle: FileHandle,
    /** File size after the last good write: where a failed write is cut back to. */
    private size: number,
    private readonly coalesceMs: number,
    private readonly fsync: FsyncPolicy,
    private readonly fsyncIntervalMs: number,
  ) {}

  /** Reads what the file holds (missing = empty), cuts off a torn tail, and opens it for appending. */
  static async open(file: string, options: JournalOptions = {}): Promise<OpenedJournal> {
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      const bytes = await readIfExists(file);
      const replay = decodeJournal(bytes ?? Buffer.alloc(0));
      const handle = await fs.open(file, 'a');
      if (bytes === undefined) await syncDirectory(path.dirname(file));
      if (replay.torn) {
        // Otherwise the next record would be glued onto the fragment and both lines would be lost.
        await handle.truncate(replay.validBytes);
        await handle.sync();
      }
      const coalesceMs = options.coalesceMs ?? JOURNAL_COALESCE_MS;
      const journal = new Journal(
        file,
        handle,
        replay.validBytes,
        coalesceMs,
        options.fsync ?? DEFAULT_FSYNC,
        options.fsyncIntervalMs ?? DEFAULT_FSYNC_INTERVAL_MS,
      );
      return { journal, replay };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new GossipError('GOSSIP_ERR_START_FAILED', `cannot open the journal ${file}: ${reason}`, {
        cause: error,
      });
    }
  }

  /** The most recent write or sync failure, if any (plain appends have no one else to tell). */
  get lastError(): Error | undefined {
    return this.failure;
  }

  get stats(): JournalStats {
    return { ...this.counts };
  }

  /** Buffered: goes out within the coalescing window, with whatever else arrived meanwhile, without fsync. */
  append(record: JournalRecord): void {
    this.appendLine(encodeRecord(record));
  }

  /** append() of a record line already encoded (journal-codec.ts), newline included. */
  appendLine(line: string): void {
    this.enqueue(line);
    this.writeLater();
  }

  /** append() of an arrival's record from its parts (see writeArrivalLine): straight into the batch's bytes. */
  readonly appendArrival: AppendArrival = (first, idJson, relays, pathText, atText, via, clock) => {
    writeArrivalLine(this.pendingBatch(idJson).bytes, first, idJson, relays, pathText, atText, via, clock);
    this.writeLater();
  };

  /**
   * Resolves once a batch holding the record was written, and (policy `always`) fdatasync'd; rejects if
   * either failed.
   */
  appendDurable(record: JournalRecord): Promise<void> {
    return this.appendDurableLine(encodeRecord(record)) ?? Promise.resolve();
  }

  /**
   * appendDurable() of a record line already encoded, newline included; undefined when the record is
   * already kept as the policy wants it. Without an fdatasync to wait for (`interval`, `never`) it is written
   * at once, with whatever waited before it: the caller can acknowledge it in the same breath, before the
   * relays of this turn wake the peers (on a busy machine they would hold the CPU the submitter waits for).
   */
  appendDurableLine(line: string): Promise<void> | undefined {
    const batch = this.enqueue(line);
    batch.durable = true;
    if (this.fsync !== 'always' && this.inFlight === undefined) return this.writeNextNow();
    this.drainSoon(this.fsync !== 'always');
    return waitFor(batch);
  }

  /** Resolves once everything appended so far is written (and synced, for durable records); rejects if not. */
  flush(): Promise<void> {
    if (this.next.records > 0) {
      this.drainSoon();
      return waitFor(this.next);
    }
    return this.inFlight === undefined ? Promise.resolve() : waitFor(this.inFlight);
  }

  /** Flushes and syncs, then closes the file even if that failed (and then rejects with that failure). */
  close(): Promise<void> {
    this.closing ??= this.flush()
      .then(() => this.syncNow())
      .finally(() => this.handle.close());
    return this.closing;
  }

  private enqueue(line: string): Batch {
    const batch = this.pendingBatch(line);
    batch.bytes.add(line);
    return batch;
  }

  /** The pending batch, counting one more record (`what` names it if the journal is closed). */
  private pendingBatch(what: string): Batch {
    if (this.closing !== undefined) {
      throw new Error(`cannot append a record (${what.slice(0, 40)}): the journal ${this.file} is closed`);
    }
    this.next.records += 1;
    return this.next;
  }

  /** Plain records wait for the coalescing window, or for the next loop turn once a batch is full. */
  private writeLater(): void {
    if (this.coalesceMs === 0 || this.next.records >= MAX_BATCH_RECORDS) this.drainSoon();
    else this.timer ??= setTimeout(() => this.drainSoon(), this.coalesceMs);
  }

  /**
   * Takes the pending batch out at the next loop turn, or with `withinTurn` once the current callback is done
   * (unless a write in flight will pick it up).
   */
  private drainSoon(withinTurn = false): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.immediate || this.inFlight !== undefined) return;
    // Within the turn, after the current callback (all lines of one read share the write), or at the next
    // turn, so that records from every callback of this one share it.
    this.immediate = true;
    if (withinTurn) process.nextTick(() => void this.drain());
    else setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    this.immediate = false;
    while (this.next.records > 0) {
      const batch = this.takeNext();
      this.inFlight = batch;
      try {
        this.write(batch);
        if (batch.durable && this.fsync === 'always') await this.syncNow();
        for (const waiter of batch.waiters) waiter.resolve();
      } catch (thrown) {
        this.fail(batch, thrown);
      }
    }
    this.inFlight = undefined;
  }

  /** Writes the pending batch now (no fdatasync is awaited); undefined once written, else its rejection. */
  private writeNextNow(): Promise<void> | undefined {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.takeNext();
    try {
      this.write(batch);
    } catch (thrown) {
      return Promise.reject(this.fail(batch, thrown));
    }
    for (const waiter of batch.waiters) waiter.resolve();
    return undefined;
  }

  /** The pending batch, taken out; the next one reuses the bytes of the last batch written. */
  private takeNext(): Batch {
    const batch = this.next;
    this.next = newBatch(this.spare);
    this.spare = undefined;
    return batch;
  }

  private fail(batch: Batch, thrown: unknown): Error {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    this.failure = error;
    for (const waiter of batch.waiters) waiter.reject(error);
    return error;
  }

  /**
   * One write per batch, at the end of the file (the loop only goes round again after a short write); a
   * failed write is cut back off, so the next batch starts on a line boundary, and thrown.
   */
  private write(batch: Batch): void {
    const data = batch.bytes.take(this.ragged);
    try {
      let done = 0;
      while (done < data.length) {
        done += this.writeAt(data, done);
        this.counts.writes += 1;
      }
    } catch (error) {
      this.ragged = !this.cutBack();
      throw error;
    }
    this.ragged = false;
    this.size += data.length;
    this.counts.records += batch.records;
    this.counts.bytes += data.length;
    // The bytes are the kernel's now: the buffer serves the batch after next.
    batch.bytes.clear();
    this.spare = batch.bytes;
    // Policy `interval`: a durable record is fdatasync'd within the interval (with whatever was written
    // before it); plain records alone start no fdatasync, as under `always`.
    if (this.fsync === 'interval' && batch.durable)
      this.syncTimer ??= setTimeout(() => void this.syncLater(), this.fsyncIntervalMs);
  }

  /** Writes data from offset on at the end of the file; returns how much landed. */
  private writeAt(data: Buffer, offset: number): number {
    return writeSync(this.handle.fd, data, offset, data.length - offset);
  }

  /** Cuts the file back to its last good size; false if that failed too. */
  private cutBack(): boolean {
    try {
      ftruncateSync(this.handle.fd, this.size);
      return true;
    } catch {
      return false;
    }
  }

  private async syncNow(): Promise<void> {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    await this.handle.datasync();
    this.counts.syncs += 1;
  }

  /** The interval's fdatasync: nobody waits for it, so a failure is only remembered. */
  private async syncLater(): Promise<void> {
    this.syncTimer = undefined;
    await this.syncNow().catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
    });
  }
}

function waitFor(batch: Batch): Promise<void> {
  return new Promise((resolve, reject) => batch.waiters.push({ resolve, reject }));
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A new file's directory entry must reach the disk too, or a crash could lose the whole journal. */
async function syncDirectory(directory: string): Promise<void> {
  // Best effort: some platforms (Windows) cannot open or sync a directory.
  const handle = await fs.open(directory, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}
