// Entry point for building a cluster's shape: validates the request, dispatches to one generator per
// kind, and checks the promise every topology makes (connected, nobody above --max-peers).

import { generateCircular } from './generate-circular.js';
import { generatePowerlaw } from './generate-powerlaw.js';
import { generateRandomRegular } from './generate-random.js';
import { generateTuran } from './generate-turan.js';
import { degrees, type Graph, isConnected } from './graph.js';
import { createPrng } from './prng.js';
import { TopologyError } from './topology-error.js';

export { TopologyError } from './topology-error.js';

/** Largest cluster we generate; beyond this one-process-per-node on one host is not useful. */
export const MAX_NODES = 1000;

export type TopologySpec =
  | { kind: 'random'; degree: number } // random d-regular, connected
  | { kind: 'circular' } // ring 1-2-...-n-1
  | { kind: 'powerlaw'; m: number; p: number } // Holme-Kim power-law cluster graph, degrees capped at maxPeers
  | { kind: 'turan'; partitions: number }; // complete multipartite graph, parts as equal as possible

export interface GenerateOptions {
  n: number;
  seed: number;
  maxPeers: number;
}

/** Same spec and options always give the same graph: all randomness comes from `seed`. */
export function generateTopology(spec: TopologySpec, options: GenerateOptions): Graph {
  const { n, seed, maxPeers } = options;
  if (!Number.isInteger(n)) throw new TopologyError(`-n must be a whole number of nodes, got ${n}`);
  if (n < 2) throw new TopologyError(`a network needs at least 2 nodes, got ${n}; use -n 2 or more`);
  if (n > MAX_NODES) {
    throw new TopologyError(
      `at most ${MAX_NODES} nodes are supported, got ${n}; use -n ${MAX_NODES} or fewer`,
    );
  }
  if (!Number.isInteger(maxPeers) || maxPeers < 1) {
    throw new TopologyError(`--max-peers must be a whole number of 1 or more, got ${maxPeers}`);
  }
  if (!Number.isSafeInteger(seed)) throw new TopologyError(`--seed must be a whole number, got ${seed}`);

  const rng = createPrng(seed);
  const g = build(spec, n, maxPeers, rng);

  // Generators are built to satisfy both; this is a backstop so a bug cannot start a broken cluster.
  if (!isConnected(g)) {
    throw new TopologyError(
      `${describeTopology(spec)} on ${n} nodes came out disconnected; try another --seed`,
    );
  }
  const most = Math.max(...degrees(g).values());
  if (most > maxPeers) {
    throw new TopologyError(
      `${describeTopology(spec)} gives a node ${most} peers, above --max-peers ${maxPeers}; pass --max-peers ${most} or more`,
    );
  }
  return g;
}

function build(spec: TopologySpec, n: number, maxPeers: number, rng: () => number): Graph {
  switch (spec.kind) {
    case 'random':
      return generateRandomRegular(n, spec.degree, maxPeers, rng);
    case 'circular':
      return generateCircular(n, maxPeers);
    case 'powerlaw':
      return generatePowerlaw(n, spec.m, spec.p, maxPeers, rng);
    case 'turan':
      return generateTuran(n, spec.partitions, maxPeers);
    default:
      return unknownKind(spec);
  }
}

// Typed `never` so adding a kind without a case is a compile error; the throw covers untyped callers.
function unknownKind(spec: never): never {
  const kind = (spec as { kind?: unknown }).kind;
  throw new TopologyError(`unknown topology ${String(kind)}; use random, circular, powerlaw or turan`);
}

/** Human name used in CLI output and errors, e.g. "random 3-regular" or "turan 4". */
export function describeTopology(spec: TopologySpec): string {
  switch (spec.kind) {
    case 'random':
      return `random ${spec.degree}-regular`;
    case 'circular':
      return 'circular';
    case 'powerlaw':
      return `powerlaw (Holme-Kim m=${spec.m}, p=${spec.p})`;
    case 'turan':
      return `turan ${spec.partitions}`;
    default:
      return unknownKind(spec);
  }
}
