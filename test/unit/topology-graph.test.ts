import { describe, expect, it } from 'vitest';
import {
  adjacency,
  bfsDistances,
  degrees,
  diameter,
  isConnected,
  makeGraph,
} from '../../src/topology/graph.js';
import { TopologyError } from '../../src/topology/topology-error.js';

const path = makeGraph(4, [
  [1, 2],
  [2, 3],
  [3, 4],
]);
const star = makeGraph(5, [
  [1, 2],
  [1, 3],
  [1, 4],
  [1, 5],
]);
const ring = makeGraph(6, [
  [1, 2],
  [2, 3],
  [3, 4],
  [4, 5],
  [5, 6],
  [6, 1],
]);
// Two separate links and one isolated node.
const split = makeGraph(5, [
  [1, 2],
  [3, 4],
]);

describe('makeGraph', () => {
  it('orients each edge low-high and sorts the list', () => {
    const g = makeGraph(4, [
      [4, 3],
      [2, 1],
      [3, 1],
    ]);
    expect(g.edges).toEqual([
      [1, 2],
      [1, 3],
      [3, 4],
    ]);
  });

  it.each([
    ['a self-loop', [[2, 2]], /self-loop/],
    [
      'a repeated edge',
      [
        [1, 2],
        [2, 1],
      ],
      /twice/,
    ],
    ['a node outside 1..n', [[1, 5]], /outside 1\.\.4/],
    ['node 0', [[0, 1]], /outside 1\.\.4/],
  ] as const)('rejects %s', (_name, edges, message) => {
    expect(() => makeGraph(4, edges)).toThrow(TopologyError);
    expect(() => makeGraph(4, edges)).toThrow(message);
  });

  it('rejects a node count that is not a positive whole number', () => {
    expect(() => makeGraph(0, [])).toThrow(TopologyError);
    expect(() => makeGraph(2.5, [])).toThrow(TopologyError);
  });
});

describe('graph analysis', () => {
  it('path: degrees, neighbours, distances, diameter', () => {
    expect([...degrees(path)]).toEqual([
      [1, 1],
      [2, 2],
      [3, 2],
      [4, 1],
    ]);
    expect(adjacency(path).get(2)).toEqual([1, 3]);
    expect(Object.fromEntries(bfsDistances(path, 1))).toEqual({ 1: 0, 2: 1, 3: 2, 4: 3 });
    expect(isConnected(path)).toBe(true);
    expect(diameter(path)).toBe(3);
  });

  it('star: the hub touches everyone, leaves are two hops apart', () => {
    expect(degrees(star).get(1)).toBe(4);
    expect(adjacency(star).get(1)).toEqual([2, 3, 4, 5]);
    expect(adjacency(star).get(4)).toEqual([1]);
    expect(Object.fromEntries(bfsDistances(star, 3))).toEqual({ 1: 1, 2: 2, 3: 0, 4: 2, 5: 2 });
    expect(diameter(star)).toBe(2);
  });

  it('ring: sorted neighbour lists wrap around, diameter is n/2', () => {
    expect(adjacency(ring).get(1)).toEqual([2, 6]);
    expect(adjacency(ring).get(6)).toEqual([1, 5]);
    expect(bfsDistances(ring, 1).get(4)).toBe(3);
    expect(diameter(ring)).toBe(3);
  });

  it('disconnected: isolated nodes are listed, unreachable ones absent, diameter Infinity', () => {
    expect(adjacency(split).get(5)).toEqual([]);
    expect(degrees(split).get(5)).toBe(0);
    expect(Object.fromEntries(bfsDistances(split, 1))).toEqual({ 1: 0, 2: 1 });
    expect(bfsDistances(split, 5).size).toBe(1);
    expect(isConnected(split)).toBe(false);
    expect(diameter(split)).toBe(Number.POSITIVE_INFINITY);
  });

  it('single node: connected with diameter 0', () => {
    const one = makeGraph(1, []);
    expect(isConnected(one)).toBe(true);
    expect(diameter(one)).toBe(0);
    expect([...adjacency(one)]).toEqual([[1, []]]);
  });

  it('refuses distances from a node that does not exist', () => {
    expect(() => bfsDistances(path, 9)).toThrow(RangeError);
  });
});
