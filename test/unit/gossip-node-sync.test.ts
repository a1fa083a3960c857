// Regression: a /SYNC question whose answer never comes (the line was dropped from a full peer queue, or the
// answer lost) used to leave the cursor "in flight" for good, so catch-up from that peer stopped until the
// link reconnected. Now it is asked again after SYNC_REPLY_TIMEOUT_MS. A real GossipNode with a fake clock;
// the peer is a real TCP server that records lines and never answers a /SYNC.

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

describe('anti-entropy questions that get no answer', () => {
  it('are asked again after the reply timeout, not before', async () => {
    const lines: string[] = [];
    server = net.createServer((socket) => {
      sockets.push(socket);
      socket.setEncoding('utf8');
      socket.on('error', () => {});
      // Any line shows the peer is alive; it never answers /SYNC.
      socket.write('{"ok":true}\n');
      let partial = '';
      socket.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        lines.push(...parts);
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, HOST, resolve));
    const port = (server.address() as AddressInfo).port;

    let clock = 1_000_000;
    node = new GossipNode({
      self: { id: 1, host: HOST, port: 1 },
      peers: [{ id: 2, host: HOST, port }],
      now: () => clock,
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
    node.start();
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
