// Self-healing with real processes: churn (kill -9, remove, restart) while messages flow, a silent
// (SIGSTOPped) node, and a restart that keeps messages and read state.

import { appendFile, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { gossip, gossipJson } from '../helpers/cli.js';
import { type LiveNode, overlayOf, statsOf, submit } from '../helpers/cluster.js';
import { NetworkPool, type TestNetwork } from '../helpers/network.js';
import { waitFor } from '../helpers/wait-for.js';

const pool = new NetworkPool();
afterEach(() => pool.cleanup());

const liveNodes = (net: TestNetwork, except: ReadonlySet<number>): LiveNode[] =>
  net.nodes
    .filter((node) => !except.has(node.id))
    .map((node) => ({ id: node.id, host: '127.0.0.1', port: node.port }));

async function waitConverged(nodes: LiveNode[], messages: number, timeoutMs: number): Promise<void> {
  // What the nodes last said, for the error if they never converge: which node lacks what, and the overlay.
  let seen = 'no answer yet';
  await waitFor(
    async () => {
      const stats = await statsOf(nodes);
      const overlay = overlayOf(stats);
      const lacking = stats.filter((node) => node.messages !== messages);
      seen = `held ${lacking.map((node) => `${node.node}:${node.messages}`).join(' ') || 'all'}, connected ${overlay.connected}, max degree ${overlay.maxDegree}`;
      return lacking.length === 0 && overlay.connected && overlay.maxDegree <= 3;
    },
    {
      timeoutMs,
      intervalMs: 200,
      what: `${messages} messages on ${nodes.length} nodes over a connected overlay`,
    },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last seen: ${seen}`);
  });
}

describe('churn', () => {
  it('loses nothing while nodes are killed, removed and restarted', async () => {
    const net = await pool.start(['--seed', '11']);
    const killed = [3, 8, 14];
    const removed = [5, 11];
    const down = new Set<number>();
    const accepted: string[] = [];
    const events: Array<[number, () => Promise<void>]> = [
      ...killed.map((id, index): [number, () => Promise<void>] => [
        40 + index * 20,
        async () => {
          down.add(id);
          process.kill(net.nodes[id - 1]?.pid ?? 0, 'SIGKILL');
        },
      ]),
      ...removed.map((id, index): [number, () => Promise<void>] => [
        110 + index * 20,
        async () => {
          down.add(id);
          expect((await gossip(['remove-node', String(id)], net.home)).exitCode).toBe(0);
        },
      ]),
      [
        200,
        async () => {
          for (const id of killed) {
            expect((await gossip(['restart-node', String(id)], net.home)).exitCode).toBe(0);
            down.delete(id);
          }
        },
      ],
    ];
    for (let sent = 0; sent < 300; sent += 1) {
      for (const [at, action] of events) if (at === sent) await action();
      const candidates = liveNodes(net, down);
      const target = candidates[sent % candidates.length] as LiveNode;
      accepted.push(await submit(target, `churn ${sent}`));
    }
    expect(new Set(accepted).size).toBe(300);
    const survivors = liveNodes(net, new Set(removed));
    // About 10 s on a quiet machine; a shared CI machine can take several times that.
    await waitConverged(survivors, 300, 120_000);
    const listing = await gossipJson<{ messages: Array<{ id: string }> }>(
      ['get-messages', '3', 'all'],
      net.home,
    );
    expect(new Set(listing.messages.map((message) => message.id))).toEqual(new Set(accepted));
    // Heavy work (16 nodes, 300 acknowledged messages, 5 CLI commands that stop and start nodes): some 20 s
    // alone on two cores, and several times that next to other test files on a loaded machine.
  }, 180_000);
});

describe('a silent node', () => {
  it('is detected and repaired around when stopped, and rejoins and catches up when continued', async () => {
    const net = await pool.start(['--seed', '21'], 12);
    const victim = net.nodes[6];
    if (victim === undefined) throw new Error('no node 7');
    const others = liveNodes(net, new Set([victim.id]));
    process.kill(victim.pid, 'SIGSTOP');
    try {
      // Nothing but the failure detector can notice a silent peer (no close, no error); how fast it does is
      // measured by `npm run trials`, so the bound here is only generous.
      await waitFor(
        async () =>
          (await statsOf(others)).every((node) => node.peers.every((peer) => peer.id !== victim.id)),
        { timeoutMs: 30_000, intervalMs: 100, what: 'every node to drop the stopped node' },
      );
      await waitFor(async () => overlayOf(await statsOf(others)).connected, {
        timeoutMs: 30_000,
        what: 'a connected overlay',
      });
      for (let index = 0; index < 5; index += 1)
        await submit(others[index] as LiveNode, `while stopped ${index}`);
    } finally {
      process.kill(victim.pid, 'SIGCONT');
    }
    await waitConverged(liveNodes(net, new Set()), 5, 30_000);
    const rejoined = await statsOf([{ id: victim.id, host: '127.0.0.1', port: victim.port }]);
    expect(rejoined[0]?.peers.length).toBeGreaterThan(0);
  });
});

describe('restart', () => {
  it('keeps messages, paths and read state across a restart', async () => {
    const net = await pool.start(['circular', '--seed', '1'], 5);
    await gossip(['send-message', '1', 'first'], net.home);
    await waitFor(async () =>
      (await statsOf(liveNodes(net, new Set()))).every((node) => node.messages === 1),
    );
    const before = await gossipJson<{ messages: Array<{ paths: unknown[] }> }>(
      ['get-messages', '3', 'all'],
      net.home,
    );
    await gossip(['send-message', '1', 'second'], net.home);
    await waitFor(async () =>
      (await statsOf(liveNodes(net, new Set()))).every((node) => node.messages === 2),
    );
    process.kill(net.nodes[2]?.pid ?? 0, 'SIGKILL');
    const restarted = await gossip(['restart-node', '3'], net.home);
    expect(restarted.exitCode).toBe(0);
    expect(restarted.stdout).toContain('Gossip-Node-3 restarted');
    const read = await gossipJson<{ messages: Array<{ text: string; paths: unknown[] }> }>(
      ['get-messages', '3', 'read'],
      net.home,
    );
    expect(read.messages.map((message) => message.text)).toEqual(['first']);
    expect(read.messages[0]?.paths).toEqual(before.messages[0]?.paths);
    const unread = await gossipJson<{ messages: Array<{ text: string }> }>(
      ['get-messages', '3', 'unread'],
      net.home,
    );
    expect(unread.messages.map((message) => message.text)).toEqual(['second']);
  });
});

describe('durability', () => {
  it('has a message on disk once it is acknowledged, and survives a torn last journal record', async () => {
    const net = await pool.start(['circular', '--seed', '2'], 4);
    const node2 = { id: 2, host: '127.0.0.1', port: net.basePort + 2 };
    const id = await submit(node2, 'acknowledged');
    // kill -9 right after the acknowledgement: no chance to flush anything more.
    process.kill(net.nodes[1]?.pid ?? 0, 'SIGKILL');
    const state = JSON.parse(await readFile(`${net.home}/network.json`, 'utf8')) as {
      nodes: Array<{ id: number; dataDir: string; logFile: string }>;
    };
    const entry = state.nodes.find((node) => node.id === 2);
    // A crash in the middle of a write leaves half a record behind.
    await appendFile(`${entry?.dataDir}/messages.journal`, '{"k":"m","id":"half a rec');
    expect((await gossip(['restart-node', '2'], net.home)).exitCode).toBe(0);
    const listing = await gossipJson<{ messages: Array<{ id: string }> }>(
      ['get-messages', '2', 'read'],
      net.home,
    );
    const unread = await gossipJson<{ messages: Array<{ id: string }> }>(
      ['get-messages', '2', 'unread'],
      net.home,
    );
    expect([...listing.messages, ...unread.messages].map((message) => message.id)).toEqual([id]);
    const log = await readFile(entry?.logFile ?? '', 'utf8');
    expect(log).toMatch(/"torn":true.*"msg":"journal.replayed"/);
  });
});

describe('join', () => {
  it('add-node joins a full network under the cap and catches up on what was sent before', async () => {
    // add-node takes the next port, base + 9: reserved too.
    const net = await pool.start(['--seed', '4'], 8, { ports: 9 });
    await gossip(['send-message', '1', 'before the join'], net.home);
    const added = await gossipJson<{ node: number; address: string }>(['add-node'], net.home);
    expect(added.node).toBe(9);
    const everyone = [...liveNodes(net, new Set()), { id: 9, host: '127.0.0.1', port: net.basePort + 9 }];
    await gossip(['send-message', '9', 'from the new node'], net.home);
    await waitConverged(everyone, 2, 30_000);
    const peers = await gossipJson<{ peers: Array<{ id: number }> }>(['list-peers', '9'], net.home);
    expect(peers.peers.length).toBeGreaterThanOrEqual(1);
    const listing = await gossipJson<{ messages: Array<{ text: string; paths: Array<{ via: string }> }> }>(
      ['get-messages', '9', 'all'],
      net.home,
    );
    const before = listing.messages.find((message) => message.text === 'before the join');
    expect(before?.paths.every((path) => path.via === 'catch-up')).toBe(true);
  });
});
