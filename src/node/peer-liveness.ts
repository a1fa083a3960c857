// Failure detection and heartbeats for the peers a node links to: pure rules the membership's tick applies
// to each peer. Any line heard is a sign of life, and so is any line sent (it spares a heartbeat).

/** What liveness knows of one peer. */
export interface PeerLiveness {
  addedAtMs: number;
  lastHeardMs: number;
  /** Heard from at least once since it became a peer. */
  heard: boolean;
  lastSentMs: number;
}

/** A peer never heard from is given this long (slow start of a big network) before it is given up. */
export const NEVER_HEARD_MS = 10_000;

/** A tick this late means this process itself stalled (SIGSTOP, a long pause): silence is ours, not the peers'. */
export function stalled(lastTickMs: number, now: number, failureTimeoutMs: number): boolean {
  return now - lastTickMs > failureTimeoutMs / 2;
}

/** After our own stall, a peer counts as heard just now; one never heard waits afresh. */
export function forgiveStall(peer: PeerLiveness, now: number): void {
  peer.lastHeardMs = now;
  if (!peer.heard) peer.addedAtMs = now;
}

/** Whether a link is owed a heartbeat: nothing sent on it for a heartbeat interval (only live links get one). */
export function heartbeatDue(peer: PeerLiveness, now: number, heartbeatMs: number): boolean {
  return now - peer.lastSentMs >= heartbeatMs;
}

/** Why a peer counts as failed at `now`: silent too long after it was heard, or never heard at all. */
export function peerFailure(peer: PeerLiveness, now: number, failureTimeoutMs: number): string | undefined {
  if (peer.heard && now - peer.lastHeardMs > failureTimeoutMs)
    return `silent for ${Math.round(now - peer.lastHeardMs)} ms`;
  if (!peer.heard && now - peer.addedAtMs > NEVER_HEARD_MS) return 'never answered';
  return undefined;
}
