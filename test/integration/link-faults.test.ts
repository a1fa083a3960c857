// Link faults measured on real links between real nodes: delay and jitter from the nodes' own arrival
// times, loss against a binomial bound, a rate cap, a blackhole that makes a peer look silent, a partition
// healed with catch-up, and fault requests refused where they must be.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchMessages, fetchStats } from '../../src/client/node-client.js';
import { parseMessageId } from '../../src/protocol/message-id.js';
import type { MessagesReply } from '../../src/protocol/replies.js';
import { DaemonPool, ringSpecs, type StartedNode } from '../helpers/daemons.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';
import { RawClient } from '../helpers/wire.js';

const pool = new DaemonPool();
afterEach(() => pool.cleanup());

const at = (node: StartedNode) => ({ host: '127.0.0.1', port: node.port });
const listing = (node: StartedNode): Promise<MessagesReply> => fetchMessages(at(node), 'all', 'all');

/** Two linked nodes, 1 and 2, taking fault requests; no background repair unless asked. */
async function pair(extra: string[] = ['--repair', 'off']): Promise<[StartedNode, StartedNode]> {
  const base = await allocatePortRange(2);
  const args = ['--allow-faults', ...extra];
  const nodes = await Promise.all([
    pool.start({ id: 1, port: base + 1, peers: [{ id: 2, port: base + 2 }], extraArgs: args }),
    pool.start({ id: 2, port: base + 2, peers: [{ id: 1, port: base + 1 }], extraArgs: args }),
  ]);
  await pool.waitLinksUp(nodes);
  return nodes as [StartedNode, StartedNode];
}

/** Sends `count` messages to node 1 on one connection, one every `gapMs`. */
async function send(node: StartedNode, count: number, text: (index: number) => string, gapMs = 0) {
  const client = await RawClient.connect(node.port);
  for (let index = 0; index < count; index += 1) {
    await client.write(`/NEW:1|${text(index)}\n`);
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  await client.waitLines(count, 30_000);
  client.destroy();
}

/** Arrival minus origin time, in ms, of every message node 2 holds, in order of origin. */
function latencies(reply: MessagesReply): number[] {
  return reply.messages
    .map((message) => {
      const originMs = Number((parseMessageId(message.id)?.originNs ?? 0n) / 1_000n) / 1_000;
      return { originMs, latency: (message.paths[0]?.atMs ?? 0) - originMs };
    })
    .sort((a, b) => a.originMs - b.originMs)
    .map((entry) => entry.latency);
}

describe('link faults', () => {
  it('delay and jitter: every line waits 150 ms give or take 50, in the order it was sent', async () => {
    const [one, two] = await pair();
    expect(await askLine(one.port, '/FAULT:2|delay=150,jitter=50')).toMatchObject({ faults: { node: 1 } });
    await send(one, 40, (index) => `late ${index}`, 10);
    const reply = await waitFor(
      async () => ((await listing(two)).messages.length === 40 ? listing(two) : undefined),
      {
        what: 'all 40 messages at node 2',
      },
    );
    const waited = latencies(reply);
    // Each within the jitter (and a little for two processes on a busy machine), the mean near the delay.
    for (const ms of waited) {
      expect(ms).toBeGreaterThanOrEqual(100 - 2);
      expect(ms).toBeLessThan(200 + 150);
    }
    const mean = waited.reduce((sum, ms) => sum + ms, 0) / waited.length;
    expect(mean).toBeGreaterThan(130);
    expect(mean).toBeLessThan(230);
    // FIFO: arrivals in the order the messages were sent, though the jitter is larger than the gap.
    const arrivals = reply.messages
      .map((message) => ({ text: message.text, at: message.paths[0]?.atMs ?? 0 }))
      .sort((a, b) => a.at - b.at)
      .map((entry) => Number(entry.text.split(' ')[1]));
    expect(arrivals).toEqual(Array.from({ length: 40 }, (_, index) => index));
  });

  it('loss: about the asked share of lines is lost, within a binomial bound, and counted', async () => {
    const [one, two] = await pair();
    await askLine(one.port, '/FAULT:2|loss=30,seed=5');
    const sent = 400;
    await send(one, sent, (index) => `maybe ${index}`);
    // Binomial(400, 0.7) delivered: mean 280, standard deviation 9.2; allow five of them.
    await waitFor(async () => (await fetchStats(at(two))).messages >= 280 - 46, { what: 'the survivors' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const received = (await fetchStats(at(two))).messages;
    expect(Math.abs(received - 280)).toBeLessThan(46);
    expect((await fetchStats(at(one))).counters.linesLost).toBeGreaterThanOrEqual(sent - received);
  });

  it('rate: a 10 kB/s cap spreads 30 kB of relays over some 3 s', async () => {
    const [one, two] = await pair();
    await askLine(one.port, '/FAULT:2|rate=10');
    const text = 'r'.repeat(1_000);
    await send(one, 30, (index) => `${index} ${text}`);
    const reply = await waitFor(
      async () => ((await listing(two)).messages.length === 30 ? listing(two) : undefined),
      {
        timeoutMs: 15_000,
        what: 'all 30 messages at node 2',
      },
    );
    const times = reply.messages.map((message) => message.paths[0]?.atMs ?? 0).sort((a, b) => a - b);
    const spanMs = (times.at(-1) ?? 0) - (times[0] ?? 0);
    // 29 lines of some 1,060 bytes after the first: 3.1 s at 10 kB/s.
    expect(spanMs).toBeGreaterThan(2_500);
    expect(spanMs).toBeLessThan(5_000);
  });

  it('down: nothing passes, so the peer looks silent and is declared failed', async () => {
    const [one, two] = await pair(['--failure-timeout-ms', '1500']);
    await askLine(one.port, '/FAULT:2|down');
    await waitFor(
      async () =>
        (await pool.logLines(two)).some(
          (line) => line.msg === 'peer.dropped' && line.peer === 1 && /silent/.test(String(line.reason)),
        ),
      { timeoutMs: 10_000, what: 'node 2 to declare node 1 silent' },
    );
    // Node 1 saw nothing wrong with the TCP connection itself: node 2 closed it.
    await askLine(one.port, '/FAULT:2|clear');
    await waitFor(
      async () => (await fetchStats(at(two))).peers.some((peer) => peer.id === 1 && peer.state === 'up'),
      {
        timeoutMs: 15_000,
        what: 'the link back once the fault is cleared',
      },
    );
  });

  it('partition and heal: links across are closed and refused, and catch-up brings what was missed', async () => {
    const base = await allocatePortRange(4);
    const nodes = await Promise.all(
      ringSpecs(4, base).map((spec) => pool.start({ ...spec, extraArgs: ['--allow-faults'] })),
    );
    await pool.waitLinksUp(nodes);
    const [one, two, three, four] = nodes as [StartedNode, StartedNode, StartedNode, StartedNode];
    // {1, 2} | {3, 4}
    for (const [node, cut] of [
      [one, '3,4'],
      [two, '3,4'],
      [three, '1,2'],
      [four, '1,2'],
    ] as const)
      await askLine(node.port, `/PARTITION:${cut}`);
    await askLine(one.port, '/NEW:1|left side');
    await askLine(three.port, '/NEW:1|right side');
    await waitFor(async () => (await fetchStats(at(two))).messages === 1, { what: 'left side at node 2' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await listing(three)).messages.map((message) => message.text)).toEqual(['right side']);
    expect((await fetchStats(at(two))).peers.map((peer) => peer.id)).toEqual([1]);
    for (const node of nodes) await askLine(node.port, '/PARTITION:');
    await waitFor(
      async () =>
        (await Promise.all(nodes.map((node) => fetchStats(at(node))))).every((stats) => stats.messages === 2),
      { timeoutMs: 15_000, what: 'both messages everywhere after the heal' },
    );
    const left = (await listing(three)).messages.find((message) => message.text === 'left side');
    const vias = new Set(
      [...(await Promise.all(nodes.map(listing)))].flatMap((reply) =>
        reply.messages.flatMap((message) => message.paths.map((path) => path.via)),
      ),
    );
    expect(left).toBeDefined();
    expect(vias.has('catch-up')).toBe(true);
  });
});

describe('fault requests', () => {
  it('are refused by a node started without --allow-faults, and without /AUTH on a node with a key', async () => {
    const base = await allocatePortRange(2);
    const plain = await pool.start({ id: 1, port: base + 1, peers: [] });
    expect(await askLine(plain.port, '/FAULT:*|delay=10')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await askLine(plain.port, '/PARTITION:2')).toMatchObject({ code: 'FORBIDDEN' });
    process.env.GOSSIP_CLUSTER_KEY = 'fault-requests-cluster-key-0123456789abcdef';
    let keyed: StartedNode;
    try {
      keyed = await pool.start({ id: 2, port: base + 2, peers: [], extraArgs: ['--allow-faults'] });
    } finally {
      delete process.env.GOSSIP_CLUSTER_KEY;
    }
    expect(await askLine(keyed.port, '/FAULT:*|delay=10')).toMatchObject({ code: 'AUTH_REQUIRED' });
    // Reading what is in force is open to anyone.
    expect(await askLine(keyed.port, '/FAULTS:')).toMatchObject({ faults: { node: 2, cut: [] } });
    const { errors } = await fetchStats(at(plain));
    expect(errors.FORBIDDEN).toBe(2);
  });

  it('are refused from beyond loopback on a node without a key, which answers reads there', async () => {
    execFileSync('sh', ['-c', 'command -v unshare']);
    const runner = fileURLToPath(new URL('../helpers/remote-admin-runner.mjs', import.meta.url));
    const run = await execa('unshare', ['-rn', process.execPath, runner], { reject: false, timeout: 60_000 });
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<
      string,
      { code?: string }
    >;
    expect(result.error).toBeUndefined();
    expect(result.fault?.code).toBe('FORBIDDEN');
    expect(result.partition?.code).toBe('FORBIDDEN');
    expect(result.leave?.code).toBe('FORBIDDEN');
    expect(result.faults).toHaveProperty('faults');
    expect(result.stillUp).toMatchObject({ ok: true });
  });
});
