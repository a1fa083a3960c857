// The reference relay rule, as a pure function: accept at most `relays` arrivals of a message from each peer,
// and forward it to every peer except the sender, at most `relays` times per peer.

/**
 * Per-peer counts for one message: arrivals accepted from each peer and relays sent to each. A node keeps
 * one for every message it holds and a message meets only a few peers, so they are packed into one small
 * array ([peer, arrivals, sent, ...]) rather than two Maps: about 150 bytes with three peers instead of 370.
 */
export class RelayCounts {
  /** Exactly as long as its entries (grown by concat, not push, which would leave room for 16 more). */
  private packed: number[] = [];

  arrivalsFrom(peer: number): number {
    const at = this.indexOf(peer);
    return at === -1 ? 0 : (this.packed[at + 1] ?? 0);
  }

  sentTo(peer: number): number {
    const at = this.indexOf(peer);
    return at === -1 ? 0 : (this.packed[at + 2] ?? 0);
  }

  addArrival(peer: number): void {
    this.bump(peer, 1);
  }

  addSent(peer: number): void {
    this.bump(peer, 2);
  }

  /** [peer, arrivals, sent] for every peer counted, for reports and tests. */
  entries(): Array<[number, number, number]> {
    const rows: Array<[number, number, number]> = [];
    for (let at = 0; at < this.packed.length; at += 3) {
      rows.push([this.packed[at] ?? 0, this.packed[at + 1] ?? 0, this.packed[at + 2] ?? 0]);
    }
    return rows;
  }

  private indexOf(peer: number): number {
    for (let at = 0; at < this.packed.length; at += 3) if (this.packed[at] === peer) return at;
    return -1;
  }

  private bump(peer: number, field: 1 | 2): void {
    let at = this.indexOf(peer);
    if (at === -1) {
      at = this.packed.length;
      this.packed = this.packed.concat(peer, 0, 0);
    }
    this.packed[at + field] = (this.packed[at + field] ?? 0) + 1;
  }
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
  const forwardTo: number[] = [];
  const accept = chooseTargets(counts, input.sender, input.peers, input.relays, forwardTo);
  return { accept, forwardTo };
}

/** Applies a decision to the counts it was made from. */
export function applyRelayDecision(
  counts: RelayCounts,
  sender: number | undefined,
  decision: RelayDecision,
): void {
  if (decision.accept) countTargets(counts, sender, decision.forwardTo);
}

/**
 * decideRelay and applyRelayDecision in one, for the hot path: fills `targets` (emptied by the caller)
 * instead of making a decision object; false when the arrival is over the limit.
 */
export function relayArrival(
  counts: RelayCounts,
  sender: number | undefined,
  peers: readonly number[],
  relays: number,
  targets: number[],
): boolean {
  if (!chooseTargets(counts, sender, peers, relays, targets)) return false;
  countTargets(counts, sender, targets);
  return true;
}

function chooseTargets(
  counts: RelayCounts,
  sender: number | undefined,
  peers: readonly number[],
  relays: number,
  targets: number[],
): boolean {
  if (sender !== undefined && counts.arrivalsFrom(sender) >= relays) return false;
  for (const peer of peers) if (peer !== sender && counts.sentTo(peer) < relays) targets.push(peer);
  return true;
}

function countTargets(counts: RelayCounts, sender: number | undefined, targets: readonly number[]): void {
  if (sender !== undefined) counts.addArrival(sender);
  for (const peer of targets) counts.addSent(peer);
}
