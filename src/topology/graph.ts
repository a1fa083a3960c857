// An undirected simple graph as a normalised edge list, plus the analyses the CLI reports
// (degrees, connectivity, distances, diameter). Nodes are numbered 1..n like gossip node ids.

import { TopologyError } from './topology-error.js';

/** Nodes 1..n; each edge is [a, b] with a < b, edges sorted, no duplicates and no self-loops. */
export interface Graph {
  readonly n: number;
  readonly edges: ReadonlyArray<readonly [number, number]>;
}

/**
 * Builds a Graph from edges in any order and orientation. Throws TopologyError on a node outside 1..n,
 * a self-loop or a repeated edge: generators should never produce those, so hiding them would hide bugs.
 */
export function makeGraph(n: number, edges: Iterable<readonly [number, number]>): Graph {
  if (!Number.isInteger(n) || n < 1) {
    throw new TopologyError(`a graph needs a whole number of nodes, got ${n}`);
  }
  const normalised: Array<readonly [number, number]> = [];
  for (const [x, y] of edges) {
    for (const id of [x, y]) {
      if (!Number.isInteger(id) || id < 1 || id > n) {
        throw new TopologyError(`edge ${x}-${y} names node ${id}, outside 1..${n}`);
      }
    }
    if (x === y) throw new TopologyError(`edge ${x}-${y} is a self-loop`);
    normalised.push(x < y ? [x, y] : [y, x]);
  }
  normalised.sort((e, f) => e[0] - f[0] || e[1] - f[1]);
  for (let i = 1; i < normalised.length; i++) {
    const prev = normalised[i - 1] as readonly [number, number];
    const cur = normalised[i] as readonly [number, number];
    if (prev[0] === cur[0] && prev[1] === cur[1]) {
      throw new TopologyError(`edge ${cur[0]}-${cur[1]} appears twice`);
    }
  }
  return { n, edges: normalised };
}

/** Sorted neighbour lists; every node 1..n has an entry, isolated nodes an empty one. */
export function adjacency(g: Graph): Map<number, number[]> {
  const adj = new Map<number, number[]>();
  for (let id = 1; id <= g.n; id++) adj.set(id, []);
  for (const [a, b] of g.edges) {
    adj.get(a)?.push(b);
    adj.get(b)?.push(a);
  }
  for (const list of adj.values()) list.sort((x, y) => x - y);
  return adj;
}

/** Number of peers of every node 1..n. */
export function degrees(g: Graph): Map<number, number> {
  const deg = new Map<number, number>();
  for (let id = 1; id <= g.n; id++) deg.set(id, 0);
  for (const [a, b] of g.edges) {
    deg.set(a, (deg.get(a) ?? 0) + 1);
    deg.set(b, (deg.get(b) ?? 0) + 1);
  }
  return deg;
}

/** Hop counts from `from` to every node it can reach (itself at 0); unreachable nodes are absent. */
export function bfsDistances(g: Graph, from: number): Map<number, number> {
  return bfs(adjacency(g), from);
}

/** True when every node can reach every other (a single node counts as connected). */
export function isConnected(g: Graph): boolean {
  return bfs(adjacency(g), 1).size === g.n;
}

/** Longest shortest path in hops: 0 for one node, Infinity when some pair cannot reach each other. */
export function diameter(g: Graph): number {
  const adj = adjacency(g);
  let longest = 0;
  for (let id = 1; id <= g.n; id++) {
    const dist = bfs(adj, id);
    if (dist.size < g.n) return Number.POSITIVE_INFINITY;
    for (const d of dist.values()) longest = Math.max(longest, d);
  }
  return longest;
}

// Shared by diameter so the adjacency is built once rather than n times.
function bfs(adj: ReadonlyMap<number, readonly number[]>, from: number): Map<number, number> {
  if (!adj.has(from)) throw new RangeError(`node ${from} is not in the graph`);
  const dist = new Map<number, number>([[from, 0]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as number;
    const next = (dist.get(node) ?? 0) + 1;
    for (const peer of adj.get(node) ?? []) {
      if (!dist.has(peer)) {
        dist.set(peer, next);
        queue.push(peer);
      }
    }
  }
  return dist;
}
