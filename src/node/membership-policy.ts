// Pure membership decisions: whether to accept a peer that says HELLO, where a repair walk goes next,
// and how long to wait before trying a lost peer again. No sockets, no clocks.

export interface PeerSlot {
  readonly id: number;
  /** An original peer: preferred, and given back its slot when it returns after a failure. */
  readonly home: boolean;
}

export type HelloDecision =
  | { kind: 'already' }
  | { kind: 'accept' }
  | { kind: 'accept-evicting'; evict: number }
  | { kind: 'refuse'; reason: string };

export interface HelloInput {
  from: number;
  /** The sender is one of this node's original peers. */
  fromHome: boolean;
  /** The sender has no peer at all: when full, it may take a temporary peer's slot (never a home peer's). */
  force: boolean;
  peers: readonly PeerSlot[];
  maxPeers: number;
  random: () => number;
}

export function decideHello(input: HelloInput): HelloDecision {
  const { from, peers, maxPeers } = input;
  if (peers.some((peer) => peer.id === from)) return { kind: 'already' };
  // Even when our own probe is asking `from` in — the two meet — the cap holds: room, or a temporary to give up.
  if (peers.length < maxPeers) return { kind: 'accept' };
  // Full. A returning original peer, or a node that has no peer at all, takes the slot of a temporary one;
  // a home peer's slot is never given away (else a stranger's HELLO could cut the overlay's own links).
  const temporary = peers.filter((peer) => !peer.home);
  if ((input.fromHome || input.force) && temporary.length > 0) {
    const victim = temporary[Math.floor(input.random() * temporary.length)];
    if (victim !== undefined) return { kind: 'accept-evicting', evict: victim.id };
  }
  return { kind: 'refuse', reason: `full (${peers.length}/${maxPeers} peers)` };
}

export type WalkDecision = { kind: 'join' } | { kind: 'forward'; to: number; ttl: number } | { kind: 'drop' };

export interface WalkInput {
  /** This node is the origin, already its peer, or already asking it. */
  linked: boolean;
  origin: number;
  ttl: number;
  /** The peer the walk came from (not sent back there when there is a choice). */
  from: number | undefined;
  peers: readonly number[];
  /** Peers plus outstanding probes: the slots this node has promised. */
  committed: number;
  maxPeers: number;
  random: () => number;
}

/** A walk looks for a node with a free slot that is not yet linked to its origin. */
export function decideWalk(input: WalkInput): WalkDecision {
  const { origin, peers, maxPeers } = input;
  if (!input.linked && input.committed < maxPeers) return { kind: 'join' };
  if (input.ttl <= 1) return { kind: 'drop' };
  const onward = peers.filter((peer) => peer !== input.from && peer !== origin);
  const choices = onward.length > 0 ? onward : peers.filter((peer) => peer !== origin);
  const to = choices[Math.floor(input.random() * choices.length)];
  return to === undefined ? { kind: 'drop' } : { kind: 'forward', to, ttl: input.ttl - 1 };
}

/** Capped exponential backoff for re-trying a lost peer. */
export function retryDelayMs(attempts: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(attempts, 20));
}
