import { describe, expect, it } from 'vitest';
import { RelayCounts } from '../../src/node/relay-policy.js';
import { generateTopology } from '../../src/topology/generators.js';
import { adjacency, degrees, type Graph, makeGraph } from '../../src/topology/graph.js';
import { arrive } from '../helpers/relay-rule.js';

describe('relayArrival', () => {
  it('forwards an origin submission to every peer', () => {
    const counts = new RelayCounts();
    expect(arrive(counts, undefined, [2, 5, 9], 1)).toEqual({ accept: true, forwardTo: [2, 5, 9] });
  });

  it('forwards a relay from peer s to every other peer', () => {
    const counts = new RelayCounts();
    expect(arrive(counts, 5, [2, 5, 9], 1)).toEqual({ accept: true, forwardTo: [2, 9] });
  });

  it('accepts nothing more from a sender once it reached the limit, and forwards nothing for it', () => {
    const counts = new RelayCounts();
    arrive(counts, 5, [2, 5, 9], 1);
    expect(arrive(counts, 5, [2, 5, 9], 1)).toEqual({ accept: false, forwardTo: [] });
    expect(counts.arrivalsFrom(5)).toBe(1);
  });

  it('sends at most `relays` times to each peer', () => {
    const counts = new RelayCounts();
    arrive(counts, 5, [2, 5, 9], 1); // sends to 2 and 9
    // A second arrival, from 9: 2 and 9 already had their one relay, only 5 is left.
    expect(arrive(counts, 9, [2, 5, 9], 1)).toEqual({ accept: true, forwardTo: [5] });
    // From 2: everybody has had one.
    expect(arrive(counts, 2, [2, 5, 9], 1)).toEqual({ accept: true, forwardTo: [] });
    expect(counts.entries().sort()).toEqual([
      [2, 1, 1],
      [5, 1, 1],
      [9, 1, 1],
    ]);
  });

  it('with relays=2 allows two arrivals from each sender and two sends to each peer', () => {
    const counts = new RelayCounts();
    expect(arrive(counts, 5, [2, 5], 2)).toEqual({ accept: true, forwardTo: [2] });
    expect(arrive(counts, 5, [2, 5], 2)).toEqual({ accept: true, forwardTo: [2] });
    expect(arrive(counts, 5, [2, 5], 2)).toEqual({ accept: false, forwardTo: [] });
    expect(arrive(counts, 2, [2, 5], 2)).toEqual({ accept: true, forwardTo: [5] });
    expect(arrive(counts, 2, [2, 5], 2)).toEqual({ accept: true, forwardTo: [5] });
    expect(arrive(counts, 2, [2, 5], 2)).toEqual({ accept: false, forwardTo: [] });
    expect(counts.sentTo(2)).toBe(2);
    expect(counts.sentTo(5)).toBe(2);
  });

  it('does not change counts for a refused arrival', () => {
    const counts = new RelayCounts();
    counts.addArrival(5);
    arrive(counts, 5, [2, 5], 1);
    expect(counts.entries()).toEqual([[5, 1, 0]]);
  });

  it('forwards nothing from a node whose only peer is the sender', () => {
    expect(arrive(new RelayCounts(), 1, [1], 1)).toEqual({ accept: true, forwardTo: [] });
  });
});

interface Simulation {
  /** Recorded paths per node, in arrival order. */
  paths: Map<number, number[][]>;
  sends: number;
}

/** Synchronous FIFO gossip of one message from `origin` over `graph`, using the real relay policy. */
function simulate(graph: Graph, origin: number, relays: number): Simulation {
  const adj = adjacency(graph);
  const counts = new Map<number, RelayCounts>();
  const paths = new Map<number, number[][]>();
  for (let id = 1; id <= graph.n; id += 1) {
    counts.set(id, new RelayCounts());
    paths.set(id, []);
  }
  const queue: Array<{ to: number; from: number | undefined; path: number[] }> = [
    { to: origin, from: undefined, path: [] },
  ];
  let sends = 0;
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const { to, from, path } = next;
    const nodeCounts = counts.get(to) ?? new RelayCounts();
    const decision = arrive(nodeCounts, from, adj.get(to) ?? [], relays);
    if (!decision.accept) continue;
    const recorded = [...path, to];
    paths.get(to)?.push(recorded);
    for (const peer of decision.forwardTo) {
      sends += 1;
      queue.push({ to: peer, from: to, path: recorded });
    }
    if (sends > 100_000) throw new Error('simulation does not terminate');
  }
  return { paths, sends };
}

const sortPaths = (paths: number[][] | undefined): number[][] =>
  [...(paths ?? [])].sort((a, b) => a.join(',').localeCompare(b.join(',')));

const ring4 = makeGraph(4, [
  [1, 2],
  [2, 3],
  [3, 4],
  [4, 1],
]);

describe('relay simulation', () => {
  it.each([1, 7, 42, 1234])(
    '3-regular graph (seed %i), relays=1: deg(node) paths each, 2 x edges sends',
    (seed) => {
      const graph = generateTopology({ kind: 'random', degree: 3 }, { n: 16, seed, maxPeers: 3 });
      const adj = adjacency(graph);
      const deg = degrees(graph);
      const origin = 1 + (seed % 16);
      const { paths, sends } = simulate(graph, origin, 1);
      expect(graph.edges).toHaveLength(24);
      expect(sends).toBe(2 * graph.edges.length);
      for (let node = 1; node <= graph.n; node += 1) {
        const recorded = paths.get(node) ?? [];
        expect(recorded, `node ${node}`).toHaveLength((deg.get(node) ?? 0) + (node === origin ? 1 : 0));
        // One path in through each neighbour (plus the origin's own [origin]).
        const lastHops = recorded.filter((p) => p.length > 1).map((p) => p[p.length - 2]);
        expect(new Set(lastHops), `node ${node}`).toEqual(new Set(adj.get(node)));
        for (const path of recorded) {
          expect(path[0]).toBe(origin);
          expect(path[path.length - 1]).toBe(node);
          for (let i = 1; i < path.length; i += 1) {
            const [from, to] = [path[i - 1] ?? 0, path[i] ?? 0];
            expect(adj.get(from), `hop ${from}->${to} of ${path.join(',')}`).toContain(to);
          }
        }
      }
    },
  );

  it('4-ring, relays=1: exact path sets', () => {
    const { paths, sends } = simulate(ring4, 1, 1);
    expect(sends).toBe(8);
    expect(sortPaths(paths.get(1))).toEqual(sortPaths([[1], [1, 2, 3, 4, 1], [1, 4, 3, 2, 1]]));
    expect(sortPaths(paths.get(2))).toEqual(
      sortPaths([
        [1, 2],
        [1, 4, 3, 2],
      ]),
    );
    expect(sortPaths(paths.get(3))).toEqual(
      sortPaths([
        [1, 2, 3],
        [1, 4, 3],
      ]),
    );
    expect(sortPaths(paths.get(4))).toEqual(
      sortPaths([
        [1, 4],
        [1, 2, 3, 4],
      ]),
    );
  });

  it('4-ring, relays=2: twice as many paths at each node, twice the sends', () => {
    const one = simulate(ring4, 1, 1);
    const two = simulate(ring4, 1, 2);
    expect(two.sends).toBe(2 * one.sends);
    for (let node = 1; node <= 4; node += 1) {
      const pathsTwo = two.paths.get(node) ?? [];
      // The origin's own [1] is recorded once, not per relay.
      const expected =
        node === 1 ? 2 * ((one.paths.get(1)?.length ?? 0) - 1) + 1 : 2 * (one.paths.get(node)?.length ?? 0);
      expect(pathsTwo, `node ${node}`).toHaveLength(expected);
      // Every relays=1 path is still found with relays=2.
      const seen = new Set(pathsTwo.map((p) => p.join(',')));
      for (const path of one.paths.get(node) ?? []) expect(seen).toContain(path.join(','));
    }
  });

  it('4-ring, relays=2: each loop goes round once more', () => {
    const { paths } = simulate(ring4, 1, 2);
    expect(sortPaths(paths.get(1))).toEqual(
      sortPaths([
        [1],
        [1, 2, 3, 4, 1],
        [1, 4, 3, 2, 1],
        [1, 2, 3, 4, 1, 2, 3, 4, 1],
        [1, 4, 3, 2, 1, 4, 3, 2, 1],
      ]),
    );
    expect(sortPaths(paths.get(3))).toEqual(
      sortPaths([
        [1, 2, 3],
        [1, 4, 3],
        [1, 2, 3, 4, 1, 2, 3],
        [1, 4, 3, 2, 1, 4, 3],
      ]),
    );
  });

  it('a node that receives nothing from a neighbour never records a path via it', () => {
    // A line 1-2-3: node 3 has one neighbour, so one path; nothing ever comes back to 1.
    const line = makeGraph(3, [
      [1, 2],
      [2, 3],
    ]);
    const { paths, sends } = simulate(line, 1, 1);
    expect(paths.get(1)).toEqual([[1]]);
    expect(paths.get(2)).toEqual([[1, 2]]);
    expect(paths.get(3)).toEqual([[1, 2, 3]]);
    expect(sends).toBe(2);
  });
});
