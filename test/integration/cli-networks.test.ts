// Topologies, seeds, two networks side by side, and the inspection commands (status, logs, plot).

import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { gossip, gossipJson } from '../helpers/cli.js';
import { NetworkPool, neighbours } from '../helpers/network.js';
import { waitFor } from '../helpers/wait-for.js';

const pool = new NetworkPool();
afterEach(() => pool.cleanup());

describe('topologies', () => {
  it('the same seed gives the same graph, and list-peers shows it', async () => {
    const a = await pool.start(['random', '3', '--seed', '99'], 10);
    const b = await pool.start(['random', '3', '--seed', '99'], 10);
    expect(a.edges).toEqual(b.edges);
    const adjacent = neighbours(a.edges);
    for (const node of [1, 5, 10]) {
      const peers = await gossipJson<{ peers: Array<{ id: number; state: string }> }>(
        ['list-peers', String(node)],
        a.home,
      );
      expect(new Set(peers.peers.map((peer) => peer.id))).toEqual(adjacent.get(node));
      expect(peers.peers.every((peer) => peer.state === 'up')).toBe(true);
    }
  });

  it.each([
    [['circular'], 8, 8],
    [['powerlaw', '--seed', '5'], 12, undefined],
    [['turan', '3', '--max-peers', '4'], 6, 12],
  ])('starts %j with every degree within --max-peers', async (args, n, edgeCount) => {
    const network = await pool.start(args, n);
    const maxPeers = args.includes('--max-peers') ? 4 : 3;
    if (edgeCount !== undefined) expect(network.edges).toHaveLength(edgeCount);
    for (const peers of neighbours(network.edges).values()) expect(peers.size).toBeLessThanOrEqual(maxPeers);
    expect(network.nodes.every((node) => node.peers.length >= 1)).toBe(true);
    const sent = await gossip(['send-message', String(n), 'everywhere'], network.home);
    expect(sent.exitCode).toBe(0);
    await waitFor(
      async () =>
        (await gossipJson<{ nodes: Array<{ messages: number }> }>(['status'], network.home)).nodes.every(
          (node) => node.messages === 1,
        ),
      { what: 'the message on every node' },
    );
  });
});

describe('two networks side by side', () => {
  it('keep their own homes, ports and messages', async () => {
    const [a, b] = await Promise.all([pool.start(['--seed', '1'], 8), pool.start(['--seed', '2'], 8)]);
    if (a === undefined || b === undefined) throw new Error('networks did not start');
    await gossip(['send-message', '1', 'only in a'], a.home);
    await gossip(['send-message', '1', 'only in b'], b.home);
    const textsAt = async (home: string): Promise<string[]> =>
      waitFor(
        async () => {
          const got = await gossipJson<{ messages: Array<{ text: string }> }>(['get-messages', '4'], home);
          return got.messages.length > 0 ? got.messages.map((message) => message.text) : undefined;
        },
        { what: 'a message at node 4' },
      );
    expect(await textsAt(a.home)).toEqual(['only in a']);
    expect(await textsAt(b.home)).toEqual(['only in b']);
  });
});

describe('inspection', () => {
  it('status, logs and the topology plot', async () => {
    const network = await pool.start(['circular', '-P'], 5);
    const status = await gossip(['status'], network.home);
    expect(status.exitCode).toBe(0);
    const rows = status.stdout.split('\n');
    expect(rows[0]).toMatch(/^Network in .*: 5\/5 nodes up \(circular, seed \d+\)$/);
    expect(rows[2]).toMatch(/^NODE\s+PID\s+ADDRESS\s+STATE\s+PEERS\s+MESSAGES\s+UPTIME$/);
    expect(rows[3]).toMatch(
      new RegExp(`^1\\s+\\d+\\s+127\\.0\\.0\\.1:${network.basePort + 1}\\s+up\\s+2,5\\s+0\\s+\\d+s$`),
    );

    await gossip(['send-message', '1', 'logged'], network.home);
    const logs = await waitFor(
      async () => {
        const result = await gossip(['logs', '1'], network.home);
        return result.stdout.includes('message.accepted') ? result : undefined;
      },
      { what: 'message.accepted in the log' },
    );
    expect(logs.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}node\.started address=127\.0\.0\.1:\d+/m);
    expect(logs.stdout).toMatch(/INFO {2}message\.accepted msgId=logged_\d+ relays=1/);

    const state = JSON.parse(await readFile(`${network.home}/network.json`, 'utf8')) as { nodes: unknown[] };
    expect(state.nodes).toHaveLength(5);
    const svg = await readFile(`${network.home}/topology.svg`, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle/g)).toHaveLength(5);
  });
});
