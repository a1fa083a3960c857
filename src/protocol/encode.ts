// Encoders for the replies a node writes. Kept apart from the reply schemas (replies.ts, zod, used by
// clients) so that a node loads no schema library at all.

import type { WireError } from './errors.js';

/** One JSON line: how every reply of ours is framed. */
export function encodeLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

export function encodeError(error: WireError): string {
  return encodeLine({ error: error.error, code: error.code });
}

/** The reference display name of a node. */
export function nodeName(id: number): string {
  return `Gossip-Node-${id}`;
}

/** The reference /PEERS entry label: `Gossip-Node-9 (127.0.0.1:7009)`. */
export function peerLabel(id: number, address: string): string {
  return `${nodeName(id)} (${address})`;
}
