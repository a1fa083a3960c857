// Encodes the lines nodes send each other over their links. A relay line is built once per relay
// decision and written to every target.

import { formatHostPort, type PeerAddress } from './address.js';

/**
 * The same bytes as JSON.stringify([id, path]) (or [id, path, clock] with the message's Lamport clock), without
 * building the array (this runs per arrival). Without a clock it is the reference line.
 */
export function encodeRelay(relays: number, id: string, path: readonly number[], clock?: number): string {
  return encodeRelayLine(relays, JSON.stringify(id), path.join(','), clock);
}

/** The same line from the id's JSON and the path's text as they came on the line being relayed on. */
export function encodeRelayLine(relays: number, idJson: string, pathText: string, clock?: number): string {
  const tail = clock === undefined ? '' : `,${clock}`;
  return `/RELAY:${relays}|[${idJson},[${pathText}]${tail}]\n`;
}

export function encodeNew(relays: number, text: string): string {
  return `/NEW:${relays}|${text}\n`;
}

export interface HelloFlags {
  /** The sender counts the receiver among its original peers. */
  home: boolean;
  /** The sender has no peer at all and must be let in (the receiver makes room). */
  join: boolean;
}

/** First line on every peer link: who we are, where we listen, and whether we ask to be let in. */
export function encodeHello(self: PeerAddress, flags: HelloFlags): string {
  const marks = `${flags.home ? 'h' : ''}${flags.join ? 'j' : ''}`;
  return `/HELLO:${self.id}|${formatHostPort(self.host, self.port)}|${marks}\n`;
}

/** The check back of a HELLO: sent to the address the HELLO gave, over a connection the checker dials. */
export function encodeVerify(asker: number, nonce: string): string {
  return `/VERIFY:${asker}|${nonce}\n`;
}

/** The answer to a /VERIFY, written on the link whose HELLO is being checked. */
export function encodeProve(nonce: string): string {
  return `/PROVE:${nonce}\n`;
}

/** A repair walk looking for a node with a free slot for `origin`. */
export function encodeWalk(ttl: number, origin: PeerAddress): string {
  return `/WALK:${ttl}|${origin.id}|${formatHostPort(origin.host, origin.port)}\n`;
}

/**
 * "Drop node `id`": sent by the CLI (and the reference client) for a removed node, and by a node that
 * leaves for good on its own links (then only it, the node named, makes the removal final).
 */
export function encodeRemove(id: number): string {
  return `/REMOVE:${id}\n`;
}

/** Anti-entropy: "send me what you hold from your sequence number `from` on (in epoch `epoch`)". */
export function encodeSync(from: number, epoch: number): string {
  return `/SYNC:${from}|${epoch}\n`;
}
