// Load with the default limits: 1,000 client connections open at once to one node are all served, and a
// burst of 10,000 /NEW submissions to one node loses nothing: every node of a small cluster holds all of
// them. Node N's process raises its own open-file limit to the hard limit (Node.js does so at start-up).

import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchMessages, fetchStats } from '../../src/client/node-client.js';
import { DaemonPool, type StartedNode } from '../helpers/daemons.js';
import { allocatePortRange } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait-for.js';
import { RawClient } from '../helpers/wire.js';

const pool = new DaemonPool();
afterEach(() => pool.cleanup());

const at = (node: StartedNode) => ({ host: '127.0.0.1', port: node.port });

describe('load on one node, default limits', () => {
  it('serves 1,000 client connections held open at the same time', async () => {
    const port = (await allocatePortRange(1)) + 1;
    const node = await pool.start({ id: 1, port, peers: [] });
    const began = performance.now();
    const clients: RawClient[] = [];
    try {
      // All at once: the node listens with a deep accept queue (backlog 4096, capped by net.core.somaxconn).
      clients.push(...(await Promise.all(Array.from({ length: 1_000 }, () => RawClient.connect(port)))));
      const opened = performance.now();
      await Promise.all(clients.map((client) => client.write('/HEALTH:\n')));
      await Promise.all(clients.map((client) => client.waitLines(1, 20_000)));
      const served = performance.now();
      for (const client of clients) expect(client.replies()[0]).toMatchObject({ ok: true, node: 1 });
      expect(clients.every((client) => !client.isClosed)).toBe(true);
      const { counters } = await fetchStats(at(node));
      expect(counters.connectionsOpen).toBeGreaterThanOrEqual(1_001);
      expect(counters.connectionsRefused).toBe(0);
      process.stdout.write(
        `load: 1,000 connections opened in ${Math.round(opened - began)} ms, all answered ${Math.round(served - opened)} ms later\n`,
      );
    } finally {
      for (const client of clients) client.destroy();
    }
  });

  it('keeps all of a burst of 10,000 /NEW at one node, at every node of a 4-node cluster', async () => {
    const base = await allocatePortRange(4);
    const dir = await pool.tempDir();
    const ids = [1, 2, 3, 4];
    // A complete graph K4: the 3-regular graph on four nodes.
    const nodes = await Promise.all(
      ids.map((id) =>
        pool.start({
          id,
          port: base + id,
          peers: ids.filter((peer) => peer !== id).map((peer) => ({ id: peer, port: base + peer })),
          extraArgs: ['--data-dir', path.join(dir, `load-${id}`)],
        }),
      ),
    );
    await pool.waitLinksUp(nodes);
    const [entry] = nodes;
    if (entry === undefined) throw new Error('no entry node');

    const total = 10_000;
    const connections = 20;
    const perConnection = total / connections;
    const began = performance.now();
    const clients = await Promise.all(
      Array.from({ length: connections }, () => RawClient.connect(entry.port)),
    );
    const accepted = new Set<string>();
    try {
      await Promise.all(
        clients.map(async (client, c) => {
          const lines = Array.from({ length: perConnection }, (_, i) => `/NEW:1|burst ${c}-${i}\n`);
          await client.write(lines.join(''));
          const replies = await client.waitLines(perConnection, 60_000);
          for (const reply of replies) {
            expect(reply).toHaveProperty('id');
            accepted.add(String(reply.id));
          }
        }),
      );
    } finally {
      for (const client of clients) client.destroy();
    }
    const acceptedMs = performance.now() - began;
    expect(accepted.size).toBe(total);

    await waitFor(
      async () =>
        (await Promise.all(nodes.map((node) => fetchStats(at(node))))).every((s) => s.messages === total),
      { timeoutMs: 60_000, intervalMs: 200, what: `${total} messages at every node` },
    );
    const everywhereMs = performance.now() - began;
    for (const node of nodes) {
      const listing = await fetchMessages(at(node), 'all', 'shortest');
      expect(new Set(listing.messages.map((message) => message.id))).toEqual(accepted);
      const { counters } = await fetchStats(at(node));
      expect(counters.queueOverflows).toBe(0);
      expect(counters.requestErrors).toBe(0);
    }
    process.stdout.write(
      `load: ${total} /NEW accepted (on disk at node 1) in ${Math.round(acceptedMs)} ms, at all 4 nodes after ${Math.round(everywhereMs)} ms\n`,
    );
  });
});
