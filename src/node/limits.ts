// The limits a node enforces on what others may make it hold or do, with their defaults. Each is a flag
// of `gossip node` (and a GOSSIP_* variable); exceeding one is answered with an error line or a close, and
// counted in /STATS. The line cap lives with framing, the peer queue caps with peer-link.

/** Most open inbound connections (clients and peers together); beyond it a new one is refused. */
export const DEFAULT_MAX_CONNECTIONS = 2048;
/** A client connection (not a peer link) that completes no request line for this long is closed. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** Request lines per second one client connection may send (token bucket, bursts of one second). */
export const DEFAULT_MAX_REQUESTS_PER_SECOND = 5_000;
/** Replies buffered for a connection that does not read them; beyond it the node stops reading from it. */
export const DEFAULT_MAX_REPLY_BUFFER_BYTES = 256 * 1024;
/** Arrival paths kept per message; further arrivals still count for the relay rule, but are not stored. */
export const DEFAULT_MAX_PATHS = 64;

/** What one connection may do; the server applies these to every connection it accepts. */
export interface ConnectionLimits {
  maxConnections: number;
  idleTimeoutMs: number;
  maxRequestsPerSecond: number;
  maxReplyBufferBytes: number;
}
