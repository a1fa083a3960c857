// Holme-Kim "power-law cluster" graphs: preferential attachment grows hubs, triad formation adds the
// triangles real overlay networks have. Degrees are capped at --max-peers, see generatePowerlaw.

import { type Graph, makeGraph } from './graph.js';
import { pick, type Rng } from './prng.js';
import { TopologyError } from './topology-error.js';

/**
 * Holme-Kim with a degree cap, so the cluster never asks a node for more peers than --max-peers:
 * - links = min(m, maxPeers - 1, n - 1); the graph starts as a complete graph on nodes 1..links+1;
 * - each later node v attaches `links` edges. The first pick, and every pick not taken by triad
 *   formation, is preferential: probability proportional to degree among older nodes that still have a
 *   free slot (degree < maxPeers). After a preferential pick to t, each further pick is, with probability
 *   p, a neighbour of t with a free slot (closing a triangle), falling back to a preferential pick.
 * - When fewer than `links` nodes have a free slot, v takes what is available. Node v-1 always has
 *   one (it has at most links < maxPeers peers), so every node attaches and the graph stays connected.
 * With a large cap this is plain Holme-Kim (hubs appear); with a small cap hub growth is cut off at maxPeers.
 */
export function generatePowerlaw(n: number, m: number, p: number, maxPeers: number, rng: Rng): Graph {
  if (!Number.isInteger(m) || m < 1) {
    throw new TopologyError(`powerlaw m (edges per new node) must be a whole number of 1 or more, got ${m}`);
  }
  if (!(p >= 0 && p <= 1)) {
    throw new TopologyError(`powerlaw p (chance of closing a triangle) must be between 0 and 1, got ${p}`);
  }
  if (n > 2 && maxPeers < 2) {
    throw new TopologyError(
      `powerlaw on ${n} nodes needs some nodes with 2 peers, above --max-peers ${maxPeers}; pass --max-peers 2 or more`,
    );
  }
  const links = Math.max(1, Math.min(m, maxPeers - 1, n - 1));
  const peers: Array<Set<number>> = Array.from({ length: n + 1 }, () => new Set<number>());
  const edges: Array<[number, number]> = [];
  const connect = (a: number, b: number): void => {
    peers[a]?.add(b);
    peers[b]?.add(a);
    edges.push([a, b]);
  };
  const hasSlot = (u: number, v: number): boolean =>
    u !== v && !peers[v]?.has(u) && degree(peers, u) < maxPeers;

  for (let a = 1; a <= links + 1; a++) for (let b = a + 1; b <= links + 1; b++) connect(a, b);
  for (let v = links + 2; v <= n; v++) {
    let hub: number | undefined;
    while (degree(peers, v) < links) {
      let target: number | undefined;
      if (hub !== undefined && rng() < p) {
        const triads = [...(peers[hub] ?? [])].filter((u) => hasSlot(u, v));
        if (triads.length > 0) target = pick(rng, triads);
      }
      if (target === undefined) {
        target = preferential(v, (u) => hasSlot(u, v), peers, rng);
        if (target === undefined) break;
        hub = target;
      }
      connect(v, target);
    }
  }
  return makeGraph(n, edges);
}

function degree(peers: ReadonlyArray<ReadonlySet<number>>, u: number): number {
  return peers[u]?.size ?? 0;
}

// Linear scan, O(n) per pick: simpler than a repeated-nodes list that would keep returning full nodes,
// and n is capped at 1000.
function preferential(
  v: number,
  eligible: (u: number) => boolean,
  peers: ReadonlyArray<ReadonlySet<number>>,
  rng: Rng,
): number | undefined {
  let total = 0;
  for (let u = 1; u < v; u++) if (eligible(u)) total += degree(peers, u);
  if (total === 0) return undefined;
  let r = rng() * total;
  let last: number | undefined;
  for (let u = 1; u < v; u++) {
    if (!eligible(u)) continue;
    last = u;
    r -= degree(peers, u);
    if (r < 0) return u;
  }
  return last; // only reached through floating-point rounding at the very end of the range
}
