// Replies that grow with the store, and event streams, against clients that never read: a live node with
// thousands of messages holds at most its reply buffer per such client, and subscribers that stop reading
// give their slots back.

import { afterEach, describe, expect, it } from 'vitest';
import { fetchStats } from '../../src/client/node-client.js';
import { DaemonPool, type StartedNode } from '../helpers/daemons.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine, talk } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';
import { RawClient, rssBytes } from '../helpers/wire.js';

const pool = new DaemonPool();
const clients: RawClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await pool.cleanup();
});

const MESSAGES = 4_000;
const TEXT = 'm'.repeat(200);
/** Texts long enough that a listing (some 16 MB) is far more than the kernel buffers of a connection. */
const LONG_TEXT = 'L'.repeat(2_000);

async function connect(node: StartedNode): Promise<RawClient> {
  const client = await RawClient.connect(node.port);
  clients.push(client);
  return client;
}

/** A lone node holding `count` messages. */
async function nodeWithMessages(count: number, text = TEXT): Promise<StartedNode> {
  const port = (await allocatePortRange(1)) + 1;
  const node = await pool.start({
    id: 1,
    port,
    peers: [],
    extraArgs: ['--max-requests-per-second', '1000000'],
  });
  const writer = await connect(node);
  await writer.write(Array.from({ length: count }, (_, index) => `/NEW:1|${index} ${text}\n`).join(''));
  await writer.waitLines(count, 60_000);
  writer.destroy();
  return node;
}

const pidOf = async (node: StartedNode) => ((await askLine(node.port, '/HEALTH:')) as { pid: number }).pid;

describe('replies that grow with the store', () => {
  it('hold at most the reply buffer per client that never reads, and are whole for one that does', async () => {
    const node = await nodeWithMessages(MESSAGES, LONG_TEXT);
    const pid = await pidOf(node);
    const before = await rssBytes(pid);
    // Each listing is some 16 MB: forty of them held whole would be over half a gigabyte.
    const stuck = await Promise.all(Array.from({ length: 40 }, () => connect(node)));
    for (const client of stuck) {
      client.socket.pause();
      await client.write('/MESSAGES:all|all|peek\n');
    }
    let peak = 0;
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) {
      peak = Math.max(peak, await rssBytes(pid));
      // The node goes on serving others meanwhile.
      expect(await askLine(node.port, '/HEALTH:')).toMatchObject({ ok: true });
    }
    expect(peak - before).toBeLessThan(48 * 1024 * 1024);

    // A client that reads gets the whole listing, in order, as one JSON line.
    const reader = await connect(node);
    await reader.write('/MESSAGES:all|all|peek\n');
    const [listing] = await reader.waitLines(1, 30_000);
    const messages = (listing as { messages: Array<{ text: string }> }).messages;
    expect(messages).toHaveLength(MESSAGES);
    expect(messages.map((message) => Number(message.text.split(' ')[0]))).toEqual(
      Array.from({ length: MESSAGES }, (_, index) => index),
    );
  });

  it('keeps the reference /GET bytes: one JSON object, no newline, then the close', async () => {
    const node = await nodeWithMessages(2_000);
    const body = await talk(node.port, '/GET:all|all\n', { mode: 'open', timeoutMs: 30_000 });
    const parsed = JSON.parse(body) as Record<string, number[][]>;
    expect(Object.keys(parsed)).toHaveLength(2_000);
    expect(body).toBe(JSON.stringify(parsed));
    expect(Object.values(parsed).every((paths) => JSON.stringify(paths) === '[[1]]')).toBe(true);
    // `all` marked them read, as the reference does.
    const unread = await talk(node.port, '/GET:unread|all\n', { mode: 'open', timeoutMs: 5_000 });
    expect(unread).toBe('{}');
  });
});

describe('event subscribers that stop reading', () => {
  it('are closed once they stall, so a new subscriber (the dashboard) gets a slot', async () => {
    const node = await nodeWithMessages(0);
    const stuck = await Promise.all(Array.from({ length: 32 }, () => connect(node)));
    for (const client of stuck) {
      client.socket.pause();
      await client.write('/EVENTS:\n');
    }
    const busy = await connect(node);
    await busy.write('/EVENTS:\n');
    expect((await busy.waitLines(1))[0]).toMatchObject({ code: 'UNAVAILABLE' });
    // Events until the stuck subscribers' backlogs overflow (the kernel buffers a few MB first).
    const writer = await connect(node);
    await waitFor(
      async () => {
        await writer.write(Array.from({ length: 2_000 }, (_, index) => `/NEW:1|${index} ${TEXT}\n`).join(''));
        return ((await fetchStats({ host: '127.0.0.1', port: node.port })).counters.eventsDropped ?? 0) > 0;
      },
      { timeoutMs: 60_000, intervalMs: 50, what: 'events to be dropped for the stuck subscribers' },
    );
    const dashboard = await connect(node);
    await dashboard.write('/EVENTS:\n');
    expect((await dashboard.waitLines(1))[0]).toMatchObject({ event: 'snapshot', node: 1 });
    expect(
      (await fetchStats({ host: '127.0.0.1', port: node.port })).counters.subscribersClosed,
    ).toBeGreaterThan(0);
  });
});
