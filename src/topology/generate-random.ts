// Random connected d-regular graphs: every node gets exactly `degree` peers, chosen uniformly enough
// that no structure (rings, hubs) helps or hurts gossip.

import { type Graph, isConnected, makeGraph } from './graph.js';
import { type Rng, shuffle } from './prng.js';
import { TopologyError } from './topology-error.js';

/** Fresh pairings tried before giving up; for d >= 3 a try is connected and simple almost always. */
const MAX_ATTEMPTS = 200;

export function generateRandomRegular(n: number, degree: number, maxPeers: number, rng: Rng): Graph {
  if (!Number.isInteger(degree) || degree < 1) {
    throw new TopologyError(
      `random needs a whole number of peers of 1 or more, got ${degree}; e.g. random 3`,
    );
  }
  if (degree >= n) {
    throw new TopologyError(
      `a random ${degree}-regular graph needs more than ${degree} nodes; use -n ${degree + 1} or more`,
    );
  }
  if ((n * degree) % 2 !== 0) {
    throw new TopologyError(
      `n x degree must be even: ${n} nodes x ${degree} peers = ${n * degree} is odd; use an even -n or another degree`,
    );
  }
  if (degree > maxPeers) {
    throw new TopologyError(
      `random ${degree} gives every node ${degree} peers, above --max-peers ${maxPeers}; lower the degree or raise --max-peers`,
    );
  }
  if (degree === 1 && n > 2) {
    throw new TopologyError(`random 1 splits ${n} nodes into isolated pairs; use random 2 or more`);
  }
  if (degree === 1) return makeGraph(n, [[1, 2]]);
  // The only connected 2-regular graph is a Hamiltonian cycle, so walk a random permutation instead of
  // hoping a pairing lands on one cycle (it rarely does for large n).
  if (degree === 2) {
    const order = shuffle(rng, ids(n));
    return makeGraph(
      n,
      order.map((id, i) => [id, order[(i + 1) % n] as number] as const),
    );
  }
  // Dense requests (degree >= n/2) are built as the complement of a sparse regular graph, where pairing
  // rarely collides; minimum degree >= n/2 also guarantees the result is connected.
  const dense = 2 * degree > n - 1;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const edges = pairStubs(n, dense ? n - 1 - degree : degree, rng);
    if (edges === undefined) continue;
    const g = makeGraph(n, dense ? complement(n, edges) : edges);
    if (isConnected(g)) return g;
  }
  throw new TopologyError(
    `could not build a connected random ${degree}-regular graph on ${n} nodes in ${MAX_ATTEMPTS} tries; try another --seed or degree`,
  );
}

// One run of the pairing model with local repair (as in networkx / Kim-Vu): pair shuffled stubs, set
// aside pairs that would make a loop or a double edge, and re-pair only those. Gives up (undefined)
// when the leftover stubs have no legal pair, so the caller starts over.
function pairStubs(n: number, degree: number, rng: Rng): Array<[number, number]> | undefined {
  const key = (a: number, b: number): number => (a < b ? a * (n + 1) + b : b * (n + 1) + a);
  const edges = new Map<number, [number, number]>();
  let stubs: number[] = [];
  for (let id = 1; id <= n; id++) for (let k = 0; k < degree; k++) stubs.push(id);
  for (let round = 0; stubs.length > 0; round++) {
    if (round > 10 * n) return undefined;
    shuffle(rng, stubs);
    const leftover: number[] = [];
    for (let i = 0; i + 1 < stubs.length; i += 2) {
      const a = stubs[i] as number;
      const b = stubs[i + 1] as number;
      if (a !== b && !edges.has(key(a, b))) edges.set(key(a, b), a < b ? [a, b] : [b, a]);
      else leftover.push(a, b);
    }
    const nodes = [...new Set(leftover)];
    const repairable = nodes.some((a, i) => nodes.slice(i + 1).some((b) => !edges.has(key(a, b))));
    if (leftover.length > 0 && !repairable) return undefined;
    stubs = leftover;
  }
  return [...edges.values()];
}

function complement(n: number, edges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const present = new Set(edges.map(([a, b]) => a * (n + 1) + b));
  const result: Array<[number, number]> = [];
  for (let a = 1; a <= n; a++) {
    for (let b = a + 1; b <= n; b++) if (!present.has(a * (n + 1) + b)) result.push([a, b]);
  }
  return result;
}

function ids(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
