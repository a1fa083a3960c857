// Error codes a node puts on the wire in `{"error": "...", "code": "..."}` lines.

export const WIRE_ERROR_CODES = [
  'LINE_TOO_LONG',
  'MALFORMED_REQUEST',
  'UNKNOWN_COMMAND',
  'BAD_RELAYS',
  'BAD_TEXT',
  'TEXT_TOO_LONG',
  'BAD_MESSAGE_ID',
  'BAD_PATH',
  'BAD_ARGUMENT',
  'UNKNOWN_PEER',
  'UNAVAILABLE',
  'INTERNAL',
  // Limits: the request (or the connection) exceeded what this node allows.
  'RATE_LIMITED',
  'TOO_MANY_CONNECTIONS',
  'IDLE_TIMEOUT',
  // Cluster authentication (nodes started with a cluster key).
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'AUTH_EXPIRED',
  'AUTH_REPLAYED',
  // TLS (nodes started with --tls-*): a plaintext connection gets TLS_REQUIRED on the wire; the others
  // are refused handshakes, only counted (/STATS errors).
  'TLS_REQUIRED',
  'TLS_NO_CERTIFICATE',
  'TLS_BAD_CERTIFICATE',
  'TLS_HANDSHAKE_FAILED',
  // Peer-only commands (relays, pushes, walks, syncs, digests) on a connection that is not that peer's link.
  'NOT_A_PEER',
  // Administrative commands (/LEAVE) from where they are not taken.
  'FORBIDDEN',
] as const;

export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

export interface WireError {
  code: WireErrorCode;
  error: string;
}

export function wireError(code: WireErrorCode, error: string): WireError {
  return { code, error };
}
