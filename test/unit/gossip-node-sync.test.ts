// Anti-entropy against a real GossipNode, the peer a real TCP server that records lines.
// Regression: a /SYNC question whose answer never comes (the line was dropped from a full peer queue, or the
// answer lost) used to leave the cursor "in flight" for good, so catch-up from that peer stopped until the
// link reconnected. Now it is asked again after SYNC_REPLY_TIMEOUT_MS (checked with a fake clock).
// A page may carry only what a /RELAY line could: a bad message in it is left out and counted, the rest kept.

import net, { type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ANTI_ENTROPY_INTERVAL_MS, SYNC_REPLY_TIMEOUT_MS } from '../../src/node/anti-entropy.js';
import { GossipNode } from '../../src/node/gossip-node.js';
import { waitFor } from '../helpers/wait-for.js';

const HOST = '127.0.0.1';
let server: net.Server | undefined;
const sockets: Socket[] = [];
let node: GossipNode | undefined;

afterEach(async () => {
  node?.stop();
  node = undefined;
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

function startNode(port: number, now: () => number): GossipNode {
  const started = new GossipNode({
    self: { id: 1, host: HOST, port: 1 },
    peers: [{ id: 2, host: HOST, port }],
    now,
    random: () => 0.5,
    membership: {
      maxPeers: 3,
      failureTimeoutMs: 120_000,
      heartbeatMs: 60_000,
      walkTtl: 5,
      link: {
        maxQueue: 100,
        backoffMinMs: 10,
        backoffMaxMs: 40,
        connectTimeoutMs: 1_000,
        random: () => 0.5,
      },
    },
  });
  started.start();
  return started;
}

/** A peer (a real TCP server) that accepts our HELLO, answers other lines with `answer`, and keeps what it got. */
async function peerAnswering(
  answer: (line: string) => string | undefined,
): Promise<{ port: number; lines: string[] }> {
  const lines: string[] = [];
  const accept = (line: string) =>
    line.startsWith('/HELLO:') ? JSON.stringify({ hello: { node: 2, accepted: true } }) : answer(line);
  server = net.createServer((socket) => {
    sockets.push(socket);
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    let partial = '';
    socket.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const reply = accept(line);
        if (reply !== undefined) socket.write(`${reply}\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, HOST, resolve));
  return { port: (server.address() as AddressInfo).port, lines };
}

describe('anti-entropy questions that get no answer', () => {
  it('are asked again after the reply timeout, not before', async () => {
    // Its answer to our HELLO shows the peer is alive; it never answers /SYNC.
    const { port, lines } = await peerAnswering(() => undefined);
    let clock = 1_000_000;
    node = startNode(port, () => clock);
    const up = node;
    await waitFor(() => up.membership.isUp(2) || undefined, { what: 'the link to come up' });
    const syncs = () => lines.filter((line) => line.startsWith('/SYNC:')).length;

    up.tick();
    await waitFor(() => syncs() === 1 || undefined, { what: 'the first /SYNC' });

    // Unanswered: the regular interval does not ask again while the question is in flight ...
    clock += ANTI_ENTROPY_INTERVAL_MS * 2;
    up.tick();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(syncs()).toBe(1);

    // ... the reply timeout does.
    clock += SYNC_REPLY_TIMEOUT_MS;
    up.tick();
    await waitFor(() => syncs() === 2 || undefined, { what: 'the /SYNC asked again' });
  });
});

describe('anti-entropy pages', () => {
  it('take in the messages a relay could carry, and leave out and count the rest', async () => {
    const good = { id: 'caught up_1795000000000000001', relays: 1, path: [2] };
    const bad = { id: 'bell\u0007_1795000000000000002', relays: 1, path: [2] };
    const { port } = await peerAnswering((line) =>
      line.startsWith('/SYNC:')
        ? JSON.stringify({ sync: { node: 2, epoch: 5, next: 2, more: false, messages: [bad, good] } })
        : undefined,
    );
    node = startNode(port, () => performance.timeOrigin + performance.now());
    const up = node;
    await waitFor(() => up.membership.isUp(2) || undefined, { what: 'the link to come up' });
    up.tick();
    await waitFor(() => up.stats(0).messages === 1 || undefined, { what: 'the good message' });
    expect(up.counters.values.peerErrors).toBe(1);
    expect(up.counters.values.messagesCaughtUp).toBe(1);
  });
});
