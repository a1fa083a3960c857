// The ring 1-2-...-n-1: the slowest shape for gossip (diameter n/2), useful as a worst case.

import { type Graph, makeGraph } from './graph.js';
import { TopologyError } from './topology-error.js';

export function generateCircular(n: number, maxPeers: number): Graph {
  // Two nodes form a single link, so only rings of 3 or more need two peers per node.
  if (n === 2) return makeGraph(2, [[1, 2]]);
  if (maxPeers < 2) {
    throw new TopologyError(
      `circular gives every node 2 peers, above --max-peers ${maxPeers}; pass --max-peers 2 or more`,
    );
  }
  return makeGraph(
    n,
    Array.from({ length: n }, (_, i) => [i + 1, ((i + 1) % n) + 1] as const),
  );
}
