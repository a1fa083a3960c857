// Who may speak as a peer, attacked over real TCP against live nodes without a cluster key: relays only
// from the peer they name, HELLOs checked back at the address they give, a node never its own peer, home
// links that strangers cannot take, and removals that cannot strand a live node.

import { afterEach, describe, expect, it } from 'vitest';
import { fetchMessages, fetchStats } from '../../src/client/node-client.js';
import type { StatsReply } from '../../src/protocol/replies.js';
import { DaemonPool, ringSpecs, type StartedNode } from '../helpers/daemons.js';
import { FakePeer } from '../helpers/fake-peer.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine, talk } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';
import { errorCodes, RawClient } from '../helpers/wire.js';

const pool = new DaemonPool();
const fakes: FakePeer[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
  await pool.cleanup();
});

const HOST = '127.0.0.1';
const at = (node: StartedNode) => ({ host: HOST, port: node.port });
const stats = (node: StartedNode): Promise<StatsReply> => fetchStats(at(node));
const peerIds = async (node: StartedNode) =>
  (await stats(node)).peers.map((peer) => peer.id).sort((a, b) => a - b);

/** A ring 1-2-3-4-1; `extra` flags for every node (by default each has a free slot: 2 peers, max 3). */
async function ring(extra: string[] = []): Promise<StartedNode[]> {
  const base = await allocatePortRange(4);
  const specs = ringSpecs(4, base).map((spec) => ({ ...spec, extraArgs: extra }));
  const nodes = await Promise.all(specs.map((spec) => pool.start(spec)));
  await pool.waitLinksUp(nodes);
  return nodes;
}

async function fake(options: Parameters<typeof FakePeer.open>[0]): Promise<FakePeer> {
  const peer = await FakePeer.open(options);
  fakes.push(peer);
  return peer;
}

/** Sends a message into the ring; waits until every node holds `expected` messages, every path along a real link. */
async function deliversEverything(
  nodes: readonly StartedNode[],
  text: string,
  expected: number,
  otherLinks: string[] = [],
): Promise<void> {
  const first = nodes[0];
  if (first === undefined) throw new Error('no node');
  await askLine(first.port, `/NEW:1|${text}`);
  const links = new Set(['1-2', '2-3', '3-4', '1-4', ...otherLinks]);
  await waitFor(
    async () => {
      const listings = await Promise.all(nodes.map((node) => fetchMessages(at(node), 'all', 'all')));
      return listings.every((listing) => listing.messages.length === expected) ? listings : undefined;
    },
    { timeoutMs: 15_000, what: `${expected} messages on every node` },
  ).then((listings) => {
    for (const listing of listings) {
      for (const message of listing.messages) {
        for (const { path } of message.paths) {
          for (let hop = 1; hop < path.length; hop += 1) {
            const [a, b] = [path[hop - 1] ?? 0, path[hop] ?? 0].sort((x, y) => x - y);
            expect(links.has(`${a}-${b}`), `path ${path.join('-')} of ${message.text}`).toBe(true);
          }
        }
      }
    }
  });
}

describe('relays are taken only from the peer they name', () => {
  it('refuses forged last hops on a client connection, on another peer link, and from a peer that left', async () => {
    const nodes = await ring();
    const [one] = nodes;
    if (one === undefined) throw new Error('no node');
    const forged = (text: string, path: number[]) =>
      `/RELAY:1|${JSON.stringify([`${text}_1795426696500612060`, path])}\n`;

    // A plain connection: a relay "from" node 99, which is nobody, and from node 2, which is a peer.
    const client = await RawClient.connect(one.port);
    await client.write(
      forged('from-99', [99]) + forged('from-2', [3, 2]) + forged('push', [2]).replace('RELAY', 'PUSH'),
    );
    expect(errorCodes(await client.waitLines(3))).toEqual(['NOT_A_PEER', 'NOT_A_PEER', 'BAD_PATH']);

    // A real peer's link (node 7 joins node 1's free slot) relaying with another node as the last hop.
    const seven = await fake({ id: 7, port: one.port });
    expect(seven.hello).toMatchObject({ accepted: true });
    expect(await peerIds(one)).toEqual([2, 4, 7]);
    seven.send(forged('as-2', [3, 2]));
    expect(await seven.waitReply((reply) => reply.code === 'NOT_A_PEER')).toMatchObject({
      error: "the path ends with 2, but this is node 7's link",
    });
    // Its own relays are taken.
    seven.send(forged('from-7', [7]));
    await waitFor(async () => (await stats(one)).messages === 1, { what: "node 7's own relay" });

    // Node 7 leaves (its own /REMOVE on its own link), then comes back on a new link: refused, and so are its relays.
    seven.send('/REMOVE:7');
    await waitFor(async () => !(await peerIds(one)).includes(7), { what: 'node 7 to be dropped' });
    const again = await fake({ id: 7, port: one.port, flags: 'h' });
    expect(again.hello).toMatchObject({ accepted: false, reason: 'it left' });
    again.send(forged('after-leaving', [7]));
    expect(await again.waitReply((reply) => reply.code === 'NOT_A_PEER')).toMatchObject({
      error: expect.stringMatching(/no peer link/),
    });

    const after = await stats(one);
    expect(after.messages).toBe(1);
    expect(after.errors.NOT_A_PEER).toBe(4);
    // Logged, at most once a second per connection.
    const logged = (await pool.logLines(one)).filter((line) => line.msg === 'request.not-a-peer');
    expect(logged.length).toBeGreaterThanOrEqual(2);
    expect(logged.length).toBeLessThanOrEqual(4);
    expect(logged[0]).toMatchObject({ error: expect.stringMatching(/no peer link/), refused: 1 });

    // The cluster delivers as before, every path along the ring's links.
    client.destroy();
    await deliversEverything(nodes, 'after the forgeries', 2, ['1-7']);
  });
});

describe('the handshake', () => {
  it('refuses a HELLO from the node itself, by its id or under another id at its address', async () => {
    const [one] = await ring();
    if (one === undefined) throw new Error('no node');
    const client = await RawClient.connect(one.port);
    await client.write(`/HELLO:1|${HOST}:${one.port}|\n/HELLO:9|${HOST}:${one.port}|j\n/HELLO:1\n`);
    const replies = await client.waitLines(3);
    expect(replies[0]).toEqual({ hello: { node: 1, accepted: false, reason: 'that is this node' } });
    expect(replies[1]).toEqual({ hello: { node: 1, accepted: false, reason: 'that is this node' } });
    expect(errorCodes(replies)).toEqual(['BAD_ARGUMENT']);
    expect(await peerIds(one)).toEqual([2, 4]);
    expect((await stats(one)).counters.hellosRefused).toBe(2);
  });

  it('does not let a stranger pose as a stopped peer: no proof, no rate exemption, no heartbeat that counts', async () => {
    const nodes = await ring(['--max-requests-per-second', '200']);
    const [, two, three] = nodes;
    if (two === undefined || three === undefined) throw new Error('no nodes');
    three.kill('SIGSTOP');
    try {
      const client = await RawClient.connect(two.port);
      await client.write(`/HELLO:3|${HOST}:${three.port}|h\n`);
      const [answer] = await client.waitLines(1, 10_000);
      expect(answer).toEqual({
        hello: {
          node: 2,
          accepted: false,
          reason: `not verified: no proof came back from ${HOST}:${three.port}`,
        },
      });
      // Pings that would keep node 3 alive if they counted, and a burst that shows the client rate still applies.
      const pinger = setInterval(() => void client.write('/PING:\n'), 300);
      try {
        await client.write('/PING:\n'.repeat(1_000));
        await waitFor(async () => !(await peerIds(two)).includes(3), {
          timeoutMs: 10_000,
          what: 'node 2 to declare the stopped node 3 failed',
        });
      } finally {
        clearInterval(pinger);
      }
      expect((await stats(two)).errors.RATE_LIMITED).toBeGreaterThan(500);
      client.destroy();
    } finally {
      three.kill('SIGCONT');
    }
    await waitFor(async () => (await peerIds(two)).includes(3), { timeoutMs: 15_000, what: 'node 3 back' });
  });

  it('gives no home slot to joining strangers, however many, and a home link holds', async () => {
    // Every node full with its two home peers.
    const [one, , , four] = await ring(['--max-peers', '2']);
    if (one === undefined || four === undefined) throw new Error('no nodes');
    for (const id of [21, 22, 23]) {
      const stranger = await fake({ id, port: one.port, flags: 'j' });
      expect(stranger.hello).toMatchObject({ accepted: false, reason: 'full (2/2 peers)' });
    }
    expect(await peerIds(one)).toEqual([2, 4]);
    expect(await peerIds(four)).toEqual([1, 3]);
  });

  it('lets a pair split by forged removals link again: no node is stranded', async () => {
    const nodes = await ring(['--max-peers', '2']);
    const [one, two, three] = nodes;
    if (one === undefined || two === undefined || three === undefined) throw new Error('no nodes');
    const client = await RawClient.connect(two.port);
    await client.write('/REMOVE:1\n/REMOVE:3\n');
    await talk(one.port, '/REMOVE:2\n', { mode: 'half' });
    await talk(three.port, '/REMOVE:2\n', { mode: 'half' });
    await waitFor(async () => (await peerIds(two)).join() === '1,3', {
      timeoutMs: 15_000,
      what: 'node 2 linked to 1 and 3 again',
    });
    await pool.waitLinksUp(nodes);
    await deliversEverything(nodes, 'after the removals', 1);
    client.destroy();
  });
});
