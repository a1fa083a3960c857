// The reference relay rule, as a pure function: accept at most `relays` arrivals of a message from each peer,
// and forward it to every peer except the sender, at most `relays` times per peer.

export interface RelayCounts {
  /** Arrivals accepted so far, per sending peer. */
  readonly arrivals: ReadonlyMap<number, number>;
  /** Relays sent so far, per peer. */
  readonly sent: ReadonlyMap<number, number>;
}

export interface RelayInput {
  /** The peer the message came from; undefined when a client submitted it here. */
  sender: number | undefined;
  peers: readonly number[];
  relays: number;
}

export interface RelayDecision {
  /** Record this arrival (its path) or drop it as over the per-peer limit. */
  accept: boolean;
  forwardTo: number[];
}

export function decideRelay(counts: RelayCounts, input: RelayInput): RelayDecision {
  const { sender, peers, relays } = input;
  if (sender !== undefined && (counts.arrivals.get(sender) ?? 0) >= relays)
    return { accept: false, forwardTo: [] };
  const forwardTo = peers.filter((peer) => peer !== sender && (counts.sent.get(peer) ?? 0) < relays);
  return { accept: true, forwardTo };
}

export interface MutableRelayCounts extends RelayCounts {
  readonly arrivals: Map<number, number>;
  readonly sent: Map<number, number>;
}

export function emptyRelayCounts(): MutableRelayCounts {
  return { arrivals: new Map(), sent: new Map() };
}

/** Applies a decision to the counts it was made from. */
export function applyRelayDecision(
  counts: MutableRelayCounts,
  sender: number | undefined,
  decision: RelayDecision,
): void {
  if (!decision.accept) return;
  if (sender !== undefined) counts.arrivals.set(sender, (counts.arrivals.get(sender) ?? 0) + 1);
  for (const peer of decision.forwardTo) counts.sent.set(peer, (counts.sent.get(peer) ?? 0) + 1);
}
