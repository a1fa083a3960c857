// Four real daemons in a square, driven with the exact reference bytes.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonPool, ringSpecs, type StartedNode } from '../helpers/daemons.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine, talk } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';

type Listing = Record<string, number[][]>;

const pool = new DaemonPool();
let base: number;
let nodes: StartedNode[];

async function getAll(node: StartedNode): Promise<Listing> {
  return JSON.parse(await talk(node.port, '/GET:all|all\n', { readMs: 2_000 })) as Listing;
}

function sortedPaths(paths: number[][] | undefined): string[] {
  return (paths ?? []).map((path) => path.join('-')).sort();
}

async function pathsEverywhere(expectedCount: number): Promise<Listing[]> {
  return waitFor(
    async () => {
      const listings = await Promise.all(nodes.map(getAll));
      const counts = listings.map((listing) => Object.values(listing).flat().length);
      return counts.reduce((a, b) => a + b, 0) === expectedCount ? listings : undefined;
    },
    { what: `${expectedCount} paths in the square` },
  );
}

beforeEach(async () => {
  base = await allocatePortRange(4);
  nodes = await Promise.all(ringSpecs(4, base).map((spec) => pool.start(spec)));
  await pool.waitLinksUp(nodes);
});

afterEach(() => pool.cleanup());

describe('a square of four nodes speaking the reference wire protocol', () => {
  it('accepts /NEW without a newline at EOF and records the paths the relay rule implies', async () => {
    const reply = await talk(base + 1, '/NEW:1|Hello', { mode: 'half' });
    const { id } = JSON.parse(reply) as { id: string };
    expect(id).toMatch(/^Hello_\d{19}$/);

    const listings = await pathsEverywhere(9);
    expect(listings.map((listing) => Object.keys(listing))).toEqual([[id], [id], [id], [id]]);
    expect(sortedPaths(listings[0]?.[id])).toEqual(['1', '1-2-3-4-1', '1-4-3-2-1']);
    expect(sortedPaths(listings[1]?.[id])).toEqual(['1-2', '1-4-3-2']);
    expect(sortedPaths(listings[2]?.[id])).toEqual(['1-2-3', '1-4-3']);
    expect(sortedPaths(listings[3]?.[id])).toEqual(['1-2-3-4', '1-4']);
  });

  it('accepts a /NEW from a client that closes at once, like the reference client', async () => {
    await talk(base + 2, '/NEW:1|from a vanishing client', { mode: 'full-close' });
    const listings = await pathsEverywhere(9);
    expect(Object.keys(listings[3] ?? {})[0]).toMatch(/^from a vanishing client_\d+$/);
  });

  it('keeps | and : inside message texts, and gives identical texts distinct ids', async () => {
    const first = JSON.parse(
      await talk(base + 1, '/NEW:1|a|b:c_d\n/NEW:1|a|b:c_d\n', { readMs: 300 }).then(
        (r) => `[${r.trim().split('\n').join(',')}]`,
      ),
    ) as Array<{ id: string }>;
    expect(first).toHaveLength(2);
    expect(first[0]?.id).toMatch(/^a\|b:c_d_\d+$/);
    expect(first[0]?.id).not.toBe(first[1]?.id);
  });

  it('answers /GET filters and path selections with the reference shapes, then closes', async () => {
    await talk(base + 1, '/NEW:1|Hello', { mode: 'half' });
    await pathsEverywhere(9);
    const shortest = JSON.parse(await talk(base + 1, '/GET:all|shortest\n')) as Listing;
    expect(Object.values(shortest)[0]).toEqual([[1]]);
    const both = JSON.parse(await talk(base + 3, '/GET:read|shortest & longest\n')) as Listing;
    expect(Object.values(both)[0]?.map((path) => path.length)).toEqual([3, 3]);
    // Waiting with /GET:all marked the first message read everywhere; a second one arrives unread.
    await talk(base + 1, '/NEW:1|second', { mode: 'half' });
    await waitFor(async () => ((await askLine(base + 2, '/STATS:')) as { messages: number }).messages === 2);
    const read = JSON.parse(await talk(base + 2, '/GET:read|all\n')) as Listing;
    expect(Object.keys(read)).toEqual([Object.keys(shortest)[0]]);
    const unread = JSON.parse(await talk(base + 2, '/GET:unread|all\n')) as Listing;
    expect(Object.keys(unread)).toEqual([expect.stringMatching(/^second_\d+$/)]);
    expect(JSON.parse(await talk(base + 2, '/GET:unread|all\n'))).toEqual({});
  });

  it('lists peers with /PEERS and drops one with /REMOVE for good, even while that peer lives', async () => {
    const peers = JSON.parse(await talk(base + 1, '/PEERS:\n')) as Array<[number, string]>;
    expect(peers.sort()).toEqual([
      [2, `Gossip-Node-2 (127.0.0.1:${base + 2})`],
      [4, `Gossip-Node-4 (127.0.0.1:${base + 4})`],
    ]);
    await talk(base + 1, '/REMOVE:2\n', { mode: 'half' });
    const peerIds = async (): Promise<number[]> =>
      (JSON.parse(await talk(base + 1, '/PEERS:\n')) as Array<[number, string]>).map(([id]) => id);
    expect(await peerIds()).toEqual([4]);
    // Node 2 is alive and tries to get its link back; node 1 keeps refusing it (it may repair its own
    // degree with another node, never with node 2).
    await waitFor(
      async () => {
        const stats = (await askLine(base + 2, '/STATS:')) as { counters: { linkConnects: number } };
        return stats.counters.linkConnects >= 3;
      },
      { what: 'node 2 to try node 1 again' },
    );
    expect(await peerIds()).not.toContain(2);
    await talk(base + 1, '/NEW:1|after removal', { mode: 'half' });
    const listing = await waitFor(
      async () => {
        const got = await getAll(nodes[1] as StartedNode);
        return Object.keys(got).length === 1 ? got : undefined;
      },
      { what: 'the message at node 2' },
    );
    for (const path of Object.values(listing)[0] ?? []) expect(path.slice(0, 2)).not.toEqual([1, 2]);
  });

  it('answers each malformed line with one JSON error line, counts it, and keeps serving', async () => {
    const bad = [
      'garbage',
      '/NEW:0|zero relays',
      '/NEW:-1|negative',
      '/NEW:99999999999|huge',
      '/NEW:1|',
      '/NEW:1|tab\there',
      '/NEW:1',
      '/RELAY:1|not json',
      '/RELAY:1|[1,2]',
      '/RELAY:1|["no-underscore",[1]]',
      '/RELAY:1|["x_1",[]]',
      '/RELAY:1|["x_1",[0,-3]]',
      '/GET:sometimes|all',
      '/REMOVE:abc',
      '/HELLO:',
    ];
    const reply = await talk(base + 3, `${bad.join('\n')}\n`, { readMs: 800 });
    const errors = reply
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { error: string; code: string });
    expect(errors).toHaveLength(bad.length);
    for (const error of errors) {
      expect(error.error.length).toBeGreaterThan(5);
      expect(error.code).toMatch(/^[A-Z_]+$/);
    }
    expect(errors.map((error) => error.code)).toContain('UNKNOWN_COMMAND');
    expect(errors.map((error) => error.code)).toContain('BAD_RELAYS');
    expect(errors.map((error) => error.code)).toContain('BAD_TEXT');
    const stats = (await askLine(base + 3, '/STATS:')) as { counters: { requestErrors: number } };
    expect(stats.counters.requestErrors).toBe(bad.length);
    // Still alive and still relaying.
    await talk(base + 1, '/NEW:1|still works', { mode: 'half' });
    await pathsEverywhere(9);
  });

  it('rejects an oversize line with LINE_TOO_LONG, bounded, and serves the next line on the same connection', async () => {
    const huge = Buffer.alloc(10 * 1024 * 1024, 'a');
    const reply = await talk(base + 2, Buffer.concat([huge, Buffer.from('\n/HEALTH:\n')]), { readMs: 3_000 });
    const lines = reply.trim().split('\n');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ code: 'LINE_TOO_LONG' });
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ ok: true, node: 2 });
  });
});
