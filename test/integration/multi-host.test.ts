// A network laid out as separate hosts would be: 16 nodes on 127.0.0.2 ... 127.0.0.17, all on one port,
// driven through the CLI: send, paths, remove-node with repair, restart-node, add-node.

import { afterAll, describe, expect, it } from 'vitest';
import { gossip, gossipJson } from '../helpers/cli.js';
import { overlayOf, statsOf } from '../helpers/cluster.js';
import { NetworkPool, neighbours } from '../helpers/network.js';
import { allocateSharedPort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait-for.js';

const pool = new NetworkPool();
afterAll(() => pool.cleanup());

const HOSTS = Array.from({ length: 16 }, (_, index) => `127.0.0.${index + 2}`);

interface State {
  topology: { edges: Array<[number, number]> };
  nodes: Array<{ id: number; host: string; port: number }>;
}

describe('a 16-host network on distinct loopback addresses', () => {
  it('runs the full session, repairs after remove-node, restarts and adds nodes', async () => {
    const home = await pool.home();
    const port = await allocateSharedPort(HOSTS);
    const state = await gossipJson<State>(
      ['start-network', '--hosts', '127.0.0.2-127.0.0.17', '--port', String(port), '--seed', '13'],
      home,
    );
    expect(state.nodes.map((node) => `${node.host}:${node.port}`)).toEqual(
      HOSTS.map((host) => `${host}:${port}`),
    );

    const peers = await gossip(['list-peers', '4'], home);
    for (const line of peers.stdout.split('\n').slice(1)) {
      expect(line).toMatch(new RegExp(`^\\* Gossip-Node-(\\d+) \\(127\\.0\\.0\\.\\d+:${port}\\)$`));
    }

    expect((await gossip(['send-message', '1', 'across hosts'], home)).exitCode).toBe(0);
    const adjacent = neighbours(state.topology.edges);
    const listing = await waitFor(
      async () => {
        const got = await gossipJson<{ messages: Array<{ paths: Array<{ path: number[] }> }> }>(
          ['get-messages', `127.0.0.11:${port}`, 'read'],
          home,
        );
        const unread = await gossipJson<{ messages: Array<{ paths: Array<{ path: number[] }> }> }>(
          ['get-messages', '10', 'unread'],
          home,
        );
        const paths = [...got.messages, ...unread.messages].flatMap((message) => message.paths);
        return paths.length === adjacent.get(10)?.size ? paths : undefined;
      },
      { what: 'one path per neighbour at node 10' },
    );
    for (const { path } of listing) {
      for (let hop = 1; hop < path.length; hop += 1) {
        expect(adjacent.get(path[hop - 1] ?? 0)?.has(path[hop] ?? 0)).toBe(true);
      }
    }

    expect((await gossip(['remove-node', '6'], home)).exitCode).toBe(0);
    const survivors = state.nodes.filter((node) => node.id !== 6);
    await waitFor(
      async () => {
        const stats = await statsOf(survivors);
        const overlay = overlayOf(stats);
        const missing = stats.reduce((sum, node) => sum + 3 - node.peers.length, 0);
        return overlay.connected && overlay.maxDegree <= 3 && missing <= 1;
      },
      { timeoutMs: 10_000, what: 'the overlay repaired around node 6' },
    );

    process.kill(
      (await gossipJson<{ nodes: Array<{ id: number; pid: number }> }>(['status'], home)).nodes[8]?.pid ?? 0,
      'SIGKILL',
    );
    await gossip(['send-message', '2', 'while 9 is down'], home);
    expect((await gossip(['restart-node', '9'], home)).exitCode).toBe(0);
    const added = await gossipJson<{ node: number; address: string }>(['add-node'], home);
    expect(added.address).toBe(`127.0.0.18:${port}`);
    const everyone = [...survivors, { id: 17, host: '127.0.0.18', port }];
    await waitFor(async () => (await statsOf(everyone)).every((node) => node.messages === 2), {
      timeoutMs: 15_000,
      what: 'both messages on every live node',
    });
    const health = await gossip(['health', `127.0.0.18:${port}`], home);
    expect(health.exitCode).toBe(0);
    expect(health.stdout).toMatch(/^Gossip-Node-17 is healthy/);
  });
});
