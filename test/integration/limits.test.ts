// Every limit of a node, exceeded against a real node process: a clear error line or a close, a counter in
// /STATS, bounded memory, and the node goes on serving. Limits are set low here so tests stay quick.

import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchMessages, fetchStats } from '../../src/client/node-client.js';
import type { StatsReply } from '../../src/protocol/replies.js';
import { DaemonPool, type StartedNode } from '../helpers/daemons.js';
import { FakePeer } from '../helpers/fake-peer.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';
import { errorCodes, RawClient, rssBytes } from '../helpers/wire.js';

const pool = new DaemonPool();
const clients: RawClient[] = [];
const fakes: FakePeer[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const fake of fakes.splice(0)) await fake.close();
  await pool.cleanup();
});

async function connect(port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  clients.push(client);
  return client;
}

async function lone(extraArgs: string[]): Promise<StartedNode> {
  const port = (await allocatePortRange(1)) + 1;
  return pool.start({ id: 1, port, peers: [], extraArgs });
}

const stats = (node: StartedNode): Promise<StatsReply> => fetchStats({ host: '127.0.0.1', port: node.port });
const pidOf = async (node: StartedNode) => ((await askLine(node.port, '/HEALTH:')) as { pid: number }).pid;

describe('node limits', () => {
  it('--max-connections: one more connection is refused with an error line and closed, and counted', async () => {
    const node = await lone(['--max-connections', '20']);
    const held = await Promise.all(Array.from({ length: 20 }, () => connect(node.port)));
    const extra = await connect(node.port);
    expect(errorCodes(await extra.waitLines(1))).toEqual(['TOO_MANY_CONNECTIONS']);
    await extra.waitClosed();
    // The held ones are still served.
    await held[0]?.write('/HEALTH:\n');
    expect((await held[0]?.waitLines(1))?.[0]).toMatchObject({ ok: true });
    for (const client of held.slice(0, 5)) client.destroy();
    // Once those are gone, new connections are served again (an attempt before that is refused too).
    const { counters } = await waitFor(() => stats(node), { what: 'a free slot' });
    expect(counters.connectionsRefused).toBeGreaterThanOrEqual(1);
    expect(counters.connectionsOpen).toBeLessThanOrEqual(20);
  });

  it('--idle-timeout-ms: a silent client, and a slow one that never finishes a line, are closed; a busy one and peer links stay', async () => {
    const base = await allocatePortRange(2);
    const idleMs = 1_500;
    const args = ['--idle-timeout-ms', String(idleMs)];
    const [node] = await Promise.all([
      pool.start({ id: 1, port: base + 1, peers: [{ id: 2, port: base + 2 }], extraArgs: args }),
      pool.start({ id: 2, port: base + 2, peers: [{ id: 1, port: base + 1 }], extraArgs: args }),
    ]);
    if (node === undefined) throw new Error('no node');
    await pool.waitLinksUp([node]);
    const silent = await connect(node.port);
    const slow = await connect(node.port);
    const busy = await connect(node.port);
    const began = Date.now();
    // Both well inside the idle timeout, even when this process is slowed down by a busy machine.
    const drip = setInterval(() => void slow.write('x'), 100);
    const chat = setInterval(() => void busy.write('/HEALTH:\n'), 100);
    try {
      await silent.waitClosed(20_000);
      await slow.waitClosed(20_000);
      // Closed by this limit, not by the 30 s default.
      expect(Date.now() - began).toBeLessThan(15_000);
      expect(errorCodes(silent.replies())).toEqual(['IDLE_TIMEOUT']);
      expect(errorCodes(slow.replies())).toEqual(['IDLE_TIMEOUT']);
      // The busy one is served on through two more idle periods' worth of requests.
      const served = busy.lines.length;
      await busy.waitLines(served + (2 * idleMs) / 100, 20_000);
      expect(busy.isClosed).toBe(false);
      expect(errorCodes(busy.replies())).toEqual([]);
    } finally {
      clearInterval(drip);
      clearInterval(chat);
    }
    const { counters, peers } = await stats(node);
    expect(counters.connectionsTimedOut).toBeGreaterThanOrEqual(2);
    // The link from node 2 was idle apart from heartbeats, and is a peer link: never timed out.
    expect(peers.map((peer) => peer.state)).toEqual(['up']);
    expect(counters.linkConnects).toBe(1);
  });

  it('--max-requests-per-second: the excess gets RATE_LIMITED, and the connection is served again later', async () => {
    const node = await lone(['--max-requests-per-second', '50']);
    const client = await connect(node.port);
    await client.write('/HEALTH:\n'.repeat(200));
    const replies = await client.waitLines(200);
    const limited = errorCodes(replies).filter((code) => code === 'RATE_LIMITED').length;
    expect(limited).toBeGreaterThanOrEqual(140);
    expect(200 - limited).toBeGreaterThanOrEqual(50);
    // The bucket refills at the rate: asked again (at most every 100 ms), the connection is served again.
    const answered = await waitFor(
      async () => {
        const before = client.lines.length;
        await client.write('/HEALTH:\n');
        const [reply] = (await client.waitLines(before + 1)).slice(before);
        return reply?.ok === true ? client.lines.length : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'a request served again' },
    );
    expect((await stats(node)).errors.RATE_LIMITED).toBe(limited + (answered - 201));
  });

  it('--max-text-bytes: a longer text is refused with TEXT_TOO_LONG', async () => {
    const node = await lone(['--max-text-bytes', '100']);
    const client = await connect(node.port);
    await client.write(`/NEW:1|${'x'.repeat(101)}\n/NEW:1|${'x'.repeat(100)}\n/NEW:1|${'é'.repeat(51)}\n`);
    const replies = await client.waitLines(3);
    expect(errorCodes(replies)).toEqual(['TEXT_TOO_LONG', 'TEXT_TOO_LONG']);
    expect(replies[1]).toHaveProperty('id');
    expect((await stats(node)).errors.TEXT_TOO_LONG).toBe(2);
  });

  it('--max-paths: the first N arrival paths are kept, the rest counted', async () => {
    const node = await lone(['--max-paths', '4', '--max-peers', '10']);
    const id = 'many paths_1795426696500612060';
    // Ten peers (real stand-ins that pass the handshake), each relaying the message once.
    const senders = await Promise.all(
      Array.from({ length: 10 }, (_, index) => FakePeer.open({ id: 100 + index, port: node.port })),
    );
    fakes.push(...senders);
    expect(senders.map((sender) => sender.hello?.accepted)).toEqual(senders.map(() => true));
    for (const sender of senders) {
      sender.send(`/RELAY:1|${JSON.stringify([id, [sender.id]])}`);
      await waitFor(async () => (await stats(node)).counters.relaysIn === sender.id - 99, {
        what: `the relay of node ${sender.id}`,
      });
    }
    const listing = await fetchMessages({ host: '127.0.0.1', port: node.port }, 'all', 'all');
    expect(listing.messages[0]?.paths.map((path) => path.path)).toEqual([
      [100, 1],
      [101, 1],
      [102, 1],
      [103, 1],
    ]);
    expect((await stats(node)).counters).toMatchObject({ relaysAccepted: 10, pathsDropped: 6 });
  });

  it('--max-reply-buffer-bytes: a client that never reads its replies is not read from, stays bounded, and is closed', async () => {
    const node = await lone([
      '--max-reply-buffer-bytes',
      '65536',
      '--idle-timeout-ms',
      '1500',
      '--max-requests-per-second',
      '10000000',
    ]);
    const before = await rssBytes(await pidOf(node));
    const stuck = await connect(node.port);
    stuck.socket.pause();
    // 200,000 /STATS lines would be some 250 MB of replies if the node answered them all into memory.
    const flood = '/STATS:\n'.repeat(200_000);
    void stuck.write(flood);
    await waitFor(async () => ((await stats(node)).counters.readsPaused ?? 0) >= 1, {
      what: 'the node to stop reading',
    });
    let peak = 0;
    const deadline = Date.now() + 1_000;
    while (Date.now() < deadline) {
      peak = Math.max(peak, await rssBytes(await pidOf(node)));
      await sleep(100);
    }
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
    // Still stuck after the idle timeout: dropped.
    await waitFor(async () => ((await stats(node)).counters.connectionsTimedOut ?? 0) >= 1, {
      what: 'the stuck client to be dropped',
    });
    stuck.socket.resume();
    await stuck.waitClosed();
    expect(await askLine(node.port, '/HEALTH:')).toMatchObject({ ok: true });
  });

  it("--max-queue: a down peer's queue holds at most that many lines; the rest is dropped, counted, and caught up later", async () => {
    const base = await allocatePortRange(2);
    const node = await pool.start({
      id: 1,
      port: base + 1,
      peers: [{ id: 2, port: base + 2 }],
      extraArgs: ['--max-queue', '5'],
    });
    const client = await connect(node.port);
    const count = 20;
    // Short lines: the byte cap (32 MiB by default) is nowhere near, only the line count can bind.
    await client.write(Array.from({ length: count }, (_, index) => `/NEW:1|line ${index}\n`).join(''));
    expect(errorCodes(await client.waitLines(count))).toEqual([]);
    const queued = await stats(node);
    expect(queued.peers).toMatchObject([{ id: 2, state: expect.not.stringMatching(/^up$/), queued: 5 }]);
    expect(queued.counters.queueOverflows).toBe(count - 5);

    const late = await pool.start({ id: 2, port: base + 2, peers: [{ id: 1, port: base + 1 }] });
    await waitFor(async () => (await stats(late)).messages === count, {
      timeoutMs: 15_000,
      what: `all ${count} messages at the late peer`,
    });
    expect((await stats(late)).counters.messagesCaughtUp).toBeGreaterThanOrEqual(count - 5);
  });

  it("--max-queue-bytes: a down peer's queue is bounded in bytes; what it dropped comes back by catch-up", async () => {
    const base = await allocatePortRange(2);
    const node = await pool.start({
      id: 1,
      port: base + 1,
      peers: [{ id: 2, port: base + 2 }],
      extraArgs: ['--max-queue-bytes', '65536'],
    });
    const client = await connect(node.port);
    const text = 'q'.repeat(1_000);
    const count = 200;
    await client.write(Array.from({ length: count }, (_, index) => `/NEW:1|${index} ${text}\n`).join(''));
    await client.waitLines(count);
    const queued = await stats(node);
    expect(queued.peers[0]?.queued).toBeLessThanOrEqual(65);
    expect(queued.counters.queueOverflows).toBeGreaterThanOrEqual(count - 65);

    const late = await pool.start({ id: 2, port: base + 2, peers: [{ id: 1, port: base + 1 }] });
    await waitFor(async () => (await stats(late)).messages === count, {
      timeoutMs: 15_000,
      what: `all ${count} messages at the late peer`,
    });
    expect((await stats(late)).counters.messagesCaughtUp).toBeGreaterThanOrEqual(count - 65);
  });
});
