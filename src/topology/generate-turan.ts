// Turan graphs: nodes split into parts as equal as possible, every node linked to every node outside
// its own part. Dense and with diameter 2, the fast extreme opposite the ring.

import { type Graph, makeGraph } from './graph.js';
import { TopologyError } from './topology-error.js';

/** Part sizes for n nodes in k parts, smaller parts first (as networkx.turan_graph does). */
export function turanPartSizes(n: number, partitions: number): number[] {
  const small = Math.floor(n / partitions);
  const larger = n % partitions;
  return Array.from({ length: partitions }, (_, i) => (i < partitions - larger ? small : small + 1));
}

export function generateTuran(n: number, partitions: number, maxPeers: number): Graph {
  if (!Number.isInteger(partitions) || partitions < 2 || partitions > n) {
    throw new TopologyError(
      `turan needs between 2 and ${n} partitions for ${n} nodes, got ${partitions}; use turan 2 to turan ${n}`,
    );
  }
  const sizes = turanPartSizes(n, partitions);
  // A node in a part of size s is linked to the n - s nodes outside it; the smallest part sets the max.
  const needed = n - Math.min(...sizes);
  if (needed > maxPeers) {
    throw new TopologyError(
      `turan ${partitions} gives nodes ${needed} peers, above --max-peers ${maxPeers}; pass --max-peers ${needed} or more`,
    );
  }
  const part: number[] = [];
  sizes.forEach((size, index) => {
    for (let k = 0; k < size; k++) part.push(index);
  });
  const edges: Array<[number, number]> = [];
  for (let a = 1; a <= n; a++) {
    for (let b = a + 1; b <= n; b++) if (part[a - 1] !== part[b - 1]) edges.push([a, b]);
  }
  return makeGraph(n, edges);
}
