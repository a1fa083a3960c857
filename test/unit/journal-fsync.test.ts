// The journal's fsync policies, on a real file: when appendDurable resolves (what /NEW waits for) against
// when the record is written and when it is fdatasync'd. Deterministic: each resolution is checked against
// the file and the journal's own counts at the moment it happens.

import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FsyncPolicy, Journal } from '../../src/node/journal.js';
import type { JournalRecord } from '../../src/node/journal-codec.js';
import { waitFor } from '../helpers/wait-for.js';

let dir: string;
let file: string;
const opened: Journal[] = [];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gossip-fsync-'));
  file = path.join(dir, 'messages.journal');
});

afterEach(async () => {
  for (const journal of opened.splice(0)) await journal.close().catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
});

async function open(fsync: FsyncPolicy, fsyncIntervalMs = 100): Promise<Journal> {
  const { journal } = await Journal.open(file, { fsync, fsyncIntervalMs });
  opened.push(journal);
  return journal;
}

const record: JournalRecord = { kind: 'message', id: 'kept_1', relays: 1, path: [1], atMs: 1, via: 'origin' };

/** What is true at the moment appendDurable resolves: is the record in the file, how many syncs ran. */
async function atAcknowledgement(journal: Journal): Promise<{ written: boolean; syncs: number }> {
  return journal.appendDurable(record).then(() => ({
    written: readFileSync(file, 'utf8').includes('"kept_1"'),
    syncs: journal.stats.syncs,
  }));
}

describe('fsync policies', () => {
  it("always: a durable record is acknowledged only after it was written and fdatasync'd", async () => {
    const journal = await open('always');
    expect(await atAcknowledgement(journal)).toEqual({ written: true, syncs: 1 });
  });

  it('interval: acknowledged once written, before any fdatasync; one follows within the interval', async () => {
    const journal = await open('interval', 50);
    const began = performance.now();
    expect(await atAcknowledgement(journal)).toEqual({ written: true, syncs: 0 });
    await waitFor(() => journal.stats.syncs === 1 || undefined, { timeoutMs: 2_000 });
    expect(performance.now() - began).toBeGreaterThanOrEqual(45);
  });

  it('interval: plain records alone start no fdatasync; the next durable record syncs them along', async () => {
    const journal = await open('interval', 20);
    for (let index = 0; index < 20; index += 1)
      journal.append({ ...record, kind: 'path', id: `p${index}_1` } as JournalRecord);
    await journal.flush();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(journal.stats).toMatchObject({ records: 20, syncs: 0 });
    // Many durable records in one interval cost one fdatasync, which covers the plain ones written before.
    await Promise.all(
      Array.from({ length: 5 }, (_, index) => journal.appendDurable({ ...record, id: `d${index}_1` })),
    );
    await waitFor(() => journal.stats.syncs === 1 || undefined, { timeoutMs: 2_000 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(journal.stats).toMatchObject({ records: 25, syncs: 1 });
  });

  it('never: acknowledged once written, and no fdatasync until the journal closes', async () => {
    const journal = await open('never');
    expect(await atAcknowledgement(journal)).toEqual({ written: true, syncs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(journal.stats.syncs).toBe(0);
    await journal.close();
    expect(journal.stats.syncs).toBe(1);
  });
});
