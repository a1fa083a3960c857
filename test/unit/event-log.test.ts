import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from '../../src/dashboard/event-log.js';
import type { FeedEvent } from '../../src/dashboard/model/feed-events.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function logFile(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gossip-eventlog-'));
  dirs.push(dir);
  return path.join(dir, 'events.ndjson');
}

const delivered = (id: string, node: number, path: number[], atMs: number): FeedEvent => ({
  event: 'message.delivered',
  node,
  atMs,
  id,
  path,
  first: true,
  via: path.length === 1 ? 'origin' : 'relay',
});

async function readAll(log: EventLog): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  for await (const event of log.read()) events.push(event);
  return events;
}

describe('EventLog', () => {
  it('appends events and reads them back, with the arrivals of one message', async () => {
    const file = await logFile();
    const log = await EventLog.open(file, 'net-1');
    log.append(delivered('a_1', 1, [1], 10));
    log.append({ event: 'node.status', node: 2, atMs: 11, status: 'down', address: '127.0.0.1:7002' });
    log.append(delivered('a_1', 2, [1, 2], 12));
    log.append(delivered('b_2', 2, [3, 2], 13));
    expect((await readAll(log)).map((event) => event.event)).toEqual([
      'message.delivered',
      'node.status',
      'message.delivered',
      'message.delivered',
    ]);
    expect(await log.arrivals('a_1')).toEqual([
      { node: 1, path: [1], atMs: 10, via: 'origin' },
      { node: 2, path: [1, 2], atMs: 12, via: 'relay' },
    ]);
    await log.close();
  });

  it('keeps the log of the same network and starts afresh for another one', async () => {
    const file = await logFile();
    const first = await EventLog.open(file, 'net-1');
    first.append(delivered('a_1', 1, [1], 10));
    await first.close();

    const again = await EventLog.open(file, 'net-1');
    again.append(delivered('a_1', 2, [1, 2], 12));
    expect(await again.arrivals('a_1')).toHaveLength(2);
    await again.close();

    const other = await EventLog.open(file, 'net-2');
    expect(await readAll(other)).toEqual([]);
    await other.close();
    expect((await readFile(file, 'utf8')).split('\n')[0]).toContain('"network":"net-2"');
  });

  it('skips lines that are not events (a torn tail, an edit by hand)', async () => {
    const file = await logFile();
    const log = await EventLog.open(file, 'net-1');
    log.append(delivered('a_1', 1, [1], 10));
    await log.close();
    await appendFile(file, '{"event":"message.delivered","node":"x"}\nnot json\n{"event":"message.deliv');
    const reopened = await EventLog.open(file, 'net-1');
    reopened.append(delivered('a_1', 2, [1, 2], 12));
    expect(await reopened.arrivals('a_1')).toHaveLength(1);
    await reopened.close();
  });

  it('rotates past its size cap and still reads the rotated part', async () => {
    const file = await logFile();
    const log = await EventLog.open(file, 'net-1', 600);
    for (let i = 0; i < 12; i += 1) log.append(delivered('a_1', i + 1, [1, i + 1], 10 + i));
    const arrivals = await log.arrivals('a_1');
    // At most two files are kept: the newest events are all there, the oldest may be gone.
    expect(arrivals.at(-1)?.node).toBe(12);
    expect(arrivals.length).toBeGreaterThan(2);
    expect(arrivals.map((arrival) => arrival.node)).toEqual(
      [...arrivals.map((arrival) => arrival.node)].sort((a, b) => a - b),
    );
    await log.close();
    expect((await readFile(`${file}.1`, 'utf8')).length).toBeGreaterThan(0);
  });
});
