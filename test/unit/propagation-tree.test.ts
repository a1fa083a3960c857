import { describe, expect, it } from 'vitest';
import { type Arrival, buildPropagationTree } from '../../src/propagation/tree.js';

/** A square 1-2-3-4-1, relays=1, submitted at node 1 at t=1000 ms: every arrival the nodes record. */
const square: Arrival[] = [
  { node: 1, path: [1], atMs: 1000, via: 'origin' },
  { node: 2, path: [1, 2], atMs: 1001, via: 'relay' },
  { node: 4, path: [1, 4], atMs: 1001.5, via: 'relay' },
  { node: 3, path: [1, 2, 3], atMs: 1002.2, via: 'relay' },
  { node: 3, path: [1, 4, 3], atMs: 1002.4, via: 'relay' },
  { node: 4, path: [1, 2, 3, 4], atMs: 1003, via: 'relay' },
  { node: 2, path: [1, 4, 3, 2], atMs: 1003.1, via: 'relay' },
  { node: 1, path: [1, 2, 3, 4, 1], atMs: 1004, via: 'relay' },
  { node: 1, path: [1, 4, 3, 2, 1], atMs: 1004.1, via: 'relay' },
];
const fallback = { origin: 1, submittedAtMs: 999 };

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe('buildPropagationTree', () => {
  it('hangs every node under the node that delivered its first copy, with ms after submission', () => {
    const tree = buildPropagationTree(square, fallback);
    expect(tree.origin).toBe(1);
    expect(tree.submittedAtMs).toBe(1000);
    const byId = new Map(tree.nodes.map((node) => [node.node, node]));
    expect(tree.nodes.map((node) => node.node)).toEqual([1, 2, 4, 3]);
    expect(byId.get(1)).toMatchObject({ parent: undefined, afterMs: 0, hop: 0, children: [2, 4] });
    expect(byId.get(2)).toMatchObject({ parent: 1, afterMs: 1, hop: 1, hopMs: 1, children: [3] });
    expect(byId.get(4)).toMatchObject({ parent: 1, afterMs: 1.5, hop: 1, children: [] });
    const three = byId.get(3);
    expect(three).toMatchObject({ parent: 2, hop: 2, path: [1, 2, 3], via: 'relay' });
    expect(three?.afterMs).toBeCloseTo(2.2, 6);
    expect(three?.hopMs).toBeCloseTo(1.2, 6);
  });

  it('marks later copies as redundant arrivals, with the sender and time of each', () => {
    const tree = buildPropagationTree(square, fallback);
    expect(tree).toMatchObject({ reached: 4, arrivals: 9, redundant: 5 });
    const byId = new Map(tree.nodes.map((node) => [node.node, node]));
    expect(byId.get(3)?.redundant.map((copy) => copy.from)).toEqual([4]);
    expect(byId.get(3)?.redundant[0]?.afterMs).toBeCloseTo(2.4, 6);
    expect(byId.get(1)?.redundant.map((copy) => [copy.from, copy.hop])).toEqual([
      [4, 4],
      [2, 4],
    ]);
  });

  it('reports the last-delivery hop: the last node to get its first copy', () => {
    const tree = buildPropagationTree(square, fallback);
    expect(tree.last?.node).toBe(3);
    expect(tree.last?.hop).toBe(2);
    expect(tree.last?.afterMs).toBeCloseTo(2.2, 6);
  });

  it('does not depend on the order the arrivals come in, ties included', () => {
    const tied: Arrival[] = [
      ...square,
      { node: 5, path: [1, 4, 5], atMs: 1002.4, via: 'relay' },
      { node: 6, path: [1, 2, 6], atMs: 1002.4, via: 'relay' },
    ];
    const expected = JSON.stringify(buildPropagationTree(tied, fallback));
    for (const seed of [1, 2, 3, 4, 5]) {
      expect(JSON.stringify(buildPropagationTree(shuffled(tied, seed), fallback))).toBe(expected);
    }
    const order = buildPropagationTree(tied, fallback).nodes.map((node) => node.node);
    expect(order).toEqual([1, 2, 4, 3, 6, 5]);
  });

  it('places a node that reported nothing (removed, down) where the paths through it say', () => {
    const withoutTwo = square.filter((arrival) => arrival.node !== 2);
    const tree = buildPropagationTree(withoutTwo, fallback);
    const byId = new Map(tree.nodes.map((node) => [node.node, node]));
    expect(tree.reached).toBe(3);
    expect(tree.nodes.map((node) => node.node)).toEqual([1, 4, 3, 2]);
    expect(byId.get(2)).toMatchObject({ parent: 1, afterMs: undefined, hopMs: undefined, children: [3] });
    expect(byId.get(1)?.children).toEqual([4, 2]);
    expect(byId.get(3)?.hopMs).toBeUndefined();
  });

  it('falls back to the given submission time when the origin is gone', () => {
    const tree = buildPropagationTree(
      square.filter((arrival) => arrival.node !== 1),
      fallback,
    );
    expect(tree.origin).toBe(1);
    expect(tree.submittedAtMs).toBe(999);
    expect(tree.nodes.find((node) => node.node === 2)?.afterMs).toBe(2);
    expect(tree.nodes.find((node) => node.node === 1)).toMatchObject({
      afterMs: undefined,
      children: [2, 4],
    });
  });

  it('marks catch-up arrivals and hangs them under the peer they were pulled from', () => {
    const tree = buildPropagationTree(
      [...square, { node: 9, path: [1, 4, 9], atMs: 1500, via: 'catch-up' }],
      fallback,
    );
    expect(tree.nodes.at(-1)).toMatchObject({ node: 9, parent: 4, via: 'catch-up', afterMs: 500 });
    expect(tree.last).toMatchObject({ node: 9, hop: 2 });
  });

  it('is empty, not broken, with no arrivals', () => {
    const tree = buildPropagationTree([], fallback);
    expect(tree).toMatchObject({ origin: 1, submittedAtMs: 999, nodes: [], reached: 0, last: undefined });
  });
});
