import { writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Journal, type JournalOptions } from '../../src/node/journal.js';
import { decodeJournal, encodeRecord, type JournalRecord } from '../../src/node/journal-codec.js';
import { waitFor } from '../helpers/wait-for.js';

let dir: string;
let file: string;
const opened: Journal[] = [];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gossip-journal-'));
  file = path.join(dir, 'data', 'messages.journal');
});

afterEach(async () => {
  for (const journal of opened.splice(0)) await journal.close().catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
});

/** The group commit is tested under fsync `always`, where /NEW waits for the sync (journal-fsync.test.ts has the others). */
async function open(at = file, options?: JournalOptions): Promise<Awaited<ReturnType<typeof Journal.open>>> {
  const result = await Journal.open(at, { fsync: 'always', ...options });
  opened.push(result.journal);
  return result;
}

const message = (index: number, id = `m${index}_${index}`): JournalRecord => ({
  kind: 'message',
  id,
  relays: 2,
  path: [1, 2 + (index % 5)],
  atMs: 1_712_345_678_901 + index,
  via: 'relay',
});

const onDisk = async (at = file) => decodeJournal(await fs.readFile(at));

describe('Journal.open', () => {
  it('creates a missing file (and its directory) and replays nothing', async () => {
    const { journal, replay } = await open();
    expect(replay).toEqual({ records: [], validBytes: 0, skipped: 0, torn: false });
    expect((await fs.stat(file)).size).toBe(0);
    journal.append(message(1));
    await journal.flush();
    expect((await onDisk()).records).toEqual([message(1)]);
  });

  it('opens an existing empty file', async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '');
    const { replay } = await open();
    expect(replay.records).toEqual([]);
    expect(replay.torn).toBe(false);
  });

  it('cuts a torn last record off, so the next append leaves a clean file', async () => {
    const good = Array.from({ length: 5 }, (_, index) => message(index, `ü "quoted" \\ 🎉|:_${index}`));
    const half = encodeRecord(message(99, '🎉 torn_99'));
    const goodBytes = Buffer.byteLength(good.map(encodeRecord).join(''));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, good.map(encodeRecord).join('') + half.slice(0, half.length / 2));

    const { journal, replay } = await open();
    expect(replay.records).toEqual(good);
    expect(replay.torn).toBe(true);
    expect(replay.validBytes).toBe(goodBytes);
    expect((await fs.stat(file)).size).toBe(goodBytes);

    journal.append(message(5));
    await journal.flush();
    expect(await onDisk()).toEqual({
      records: [...good, message(5)],
      validBytes: (await fs.stat(file)).size,
      skipped: 0,
      torn: false,
    });
  });

  it('replays around a corrupt line in the middle and keeps it', async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, `${encodeRecord(message(1))}{"k":"m","id":\n${encodeRecord(message(2))}`);
    const { replay } = await open();
    expect(replay.records).toEqual([message(1), message(2)]);
    expect(replay.skipped).toBe(1);
    expect(replay.torn).toBe(false);
  });

  it('reports a journal it cannot open with the path in the message', async () => {
    await fs.mkdir(file, { recursive: true }); // a directory where the file should be
    await expect(Journal.open(file)).rejects.toMatchObject({
      code: 'GOSSIP_ERR_START_FAILED',
      message: expect.stringContaining(file),
    });
  });
});

describe('Journal appends', () => {
  it('writes 10,000 appends from one tick in a few writes', async () => {
    const { journal } = await open();
    const records = Array.from({ length: 10_000 }, (_, index) => message(index));
    for (const record of records) journal.append(record);
    await journal.flush();
    expect(journal.stats.writes).toBeLessThan(10);
    expect(journal.stats.records).toBe(10_000);
    expect(journal.stats.syncs).toBe(0);
    expect(journal.stats.bytes).toBe((await fs.stat(file)).size);
    expect((await onDisk()).records).toEqual(records);
  });

  it('batches records appended while a write is in flight into the next single write', async () => {
    const { journal } = await open();
    const durable = journal.appendDurable(message(0));
    await new Promise((resolve) => setImmediate(resolve)); // the first batch is written, its fdatasync pending
    for (let index = 1; index <= 100; index += 1) journal.append(message(index));
    await Promise.all([durable, journal.flush()]);
    expect(journal.stats.writes).toBe(2);
    expect((await onDisk()).records).toHaveLength(101);
  });

  it('holds plain records for the coalescing window, across loop turns, and writes them once', async () => {
    const { journal } = await open(file, { coalesceMs: 300 });
    for (let index = 0; index < 5; index += 1) {
      journal.append(message(index));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(journal.stats.writes).toBe(0);
    await waitFor(() => journal.stats.writes === 1, { timeoutMs: 2_000 });
    expect((await onDisk()).records).toHaveLength(5);
  });

  it('takes waiting plain records out at once with a durable record or a flush', async () => {
    const { journal } = await open(file, { coalesceMs: 60_000 });
    journal.append(message(0));
    await journal.appendDurable(message(1));
    expect(journal.stats).toMatchObject({ writes: 1, records: 2, syncs: 1 });
    journal.append(message(2));
    await journal.flush();
    expect(journal.stats).toMatchObject({ writes: 2, records: 3, syncs: 1 });
    expect((await onDisk()).records).toHaveLength(3);
  });

  it('resolves appendDurable only once the record is on disk and synced', async () => {
    const { journal } = await open();
    const record: JournalRecord = { kind: 'path', id: 'x_1', path: [3, 1], atMs: 7.5, via: 'catch-up' };
    await journal.appendDurable(record);
    expect((await onDisk()).records).toEqual([record]);
    expect(journal.stats.syncs).toBeGreaterThanOrEqual(1);
  });

  it('shares one write and one sync among many appendDurable calls of a tick', async () => {
    const { journal } = await open();
    const handle = Reflect.get(journal, 'handle') as FileHandle;
    const datasync = handle.datasync.bind(handle);
    let synced = false;
    vi.spyOn(handle, 'datasync').mockImplementation(async () => {
      await datasync();
      synced = true;
    });
    const syncedWhenResolved: boolean[] = [];
    journal.append(message(0));
    const durable = Array.from({ length: 50 }, (_, index) =>
      journal.appendDurable(message(index + 1)).then(() => syncedWhenResolved.push(synced)),
    );
    journal.append({ kind: 'read', atMs: 99 });
    await Promise.all(durable);
    expect(handle.datasync).toHaveBeenCalledTimes(1);
    expect(syncedWhenResolved).toEqual(Array(50).fill(true));
    expect(journal.stats).toEqual({ records: 52, bytes: (await fs.stat(file)).size, writes: 1, syncs: 1 });
    expect((await onDisk()).records).toHaveLength(52);
  });

  it('does not sync for plain appends', async () => {
    const { journal } = await open();
    journal.append(message(1));
    await journal.flush();
    expect(journal.stats.syncs).toBe(0);
  });
});

describe('Journal close and reopen', () => {
  it('flushes on close and then refuses appends', async () => {
    const { journal } = await open();
    journal.append(message(1));
    await journal.close();
    expect((await onDisk()).records).toEqual([message(1)]);
    expect(() => journal.append(message(2))).toThrow(/closed/);
    expect(() => journal.appendDurable(message(2))).toThrow(/closed/);
    await expect(journal.close()).resolves.toBeUndefined();
  });

  it('replays every record, in order, after a reopen', async () => {
    const first = await open();
    const records: JournalRecord[] = [
      message(1, 'a "b" \\c_1'),
      { kind: 'path', id: 'a "b" \\c_1', path: [5, 4], atMs: 3, via: 'relay' },
      { kind: 'read', atMs: 4 },
      message(2, '🎉|:_2'),
    ];
    first.journal.append(records[0] as JournalRecord);
    await first.journal.appendDurable(records[1] as JournalRecord);
    first.journal.append(records[2] as JournalRecord);
    first.journal.append(records[3] as JournalRecord);
    await first.journal.close();

    const second = await open();
    expect(second.replay).toMatchObject({ records, skipped: 0, torn: false });
    second.journal.append(message(3));
    await second.journal.close();
    expect((await onDisk()).records).toEqual([...records, message(3)]);
  });
});

describe('Journal write failures', () => {
  // A disk cannot be made to fail on demand, so the journal's one write call is made to fail once.
  function failNextWrite(journal: Journal, landBytes: number): void {
    const handle = Reflect.get(journal, 'handle') as FileHandle;
    const seam = journal as unknown as { writeAt(data: Buffer, offset: number): number };
    vi.spyOn(seam, 'writeAt').mockImplementationOnce((data: Buffer, offset: number) => {
      if (landBytes > 0) writeSync(handle.fd, data, offset, landBytes);
      throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    });
  }

  it('rejects the durable appends of a failed batch, keeps going, and leaves no broken line', async () => {
    const { journal } = await open();
    await journal.appendDurable(message(1));
    failNextWrite(journal, 10); // part of the batch lands before the failure
    journal.append(message(2));
    await expect(journal.appendDurable(message(3))).rejects.toThrow(/EIO/);
    expect(journal.lastError?.message).toMatch(/EIO/);

    await journal.appendDurable(message(4));
    expect(await onDisk()).toMatchObject({ records: [message(1), message(4)], skipped: 0, torn: false });
  });

  it('starts on a fresh line when the torn part of a failed write cannot be cut off', async () => {
    const { journal } = await open();
    await journal.appendDurable(message(1));
    failNextWrite(journal, 10);
    vi.spyOn(journal as unknown as { cutBack(): boolean }, 'cutBack').mockReturnValueOnce(false);
    await expect(journal.appendDurable(message(2))).rejects.toThrow(/EIO/);

    await journal.appendDurable(message(3));
    expect(await onDisk()).toMatchObject({ records: [message(1), message(3)], skipped: 1, torn: false });
  });

  it('reports a failed plain append through lastError, not as an unhandled rejection', async () => {
    const { journal } = await open();
    failNextWrite(journal, 0);
    journal.append(message(1));
    const error = await waitFor(() => journal.lastError, { timeoutMs: 5_000, what: 'the write to fail' });
    expect(error.message).toMatch(/EIO/);
    journal.append(message(2));
    await journal.flush();
    expect((await onDisk()).records).toEqual([message(2)]);
  });

  it('rejects a flush whose batch failed', async () => {
    const { journal } = await open();
    failNextWrite(journal, 0);
    journal.append(message(1));
    await expect(journal.flush()).rejects.toThrow(/EIO/);
    await journal.close();
    expect((await onDisk()).records).toEqual([]);
  });
});
