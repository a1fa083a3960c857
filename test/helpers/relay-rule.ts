// One arrival at a node through the relay rule the daemon uses (relayArrival), as a decision to assert on.

import { type RelayCounts, relayArrival } from '../../src/node/relay-policy.js';

export interface Decision {
  accept: boolean;
  forwardTo: number[];
}

export function arrive(
  counts: RelayCounts,
  sender: number | undefined,
  peers: readonly number[],
  relays: number,
): Decision {
  const targets: number[] = [];
  const found = relayArrival(counts, sender, peers, relays, targets);
  return { accept: found >= 0, forwardTo: targets.slice(0, Math.max(found, 0)) };
}
