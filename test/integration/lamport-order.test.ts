// Listings follow Lamport clocks, not wall clocks: a message sent later by the wall clock, from a node that had
// seen little, is listed before earlier messages of a node that had seen more, on every node, by the CLI too.

import { afterAll, describe, expect, it } from 'vitest';
import { fetchMessages } from '../../src/client/node-client.js';
import { gossip, gossipJson } from '../helpers/cli.js';
import { DaemonPool, type StartedNode } from '../helpers/daemons.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';

const pool = new DaemonPool();
afterAll(() => pool.cleanup());

const at = (node: StartedNode) => ({ host: '127.0.0.1', port: node.port });
const submit = async (node: StartedNode, text: string): Promise<string> =>
  ((await askLine(node.port, `/NEW:1|${text}`)) as { id: string }).id;

describe('Lamport order', () => {
  it('lists a message with a later origin time but a smaller clock first, on every node', async () => {
    const base = await allocatePortRange(3);
    // Node 1 alone sends four messages: clocks 1, 2, 3, 4.
    const one = await pool.start({ id: 1, port: base + 1, peers: [] });
    const sent: string[] = [];
    for (const text of ['a1', 'a2', 'a3', 'a4']) sent.push(await submit(one, text));
    // Then node 2, alone and knowing none of them, sends one: clock 1, origin time after all four.
    const two = await pool.start({ id: 2, port: base + 2, peers: [] });
    const late = await submit(two, 'b1 sent last');
    // Node 3 links the two; catch-up brings every message everywhere.
    const three = await pool.start({
      id: 3,
      port: base + 3,
      peers: [
        { id: 1, port: base + 1 },
        { id: 2, port: base + 2 },
      ],
    });
    const everyone = [one, two, three];
    await waitFor(
      async () =>
        (await Promise.all(everyone.map((node) => fetchMessages(at(node), 'all', 'all')))).every(
          (listing) => listing.messages.length === 5,
        ),
      { timeoutMs: 20_000, what: 'five messages on every node' },
    );

    const [a1, a2, a3, a4] = sent;
    for (const node of everyone) {
      // What a user sees: get-messages --json, in listing order.
      const listing = await gossipJson<{
        messages: Array<{ id: string; clock: number; originNs: string }>;
      }>(['get-messages', `127.0.0.1:${node.port}`, 'all'], '/nonexistent-gossip-home');
      expect(
        listing.messages.map((message) => message.id),
        `node ${node.id}`,
      ).toEqual([a1, late, a2, a3, a4]);
      const byId = new Map(listing.messages.map((message) => [message.id, message]));
      // The wall clock disagrees: the late message has the latest origin time, and the smallest clock (tied
      // with a1, which it follows by origin time).
      expect(listing.messages.map((message) => message.clock)).toEqual([1, 1, 2, 3, 4]);
      expect(BigInt(byId.get(late)?.originNs ?? 0)).toBeGreaterThan(
        BigInt(byId.get(a4 ?? '')?.originNs ?? 0),
      );
    }
    // The human listing, in the same order.
    const human = await gossip(['get-messages', `127.0.0.1:${one.port}`, 'all'], '/nonexistent-gossip-home');
    expect(human.stdout.match(/^• .*$/gm)).toEqual(['• a1', '• b1 sent last', '• a2', '• a3', '• a4']);
  });
});
