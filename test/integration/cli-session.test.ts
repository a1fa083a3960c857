// The reference session end to end with the real `gossip` binary, checked against the topology.

import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/network/processes.js';
import { gossip, gossipJson } from '../helpers/cli.js';
import { bfs, NetworkPool, neighbours, type TestNetwork } from '../helpers/network.js';
import { askLine } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';

interface MessagesJson {
  node: number;
  messages: Array<{ id: string; text: string; origin: number; paths: Array<{ path: number[] }> }>;
}

const pool = new NetworkPool();
afterEach(() => pool.cleanup());

async function messagesAt(net: TestNetwork, node: number): Promise<MessagesJson> {
  return gossipJson<MessagesJson>(['get-messages', String(node), 'all'], net.home);
}

describe('the reference session', () => {
  it('start-network, send-message, get-messages -pp, remove-node, list-peers, stop-network', async () => {
    const net = await pool.start(['--seed', '42']);
    expect(net.nodes).toHaveLength(16);
    expect(net.edges).toHaveLength(24);

    const sent = await gossip(['send-message', '1', 'Hello'], net.home);
    expect(sent).toMatchObject({ exitCode: 0, stdout: 'Message sent to Gossip-Node-1' });

    // Every node ends with one path per neighbour (the origin one more), each a walk in the topology. Waited
    // for over TCP (/MESSAGES with peek, get-messages' own request): a CLI process per probe and node made
    // this test take minutes on a loaded machine. The CLI's listing is compared with it below.
    const adjacent = neighbours(net.edges);
    const distance = bfs(net.edges, 1);
    const expectedPaths = (node: number) => (adjacent.get(node)?.size ?? 0) + (node === 1 ? 1 : 0);
    const listings = await waitFor(
      async () => {
        const all = await Promise.all(
          net.nodes.map(async (node) => (await askLine(node.port, '/MESSAGES:all|all|peek')) as MessagesJson),
        );
        return all.every((got) => got.messages[0]?.paths.length === expectedPaths(got.node))
          ? all
          : undefined;
      },
      { timeoutMs: 30_000, what: 'all paths at every node' },
    );
    const shape = (json: MessagesJson | undefined) => json?.messages.map(({ id, paths }) => ({ id, paths }));
    expect(shape(await messagesAt(net, 10))).toEqual(shape(listings[9]));
    for (let node = 1; node <= 16; node += 1) {
      const listing = listings[node - 1]?.messages ?? [];
      expect(listing).toHaveLength(1);
      const message = listing[0];
      expect(message?.text).toBe('Hello');
      const paths = message?.paths.map((record) => record.path) ?? [];
      for (const path of paths) {
        expect(path[0]).toBe(1);
        expect(path[path.length - 1]).toBe(node);
        for (let hop = 1; hop < path.length; hop += 1) {
          expect(adjacent.get(path[hop - 1] ?? 0)?.has(path[hop] ?? 0)).toBe(true);
        }
      }
      const lastHops = new Set(paths.filter((path) => path.length > 1).map((path) => path[path.length - 2]));
      expect(lastHops).toEqual(adjacent.get(node));
      const shortest = Math.min(...paths.map((path) => path.length - 1));
      // A neighbour of the origin always holds the direct path; further away, racing relays can only make
      // the shortest recorded path longer than the graph distance, never shorter.
      if (distance.get(node) === 1) expect(shortest).toBe(1);
      expect(shortest).toBeGreaterThanOrEqual(distance.get(node) ?? 0);
    }

    const longest = await gossip(['get-messages', '10', '-pp'], net.home);
    expect(longest.exitCode).toBe(0);
    const lines = longest.stdout.split('\n');
    expect(lines[0]).toBe('Fetched all messages from Gossip-Node-10; showing longest path(s):');
    expect(lines[1]).toBe('');
    expect(lines[2]).toBe('• Hello');
    const arrows = lines.slice(3);
    expect(arrows.length).toBeGreaterThan(0);
    const lengths = arrows.map((line) => line.split(' ➜ ').length);
    for (const line of arrows) expect(line).toMatch(/^ {2}↳ 1( ➜ \d+)+$/);
    expect(new Set(lengths).size).toBe(1);

    const formerPeers = [...(neighbours(net.edges).get(12) ?? [])];
    const removed = await gossip(['remove-node', '12'], net.home);
    expect(removed).toMatchObject({ exitCode: 0, stdout: 'Gossip-Node-12 removed' });
    for (const peer of formerPeers) {
      const peers = await gossip(['list-peers', String(peer)], net.home);
      expect(peers.stdout.split('\n')[0]).toBe(`Gossip-Node-${peer} has peers:`);
      expect(peers.stdout).not.toContain('Gossip-Node-12 ');
      for (const line of peers.stdout.split('\n').slice(1)) {
        expect(line).toMatch(/^\* Gossip-Node-\d+ \(127\.0\.0\.1:\d+\)$/);
      }
    }
    const gone = await gossip(['get-messages', '12'], net.home);
    expect(gone.exitCode).toBe(5);
    expect(gone.stderr).toBe('error: Gossip-Node-12 was removed from the network');

    const status = await gossipJson<{ nodes: Array<{ id: number; state: string }> }>(['status'], net.home);
    expect(status.nodes.filter((node) => node.state === 'up')).toHaveLength(15);
    expect(status.nodes.find((node) => node.id === 12)?.state).toBe('removed');

    const stopped = await gossip(['stop-network'], net.home);
    expect(stopped).toMatchObject({ exitCode: 0, stdout: 'Network stopped (15 nodes)' });
    for (const node of net.nodes) expect(isAlive(node.pid)).toBe(false);
    const again = await gossip(['stop-network'], net.home);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/^No network is running/);

    // A second start right after a stop, on the same ports, works.
    const restart = await gossip(
      ['start-network', '--base-port', String(net.basePort), '--seed', '42'],
      net.home,
    );
    expect(restart.exitCode).toBe(0);
    expect(restart.stdout).toContain('Started 16 nodes (random 3-regular, seed 42)');
    expect((await messagesAt(net, 3)).messages).toEqual([]);
  });

  it('sends with -r 2 and doubles every path', async () => {
    const net = await pool.start(['circular', '--seed', '1'], 6);
    const sent = await gossipJson<{ id: string; relays: number }>(
      ['send-message', '1', 'twice', '-r', '2'],
      net.home,
    );
    expect(sent.relays).toBe(2);
    const listing = await waitFor(
      async () => {
        const got = await messagesAt(net, 4);
        return got.messages[0]?.paths.length === 4 ? got : undefined;
      },
      { what: '4 paths at node 4' },
    );
    expect(listing.messages[0]?.paths.map((record) => record.path.join('-')).sort()).toEqual([
      '1-2-3-4',
      '1-2-3-4-5-6-1-2-3-4',
      '1-6-5-4',
      '1-6-5-4-3-2-1-6-5-4',
    ]);
  });

  it('prints messages in origin-time order with -t times, and filters read / unread', async () => {
    const net = await pool.start(['--seed', '7'], 8);
    for (const text of ['first', 'second', 'third']) {
      expect((await gossip(['send-message', '2', text], net.home)).exitCode).toBe(0);
    }
    await waitFor(
      async () =>
        (await gossipJson<MessagesJson>(['get-messages', '5', 'read'], net.home)).messages.length === 0 &&
        (await gossipJson<{ nodes: Array<{ messages: number }> }>(['status'], net.home)).nodes.every(
          (node) => node.messages === 3,
        ),
    );
    const shown = await gossip(['get-messages', '5', 'unread', '-p', '-tt'], net.home);
    const bullets = shown.stdout.split('\n').filter((line) => line.startsWith('• '));
    expect(bullets).toHaveLength(3);
    expect(
      bullets.map((line) => line.replace(/^• (.*) \[\d\d:\d\d:\d\d - \d\d\/\d\d\/\d{4}\]$/, '$1')),
    ).toEqual(['first', 'second', 'third']);
    expect(shown.stdout.split('\n')[0]).toBe(
      'Fetched unread messages from Gossip-Node-5; showing shortest path(s):',
    );
    const none = await gossip(['get-messages', '5', 'unread'], net.home);
    expect(none.stdout).toContain('(no messages)');
    const read = await gossipJson<MessagesJson>(['get-messages', '5', 'read'], net.home);
    expect(read.messages).toHaveLength(3);
  });
});
