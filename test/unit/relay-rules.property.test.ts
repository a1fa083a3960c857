// Property-based tests (fast-check) of the relay rule and the path filters: invariants that must hold for
// every sequence of arrivals, every graph and every order in which relay lines happen to be delivered.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectPaths } from '../../src/node/path-select.js';
import { RelayCounts } from '../../src/node/relay-policy.js';
import { PATH_SELECTIONS } from '../../src/protocol/request-types.js';
import { generateTopology } from '../../src/topology/generators.js';
import { adjacency } from '../../src/topology/graph.js';
import { arrive } from '../helpers/relay-rule.js';

const relaysArb = fc.integer({ min: 1, max: 16 });
const peersArb = fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 0, maxLength: 8 });

describe('relayArrival: invariants over any sequence of arrivals', () => {
  it('never forwards to the sender, never exceeds `relays` per peer either way, and forwards to every eligible peer', () => {
    fc.assert(
      fc.property(
        peersArb,
        relaysArb,
        fc.array(fc.option(fc.nat(), { nil: undefined }), { maxLength: 60 }),
        (peers, relays, picks) => {
          const counts = new RelayCounts();
          for (const pick of picks) {
            // Senders are peers, strangers (forged senders), or nobody (a client submission).
            const sender = pick === undefined ? undefined : (peers[pick % (peers.length + 1)] ?? 1000 + pick);
            const arrivalsBefore = sender === undefined ? 0 : counts.arrivalsFrom(sender);
            const sentBefore = new Map(counts.entries().map(([peer, , sent]) => [peer, sent]));
            const decision = arrive(counts, sender, peers, relays);

            expect(decision.accept).toBe(sender === undefined || arrivalsBefore < relays);
            if (!decision.accept) expect(decision.forwardTo).toEqual([]);
            expect(decision.forwardTo).not.toContain(sender);
            expect(new Set(decision.forwardTo).size).toBe(decision.forwardTo.length);
            for (const peer of decision.forwardTo) expect(peers).toContain(peer);
            if (decision.accept) {
              const eligible = peers.filter(
                (peer) => peer !== sender && (sentBefore.get(peer) ?? 0) < relays,
              );
              expect(decision.forwardTo).toEqual(eligible);
            }
          }
          for (const [, arrivals, sent] of counts.entries()) {
            expect(sent).toBeLessThanOrEqual(relays);
            expect(arrivals).toBeLessThanOrEqual(relays);
          }
        },
      ),
    );
  });
});

/** A connected random graph on 2..10 nodes: a random spanning tree plus random extra edges. */
const graphArb = fc
  .integer({ min: 2, max: 10 })
  .chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.array(fc.nat(), { minLength: n - 1, maxLength: n - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 2 * n }),
    ),
  )
  .map(([n, parents, extra]) => {
    const adjacent = new Map<number, Set<number>>();
    for (let id = 1; id <= n; id += 1) adjacent.set(id, new Set());
    const link = (a: number, b: number) => {
      if (a === b) return;
      adjacent.get(a)?.add(b);
      adjacent.get(b)?.add(a);
    };
    for (const [index, parent] of parents.entries()) link(index + 2, (parent % (index + 1)) + 1);
    for (const [a, b] of extra) link((a % n) + 1, (b % n) + 1);
    return adjacent;
  });

interface Simulation {
  /** Recorded arrival paths per node (path ends with the node). */
  paths: Map<number, number[][]>;
  lines: number;
}

/** Runs one message through the graph with the daemon's rule; `order` picks which line in flight lands next. */
function simulate(
  adjacent: ReadonlyMap<number, ReadonlySet<number>>,
  origin: number,
  relays: number,
  order: readonly number[],
): Simulation {
  const counts = new Map<number, RelayCounts>();
  const paths = new Map<number, number[][]>();
  const inFlight: Array<{ to: number; path: number[] }> = [];
  let lines = 0;
  const deliver = (node: number, path: number[], sender: number | undefined) => {
    const mine = counts.get(node) ?? new RelayCounts();
    counts.set(node, mine);
    const peers = [...(adjacent.get(node) ?? [])];
    const decision = arrive(mine, sender, peers, relays);
    if (!decision.accept) return;
    paths.set(node, [...(paths.get(node) ?? []), path]);
    for (const peer of decision.forwardTo) inFlight.push({ to: peer, path });
    lines += decision.forwardTo.length;
  };
  deliver(origin, [origin], undefined);
  for (let step = 0; inFlight.length > 0; step += 1) {
    const [line] = inFlight.splice((order[step % Math.max(order.length, 1)] ?? 0) % inFlight.length, 1);
    if (line === undefined) break;
    deliver(line.to, [...line.path, line.to], line.path[line.path.length - 1]);
  }
  return { paths, lines };
}

describe('the relay rule on whole graphs, in any delivery order', () => {
  it('relays=1: every line is accepted, one per neighbour that sent; a node sends to all but at most its first sender', () => {
    fc.assert(
      fc.property(graphArb, fc.nat(), fc.array(fc.nat(), { maxLength: 50 }), (adjacent, pick, order) => {
        const origin = (pick % adjacent.size) + 1;
        const { paths, lines } = simulate(adjacent, origin, 1, order);
        let arrivals = 0;
        for (const [node, peers] of adjacent) {
          const mine = paths.get(node) ?? [];
          const relayed = mine.filter((path) => path.length > 1);
          const senders = relayed.map((path) => path[path.length - 2]);
          expect(new Set(senders).size).toBe(senders.length);
          expect(relayed.length).toBeLessThanOrEqual(peers.size);
          arrivals += relayed.length;
        }
        expect(lines).toBe(arrivals);
      }),
    );
  });

  it('relays=1 on a random 3-regular graph: every node records 3 paths (the origin 4), 2 x edges lines', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }).map((half) => half * 2),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 50 }),
        (n, seed, pick, order) => {
          const graph = generateTopology({ kind: 'random', degree: 3 }, { n, seed, maxPeers: 3 });
          const adjacent = new Map([...adjacency(graph)].map(([id, peers]) => [id, new Set(peers)]));
          const origin = (pick % n) + 1;
          const { paths, lines } = simulate(adjacent, origin, 1, order);
          for (const node of adjacent.keys()) expect(paths.get(node)?.length).toBe(node === origin ? 4 : 3);
          expect(lines).toBe(2 * graph.edges.length);
        },
      ),
    );
  });

  it('any relay limit: everyone is reached, lines stay within relays x 2 x edges, every path is a walk ending here', () => {
    fc.assert(
      fc.property(
        graphArb,
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 50 }),
        (adjacent, relays, pick, order) => {
          const origin = (pick % adjacent.size) + 1;
          const { paths, lines } = simulate(adjacent, origin, relays, order);
          let directed = 0;
          for (const [node, peers] of adjacent) {
            directed += peers.size;
            const mine = paths.get(node) ?? [];
            expect(mine.length).toBeGreaterThan(0);
            expect(mine.length).toBeLessThanOrEqual(relays * peers.size + (node === origin ? 1 : 0));
            for (const path of mine) {
              expect(path[0]).toBe(origin);
              expect(path[path.length - 1]).toBe(node);
              for (let hop = 1; hop < path.length; hop += 1)
                expect(adjacent.get(path[hop - 1] ?? 0)?.has(path[hop] ?? 0)).toBe(true);
            }
          }
          expect(lines).toBeLessThanOrEqual(relays * directed);
        },
      ),
    );
  });
});

describe('selectPaths: the listing filters', () => {
  const recordsArb = fc.array(
    fc.record({
      path: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
      tag: fc.nat(),
    }),
    { maxLength: 30 },
  );

  it('all is the records as they are; every filter picks a subset, in arrival order within a length', () => {
    fc.assert(
      fc.property(recordsArb, fc.constantFrom(...PATH_SELECTIONS), (records, selection) => {
        const picked = selectPaths(records, selection);
        if (selection === 'all') {
          expect(picked).toEqual(records);
          return;
        }
        for (const record of picked) expect(records).toContain(record);
        expect(new Set(picked).size).toBe(picked.length);
        for (let i = 1; i < picked.length; i += 1) {
          const [a, b] = [picked[i - 1], picked[i]];
          if (a === undefined || b === undefined) continue;
          expect(a.path.length).toBeLessThanOrEqual(b.path.length);
          if (a.path.length === b.path.length) expect(records.indexOf(a)).toBeLessThan(records.indexOf(b));
        }
      }),
    );
  });

  it('shortest and longest pick exactly the records of the extreme lengths; both is their union', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        const lengths = records.map((record) => record.path.length);
        const min = Math.min(...lengths);
        const max = Math.max(...lengths);
        const shortest = selectPaths(records, 'shortest');
        const longest = selectPaths(records, 'longest');
        expect(shortest).toEqual(records.filter((record) => record.path.length === min));
        expect(longest).toEqual(records.filter((record) => record.path.length === max));
        const both = selectPaths(records, 'shortest & longest');
        expect(both).toEqual(min === max ? shortest : [...shortest, ...longest]);
      }),
    );
  });
});
