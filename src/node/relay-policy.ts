// The reference relay rule, with no I/O: accept at most `relays` arrivals of a message from each peer,
// and forward it to every peer except the sender, at most `relays` times per peer.

/**
 * Per-peer counts for one message: arrivals accepted from each peer and relays sent to each. A node keeps
 * one for every message it holds and a message meets only a few peers, so each peer's counts are packed
 * into one small integer (peer x 1024 + arrivals x 32 + sent: a count never passes the relay limit, at most
 * MAX_RELAYS = 16) in one exactly sized array: about 70 bytes with three peers, where two Maps took 370.
 */
export class RelayCounts {
  /** Exactly as long as its entries (grown by concat, not push, which would leave room for 16 more). */
  private packed: number[] = [];

  arrivalsFrom(peer: number): number {
    const at = this.indexOf(peer);
    return at === -1 ? 0 : ((this.packed[at] as number) >> ARRIVALS_SHIFT) & COUNT_MASK;
  }

  sentTo(peer: number): number {
    const at = this.indexOf(peer);
    return at === -1 ? 0 : (this.packed[at] as number) & COUNT_MASK;
  }

  addArrival(peer: number): void {
    this.bump(peer, 1 << ARRIVALS_SHIFT);
  }

  addSent(peer: number): void {
    this.bump(peer, 1);
  }

  isEmpty(): boolean {
    return this.packed.length === 0;
  }

  /**
   * A message's first counts, made in one exactly sized array: one arrival from `sender` (undefined:
   * submitted here) and one relay to each of the first `count` of `targets` (never the sender).
   */
  start(sender: number | undefined, targets: readonly number[], count: number): void {
    const first = sender === undefined ? 0 : 1;
    // A copy of the targets array is already the right size (it holds a stale entry past `count`, or one
    // more is appended); every entry is written below.
    const packed = targets.slice(0, count + first);
    if (sender !== undefined) packed[0] = (sender << PEER_SHIFT) + (1 << ARRIVALS_SHIFT);
    for (let at = 0; at < count; at += 1) packed[at + first] = ((targets[at] as number) << PEER_SHIFT) + 1;
    this.packed = packed;
  }

  /** [peer, arrivals, sent] for every peer counted, for reports and tests. */
  entries(): Array<[number, number, number]> {
    return this.packed.map((entry) => [
      entry >> PEER_SHIFT,
      (entry >> ARRIVALS_SHIFT) & COUNT_MASK,
      entry & COUNT_MASK,
    ]);
  }

  private indexOf(peer: number): number {
    for (let at = 0; at < this.packed.length; at += 1)
      if ((this.packed[at] as number) >> PEER_SHIFT === peer) return at;
    return -1;
  }

  private bump(peer: number, step: number): void {
    let at = this.indexOf(peer);
    if (at === -1) {
      at = this.packed.length;
      this.packed = this.packed.concat(peer << PEER_SHIFT);
    }
    this.packed[at] = (this.packed[at] as number) + step;
  }
}

/** Bits of one count: counts stop at the relay limit, at most 16. */
const COUNT_MASK = 31;
const ARRIVALS_SHIFT = 5;
const PEER_SHIFT = 10;

/**
 * The relay rule for one arrival from `sender` (undefined when a client submitted it here): -1 when it is over
 * the per-peer limit (then nothing is counted); else writes every peer but the sender still under the limit
 * into `targets` from index 0 and returns how many, and counts the arrival and the relays. `targets` is the
 * caller's, reused arrival after arrival, and never shortened (that would free its room).
 */
export function relayArrival(
  counts: RelayCounts,
  sender: number | undefined,
  peers: readonly number[],
  relays: number,
  targets: number[],
): number {
  if (sender !== undefined && counts.arrivalsFrom(sender) >= relays) return -1;
  let found = 0;
  for (const peer of peers) {
    if (peer === sender || counts.sentTo(peer) >= relays) continue;
    targets[found] = peer;
    found += 1;
  }
  if (counts.isEmpty()) {
    counts.start(sender, targets, found);
    return found;
  }
  if (sender !== undefined) counts.addArrival(sender);
  for (let at = 0; at < found; at += 1) counts.addSent(targets[at] as number);
  return found;
}
