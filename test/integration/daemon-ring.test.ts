// A 16-node ring of real daemons: the relay rule fixes the exact set of paths on every node, for
// relays=1 and relays=2; a peer started late receives the relays queued for it.

import { afterEach, describe, expect, it } from 'vitest';
import { DaemonPool, ringSpecs, type StartedNode } from '../helpers/daemons.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine, talk } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';

interface MessagesReply {
  messages: Array<{ id: string; paths: Array<{ path: number[] }> }>;
}

const pool = new DaemonPool();
afterEach(() => pool.cleanup());

/** Walks the ring from the origin `laps` times in one direction and returns the path reaching `target` each lap. */
function ringPaths(n: number, origin: number, target: number, relays: number): string[] {
  const paths: string[] = [];
  for (const step of [1, -1]) {
    const walk = [origin];
    let at = origin;
    // Each lap through a node is allowed `relays` times.
    while (walk.length <= relays * n) {
      at = ((at - 1 + step + n) % n) + 1;
      walk.push(at);
      if (at === target) paths.push(walk.join('-'));
    }
  }
  if (target === origin) paths.push(String(origin));
  return paths.sort();
}

async function pathsAt(node: StartedNode): Promise<Map<string, string[]>> {
  const reply = (await askLine(node.port, '/MESSAGES:all|all')) as MessagesReply;
  return new Map(
    reply.messages.map((message) => [message.id, message.paths.map((p) => p.path.join('-')).sort()]),
  );
}

async function settle(nodes: StartedNode[], total: number): Promise<Array<Map<string, string[]>>> {
  let last: Array<Map<string, string[]>> = [];
  try {
    return await waitFor(
      async () => {
        last = await Promise.all(nodes.map(pathsAt));
        const count = last.reduce(
          (sum, map) => sum + [...map.values()].reduce((s, paths) => s + paths.length, 0),
          0,
        );
        return count === total ? last : undefined;
      },
      { timeoutMs: 20_000, what: `${total} paths on the ring` },
    );
  } catch (error) {
    // What each node held when time ran out says which paths never came (or which came extra).
    const held = last.map((map, index) => `${index + 1}: ${JSON.stringify([...map.values()])}`);
    throw new Error(`${(error as Error).message}; held:\n${held.join('\n')}`);
  }
}

describe('a 16-node ring', () => {
  it.each([1, 2])('holds exactly the paths the relay rule implies with relays=%i', async (relays) => {
    const n = 16;
    const base = await allocatePortRange(n);
    const nodes = await Promise.all(ringSpecs(n, base).map((spec) => pool.start(spec)));
    await pool.waitLinksUp(nodes);
    const origin = 5;
    await talk(base + origin, `/NEW:${relays}|round the ring`, { mode: 'half' });
    // Each non-origin node gets 2 x relays paths; the origin gets them plus its own.
    const all = await settle(nodes, n * 2 * relays + 1);
    for (const [index, paths] of all.entries()) {
      const [only] = [...paths.values()];
      expect(only).toEqual(ringPaths(n, origin, index + 1, relays));
    }
  });
});

describe('a peer that starts late', () => {
  it('receives the relays that waited in its neighbours queues', async () => {
    const base = await allocatePortRange(4);
    const specs = ringSpecs(4, base);
    const early = await Promise.all(specs.slice(0, 3).map((spec) => pool.start(spec)));
    await talk(base + 1, '/NEW:1|queued for 4', { mode: 'half' });
    // Node 1 and node 3 hold relays for node 4 while it is down.
    await waitFor(
      async () => {
        const stats = (await askLine(base + 3, '/STATS:')) as {
          peers: Array<{ id: number; queued: number }>;
        };
        return stats.peers.find((peer) => peer.id === 4)?.queued === 1;
      },
      { what: 'node 3 to queue a relay for node 4' },
    );
    const late = await pool.start(specs[3] as (typeof specs)[number]);
    const all = await settle([...early, late], 9);
    expect([...(all[3]?.values() ?? [])][0]).toEqual(['1-2-3-4', '1-4']);
  });
});

describe('peers named by DNS', () => {
  it('link up and relay when peers are given as host names', async () => {
    const base = await allocatePortRange(2);
    const one = await pool.start({
      id: 1,
      port: base + 1,
      peers: [],
      extraArgs: ['--peers', `2@localhost:${base + 2}`],
    });
    const two = await pool.start({
      id: 2,
      port: base + 2,
      peers: [],
      extraArgs: ['--peers', `1@localhost:${base + 1}`],
    });
    await pool.waitLinksUp([one, two]);
    await talk(base + 1, '/NEW:1|by name', { mode: 'half' });
    const all = await settle([one, two], 2);
    expect([...(all[1]?.values() ?? [])][0]).toEqual(['1-2']);
  });
});

describe('signals', () => {
  it('closes cleanly on SIGTERM with exit code 0 and logs node.stopped', async () => {
    const base = await allocatePortRange(1);
    const node = await pool.start({ id: 1, port: base + 1, peers: [] });
    node.kill('SIGTERM');
    const result = await node.exited;
    expect(result.exitCode).toBe(0);
    const events = (await pool.logLines(node)).map((line) => line.msg);
    expect(events).toContain('node.started');
    expect(events).toContain('node.stopped');
  });

  it('refuses bad arguments and a taken port with a clear error and no stack trace', async () => {
    const base = await allocatePortRange(1);
    const bad = await pool.start({ id: 0, port: base + 1, peers: [] }, { waitReady: false });
    const badResult = await bad.exited;
    expect(badResult.exitCode).toBe(2);
    expect(badResult.stderr).toMatch(/^error: .*id/m);
    expect(badResult.stderr).not.toMatch(/\n\s+at /);

    await pool.start({ id: 1, port: base + 1, peers: [] });
    const clash = await pool.start({ id: 2, port: base + 1, peers: [] }, { waitReady: false });
    const clashResult = await clash.exited;
    expect(clashResult.exitCode).toBe(9);
    expect(clashResult.stderr).toContain(`port ${base + 1} is already in use`);
  });
});
