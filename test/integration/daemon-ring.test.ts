// A 16-node ring of real daemons: the relay rule fixes the exact set of paths on every node, for
// relays=1 and relays=2; a peer started late receives the relays queued for it.

import { afterEach, describe, expect, it } from 'vitest';
import { DaemonPool, ringSpecs, type StartedNode } from '../helpers/daemons.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine, talk } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';

interface MessagesReply {
  messages: Array<{ id: string; paths: Array<{ path: number[]; via: string }> }>;
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
    reply.messages.map((message) => [
      message.id,
      // A path that did not come by a relay says how it came (catch-up would not be the relay rule's doing).
      message.paths
        .map((p) => p.path.join('-') + (p.via === 'relay' || p.via === 'origin' ? '' : ` (${p.via})`))
        .sort(),
    ]),
  );
}

/** Every path every node holds, as `5-4-3` (with ` (catch-up)` when it came that way). */
const everyPath = (all: Array<Map<string, string[]>>): string[] =>
  all.flatMap((map) => [...map.values()].flat());

/**
 * Whether the run left the premise of the ring test: some node holds a path that came otherwise than by a
 * relay (anti-entropy brought it first), or a path takes an edge the ring does not have (a node starved of
 * CPU looked dead to a neighbour, and the overlay repaired around it).
 */
function disturbed(all: Array<Map<string, string[]>>, n: number): boolean {
  return everyPath(all).some((path) => {
    if (path.endsWith(')')) return true;
    const hops = path.split('-').map(Number);
    return hops.some(
      (hop, index) => index > 0 && ![1, n - 1].includes((hop - (hops[index - 1] ?? 0) + n) % n),
    );
  });
}

/** Waits until the nodes hold `total` paths in all (or, with `orDisturbed`, until that says stop). */
async function settle(
  nodes: StartedNode[],
  total: number,
  orDisturbed: (all: Array<Map<string, string[]>>) => boolean = () => false,
): Promise<Array<Map<string, string[]>>> {
  let last: Array<Map<string, string[]>> = [];
  try {
    return await waitFor(
      async () => {
        last = await Promise.all(nodes.map(pathsAt));
        const count = last.reduce(
          (sum, map) => sum + [...map.values()].reduce((s, paths) => s + paths.length, 0),
          0,
        );
        return count === total || orDisturbed(last) ? last : undefined;
      },
      { timeoutMs: 20_000, what: `${total} paths on the ring` },
    );
  } catch (error) {
    // What each node held when time ran out says which paths never came (or which came extra).
    const held = last.map((map, index) => `${index + 1}: ${JSON.stringify([...map.values()])}`);
    throw new Error(`${(error as Error).message}; held:\n${held.join('\n')}`);
  }
}

/** Runs the ring this many times at most while runs keep leaving it (see disturbed). */
const RING_ATTEMPTS = 3;

describe('a 16-node ring', () => {
  it.each([1, 2])('holds exactly the paths the relay rule implies with relays=%i', async (relays) => {
    const n = 16;
    const origin = 5;
    // The relay rule alone makes these paths, on a ring. On a starved machine a hop can take long enough for
    // anti-entropy (each node asks its peers every second) to bring the message to a node before the ring's
    // relays do, or a neighbour can look dead and the overlay repair around it: such a run shows a catch-up
    // path or an edge the ring does not have, and is run again on a fresh ring.
    const leftTheRing = (all: Array<Map<string, string[]>>): boolean => disturbed(all, n);
    for (let attempt = 1; ; attempt += 1) {
      const base = await allocatePortRange(n);
      const nodes = await Promise.all(ringSpecs(n, base).map((spec) => pool.start(spec)));
      await pool.waitLinksUp(nodes);
      await talk(base + origin, `/NEW:${relays}|round the ring`, { mode: 'half' });
      // Each non-origin node gets 2 x relays paths; the origin gets them plus its own.
      const all = await settle(nodes, n * 2 * relays + 1, leftTheRing);
      if (leftTheRing(all) && attempt < RING_ATTEMPTS) {
        console.log(`ring relays=${relays}: attempt ${attempt} left the ring (catch-up or repair); again`);
        await pool.cleanup();
        continue;
      }
      for (const [index, paths] of all.entries()) {
        const [only] = [...paths.values()];
        expect(only).toEqual(ringPaths(n, origin, index + 1, relays));
      }
      return;
    }
  });
});

/** How many lines the node on `port` holds queued for peer `peer` (its /STATS). */
async function queuedFor(port: number, peer: number): Promise<number | undefined> {
  const stats = (await askLine(port, '/STATS:')) as { peers: Array<{ id: number; queued: number }> };
  return stats.peers.find((entry) => entry.id === peer)?.queued;
}

describe('a peer that starts late', () => {
  it('receives the relays that waited in its neighbours queues', async () => {
    const base = await allocatePortRange(4);
    const specs = ringSpecs(4, base);
    const early = await Promise.all(specs.slice(0, 3).map((spec) => pool.start(spec)));
    await talk(base + 1, '/NEW:1|queued for 4', { mode: 'half' });
    // Node 1 and node 3 hold relays for node 4 while it is down.
    await waitFor(async () => (await queuedFor(base + 3, 4)) === 1, {
      what: 'node 3 to queue a relay for node 4',
    });
    const late = await pool.start(specs[3] as (typeof specs)[number]);
    const all = await settle([...early, late], 9);
    // The path by node 3 may come first by the queued relay or by catch-up when the link comes up (then the
    // relay is the second arrival from node 3, over the limit): either way the same path, and the queue drains.
    const paths = [...(all[3]?.values() ?? [])][0]?.map((path) => path.replace(' (catch-up)', ''));
    expect(paths).toEqual(['1-2-3-4', '1-4']);
    await waitFor(async () => (await queuedFor(base + 3, 4)) === 0, {
      what: "node 3's queue for node 4 to drain",
    });
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
