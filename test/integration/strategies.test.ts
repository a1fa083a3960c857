// Dissemination strategies on real daemons started through the CLI: every strategy reaches every node along
// real links, rumor mongering stops, pull completes what push left, Lamport clocks order listings the same
// everywhere, and `gossip experiment` agrees with the nodes' own counters.
// Each network is stopped as soon as its test is done (strategy nodes work every round, and networks left
// running slowed every later test down), and nodes are probed over TCP rather than by a CLI process per probe.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchMessages, fetchStats } from '../../src/client/node-client.js';
import type { MessagesReply, StatsReply } from '../../src/protocol/replies.js';
import { gossip, gossipJson } from '../helpers/cli.js';
import { NetworkPool, neighbours, type TestNetwork } from '../helpers/network.js';
import { allocatePortRange } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait-for.js';

interface Status {
  strategy: { name: string; fanout?: number };
  nodes: Array<{ id: number; messages: number | null }>;
}

const pool = new NetworkPool();
afterEach(() => pool.cleanup());

/** Enough nodes for several rounds of spreading on a 4-regular overlay; the experiment's own minimum is 16. */
const N = 10;

const addressOf = (net: TestNetwork, id: number) => ({
  host: '127.0.0.1',
  port: net.nodes.find((node) => node.id === id)?.port ?? 0,
});
const statsOf = (net: TestNetwork, id: number): Promise<StatsReply> => fetchStats(addressOf(net, id), 5_000);
const allStats = (net: TestNetwork): Promise<StatsReply[]> =>
  Promise.all(net.nodes.map((node) => statsOf(net, node.id)));

async function everyoneHolds(net: TestNetwork, count: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => (await allStats(net)).every((node) => node.messages >= count), {
    timeoutMs,
    intervalMs: 100,
    what: `every node holding ${count} message(s)`,
  });
}

/** What get-messages shows, as the nodes answer /MESSAGES. */
async function listings(net: TestNetwork): Promise<MessagesReply[]> {
  return Promise.all(net.nodes.map((node) => fetchMessages(addressOf(net, node.id), 'all', 'all')));
}

/** Every recorded path starts at the origin, ends at the node and walks along links of the overlay. */
function expectTruthfulPaths(net: TestNetwork, all: readonly MessagesReply[], origin: number): void {
  const adjacent = neighbours(net.edges);
  for (const listing of all) {
    for (const message of listing.messages) {
      for (const { path: hops } of message.paths) {
        expect(hops[0]).toBe(origin);
        expect(hops.at(-1)).toBe(listing.node);
        for (let at = 1; at < hops.length; at += 1)
          expect(adjacent.get(hops[at - 1] ?? 0)?.has(hops[at] ?? 0)).toBe(true);
      }
    }
  }
}

describe('strategies deliver to every node along real links', () => {
  it.each([
    // Rumor mongering with anti-entropy (--repair on, the default) behind it for what it leaves out.
    ['push', ['--stop', 'counter', '--stop-after', '2'], ['origin', 'push', 'catch-up'], ['push']],
    // The digest strategies alone, without the background repair behind them.
    ['pull', ['--repair', 'off'], ['origin', 'pull'], ['pull']],
    ['push-pull', ['--repair', 'off'], ['origin', 'push', 'pull'], ['push', 'pull']],
    // An exchange: the asker records what it pulled, its partner what the asker pushed back.
    ['anti-entropy', ['--repair', 'off'], ['origin', 'push', 'pull'], ['push', 'pull']],
  ])('%s', async (strategy, extra, vias, own) => {
    const net = await pool.start(
      ['random', '4', '--max-peers', '4', '--strategy', strategy, '--round-ms', '50', ...extra],
      N,
    );
    const status = await gossipJson<Status>(['status'], net.home);
    expect(status.strategy.name).toBe(strategy);
    const shown = await gossip(['status'], net.home);
    expect(shown.stdout.split('\n')[0]).toContain(`strategy ${strategy}, fanout 2, rounds of 50 ms`);
    expect((await gossip(['send-message', '3', `via ${strategy}`], net.home)).exitCode).toBe(0);
    await everyoneHolds(net, 1);
    const all = await listings(net);
    expectTruthfulPaths(net, all, 3);
    const seen = new Set<string>(
      all.flatMap((listing) => listing.messages.flatMap((m) => m.paths.map((p) => p.via))),
    );
    // Only the ways this strategy (and, for push, the repair behind it) delivers ...
    for (const via of seen) expect(vias).toContain(via);
    // ... and the strategy itself delivered copies (not a relay, not only the repair).
    expect(
      own.filter((via) => seen.has(via)),
      `${[...seen]}`,
    ).not.toEqual([]);
  });
});

describe('rumor mongering', () => {
  it('stops: every node loses interest and the push counters stop growing', async () => {
    const net = await pool.start(
      ['random', '4', '--max-peers', '4', '--strategy', 'push', '--round-ms', '50', '--repair', 'off'],
      N,
    );
    expect((await gossip(['send-message', '1', 'rumor'], net.home)).exitCode).toBe(0);
    const stats = (): Promise<StatsReply[]> => allStats(net);
    const quiet = await waitFor(
      async () => {
        const now = await stats();
        return now.every((node) => node.hotRumors === 0) ? now : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'every rumor dropped' },
    );
    const pushes = (list: StatsReply[]): number =>
      list.reduce((sum, node) => sum + (node.counters.pushesOut ?? 0), 0);
    expect(pushes(quiet)).toBeGreaterThan(0);
    expect(quiet.reduce((sum, node) => sum + (node.counters.rumorsStopped ?? 0), 0)).toBeGreaterThan(0);
    // Watched for ten more rounds (50 ms each): nothing more is pushed, and push never pulls.
    const watchUntil = Date.now() + 500;
    do {
      const now = await stats();
      expect(pushes(now)).toBe(pushes(quiet));
      expect(now.every((node) => (node.counters.pullsOut ?? 0) === 0)).toBe(true);
    } while (Date.now() < watchUntil);
  });

  it('pull finds what push missed: push-pull whose push half stops at once still reaches everyone', async () => {
    const net = await pool.start(
      [
        'random',
        '4',
        '--max-peers',
        '4',
        '--strategy',
        'push-pull',
        '--round-ms',
        '50',
        '--stop',
        'coin',
        '--stop-after',
        '1',
        '--repair',
        'off',
      ],
      // 16 nodes: on fewer, the pushes (fanout 2) may reach everyone before they stop, and no pull is needed.
      16,
    );
    expect((await gossip(['send-message', '5', 'half-pushed'], net.home)).exitCode).toBe(0);
    await everyoneHolds(net, 1);
    const all = await listings(net);
    expectTruthfulPaths(net, all, 5);
    const firstVia = all.map((listing) => {
      const paths = listing.messages[0]?.paths ?? [];
      return paths[0]?.via;
    });
    // With a coin of 1/1 every node stops at its first useless push: the pulls bring the rest.
    expect(firstVia.filter((via) => via === 'pull').length).toBeGreaterThan(0);
    const stopped = await allStats(net);
    expect(stopped.every((node) => node.hotRumors === 0)).toBe(true);
  });
});

describe('Lamport clocks', () => {
  it('order listings the same way on every node, after causes', async () => {
    const net = await pool.start(['random', '3', '--seed', '5'], 8);
    // Concurrent messages from several nodes, then one sent after its sender saw them all.
    await Promise.all(
      [1, 2, 3, 4].map((node) => gossip(['send-message', String(node), `concurrent ${node}`], net.home)),
    );
    await everyoneHolds(net, 4);
    expect((await gossip(['send-message', '6', 'after all'], net.home)).exitCode).toBe(0);
    await everyoneHolds(net, 5);
    const all = await listings(net);
    const orders = all.map((listing) => listing.messages.map((message) => message.id));
    for (const order of orders) expect(order).toEqual(orders[0]);
    const first = all[0]?.messages ?? [];
    for (let at = 1; at < first.length; at += 1)
      expect(first[at]?.clock ?? 0).toBeGreaterThanOrEqual(first[at - 1]?.clock ?? 0);
    expect(first.at(-1)?.text).toBe('after all');
    expect(first.at(-1)?.clock).toBeGreaterThan(
      Math.max(...first.slice(0, -1).map((message) => message.clock)),
    );
  });
});

describe('gossip experiment', () => {
  it('reports coverage and traffic that match the nodes’ counters, with JSON and an SVG chart', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gossip-exp-test-'));
    try {
      const basePort = await allocatePortRange(16);
      const svg = path.join(dir, 'coverage.svg');
      const out = await gossipJson<{
        results: Array<{
          n: number;
          strategy: { name: string };
          perMessage: Array<{
            reached: number;
            reachedByStrategy: number;
            deliveries: number;
            coverage: number[];
          }>;
          aggregate: { counters: Record<string, number>; coverage: number[]; residue: number };
          theory: { logKRounds: number; residue: number };
        }>;
      }>(
        [
          'experiment',
          '--strategy',
          'push',
          '-n',
          '16',
          '--messages',
          '2',
          '--round-ms',
          '50',
          '--base-port',
          String(basePort),
          '--svg',
          svg,
        ],
        dir,
      );
      const [result] = out.results;
      expect(result?.strategy.name).toBe('push');
      expect(result?.theory.logKRounds).toBeCloseTo(4);
      expect(result?.theory.residue).toBe(0.037);
      const counters = result?.aggregate.counters ?? {};
      const messages = result?.perMessage ?? [];
      expect(messages).toHaveLength(2);
      // Every push received recorded one path; every useful push informed exactly one node.
      const deliveries = messages.reduce((sum, message) => sum + message.deliveries, 0);
      expect(deliveries).toBe(counters.pushesIn);
      expect(counters.pushesIn).toBe(counters.pushesOut);
      expect((counters.pushesUseful ?? 0) + (counters.pushesUseless ?? 0)).toBe(counters.pushesOut);
      const informed = messages.reduce((sum, message) => sum + message.reachedByStrategy - 1, 0);
      expect(counters.pushesUseful).toBe(informed);
      for (const message of messages) expect(message.coverage.at(-1)).toBe(message.reached);
      expect(result?.aggregate.residue).toBeCloseTo(
        messages.reduce((sum, message) => sum + (1 - message.reachedByStrategy / 16), 0) / 2,
      );
      const chart = await readFile(svg, 'utf8');
      expect(chart).toMatch(/^<svg/);
      expect(chart).toContain('>push</text>');
      // The experiment's network is gone.
      expect((await gossip(['status'], dir)).exitCode).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
