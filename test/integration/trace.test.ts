// `gossip trace` on a real CLI-started network: the tree follows the topology, every node is in it once,
// redundant copies add up to the paths get-messages shows, and tracing marks nothing read.

import { afterEach, describe, expect, it } from 'vitest';
import { gossip, gossipJson } from '../helpers/cli.js';
import { NetworkPool, neighbours } from '../helpers/network.js';
import { askLine } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';

interface TraceJson {
  id: string;
  text: string;
  origin: number;
  reached: number;
  arrivals: number;
  redundant: number;
  last: { node: number; hop: number; afterMs: number };
  nodes: Array<{
    node: number;
    parent: number | null;
    afterMs: number | null;
    hop: number;
    path: number[];
    children: number[];
    redundant: Array<{ from: number; afterMs: number; path: number[] }>;
  }>;
  notReached: number[];
  removed: number[];
  others: string[];
}

interface MessagesJson {
  messages: Array<{ id: string; paths: unknown[] }>;
}

const pool = new NetworkPool();
afterEach(() => pool.cleanup());

describe('gossip trace', () => {
  it('prints the propagation tree of a message by text or id, with redundant copies marked', async () => {
    const net = await pool.start(['--seed', '7']);
    const adjacent = neighbours(net.edges);
    await gossipJson(['send-message', '3', 'trace me'], net.home);
    const { id } = await gossipJson<{ id: string }>(['send-message', '3', 'trace me'], net.home);

    // Wait until every node recorded every path it will get (one per neighbour, the origin one more).
    const paths = await waitFor(
      async () => {
        const counts = await Promise.all(
          net.nodes.map(async (node) => {
            const listing = (await askLine(node.port, `/LOOKUP:${id}`)) as MessagesJson;
            return listing.messages[0]?.paths.length ?? 0;
          }),
        );
        const total = counts.reduce((sum, count) => sum + count, 0);
        return total === 2 * net.edges.length + 1 ? total : undefined;
      },
      { what: 'every path of the message' },
    );

    const trace = await gossipJson<TraceJson>(['trace', 'trace', 'me'], net.home);
    // By text, the newer of the two messages is traced, and the other one is named.
    expect(trace).toMatchObject({ id, text: 'trace me', origin: 3, reached: 16, arrivals: paths });
    expect(trace.redundant).toBe(paths - 16);
    expect(trace.others).toHaveLength(1);
    expect(trace.nodes.map((node) => node.node).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 16 }, (_, index) => index + 1),
    );
    const byId = new Map(trace.nodes.map((node) => [node.node, node]));
    for (const node of trace.nodes) {
      if (node.parent === null) {
        expect(node.node).toBe(3);
        continue;
      }
      // Each node got its first copy over a link of the topology, sent on by its parent when the parent got
      // its own first copy (relays=1: one copy per link). Causal order, not the clocks: arrival times come
      // from different processes, and on a loaded machine their clocks may disagree by a few ms.
      expect(adjacent.get(node.parent)?.has(node.node)).toBe(true);
      expect(byId.get(node.parent)?.children).toContain(node.node);
      expect(node.path).toEqual([...(byId.get(node.parent)?.path ?? []), node.node]);
      expect(node.hop).toBe(node.path.length - 1);
    }
    expect(Math.max(...trace.nodes.map((node) => node.afterMs ?? 0))).toBe(trace.last.afterMs);

    const human = await gossip(['trace', id], net.home);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain(`• trace me   (${id})`);
    expect(human.stdout).toContain('reached 16/16 nodes');
    expect(human.stdout.match(/× from \d+/g)).toHaveLength(paths - 16);
    expect(human.stdout).toMatch(/^ {2}3 +\+0\.00 ms +0 +submitted here$/m);

    // Tracing looked without touching: the message is still unread everywhere.
    const unread = await gossipJson<MessagesJson>(['get-messages', '5', 'unread'], net.home);
    expect(unread.messages.map((message) => message.id)).toContain(id);
  });

  it('works around a removed node and says what it could not see; an unknown message exits 4', async () => {
    const net = await pool.start(['--seed', '11']);
    const { id } = await gossipJson<{ id: string }>(['send-message', '1', 'before removal'], net.home);
    const before = await waitFor(
      async () => {
        const trace = await gossipJson<TraceJson>(['trace', id], net.home);
        return trace.reached === 16 ? trace : undefined;
      },
      { what: 'the message at every node' },
    );
    // A node that delivered first copies: once it is gone, the paths of those copies still go through it.
    const removed = before.nodes.find((node) => node.node !== 1 && node.children.length > 0);
    if (removed === undefined) throw new Error('no node other than the origin delivered a first copy');
    expect((await gossip(['remove-node', String(removed.node)], net.home)).exitCode).toBe(0);

    const trace = await gossipJson<TraceJson>(['trace', id], net.home);
    expect(trace.removed).toEqual([removed.node]);
    expect(trace.reached).toBe(15);
    // It keeps its place in the tree, with the same children, but without a time of its own.
    const silent = trace.nodes.find((node) => node.node === removed.node);
    expect(silent).toMatchObject({ afterMs: null, path: removed.path, children: removed.children });
    const human = await gossip(['trace', id], net.home);
    expect(human.stdout).toContain(`removed from the network: ${removed.node}`);

    const unknown = await gossip(['trace', 'never sent'], net.home);
    expect(unknown.exitCode).toBe(4);
    expect(unknown.stderr).toBe(
      'error: no node holds a message with the id or text "never sent"; see: gossip get-messages <node>',
    );
  });
});
