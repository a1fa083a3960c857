// The faults the nemesis has in force, and what one node must be told to apply them: its partition cut
// and its link faults. Sent to every node when a fault comes or goes, and again to a node that was down
// meanwhile (stopped, killed, added), which missed it. Pure.

import { cutSets } from '../network/partition-plan.js';

export interface FaultsInForce {
  /** The partition's groups; every live node is in one. */
  groups?: number[][] | undefined;
  /** One loss or delay fault: on every link, or on every link of `nodes` (both directions). */
  link?: { spec: string; everyLink: boolean; nodes: number[] } | undefined;
}

export interface NodeFaultRequests {
  /** The nodes it is cut off from (none: no partition). */
  cut: number[];
  /** `/FAULT` requests in this order; the first, on `*`, also clears what the node had of its own. */
  faults: Array<{ target: number | '*'; spec: string }>;
}

/** `base`: the fault every link of the network had before the run (start-network --loss ...), or `clear`. */
export function requestsFor(node: number, inForce: FaultsInForce, base: string): NodeFaultRequests {
  const cut = inForce.groups === undefined ? [] : (cutSets(inForce.groups).get(node) ?? []);
  const { link } = inForce;
  if (link === undefined) return { cut, faults: [{ target: '*', spec: base }] };
  if (link.everyLink || link.nodes.includes(node)) return { cut, faults: [{ target: '*', spec: link.spec }] };
  return {
    cut,
    faults: [{ target: '*', spec: base }, ...link.nodes.map((target) => ({ target, spec: link.spec }))],
  };
}
