// Anti-entropy between neighbours: a node asks each peer for what the peer holds beyond the sequence
// number it already read, and records what it lacked as catch-up arrivals. Pages are bounded; messages
// the requester has are skipped: those it relayed to the peer, and those whose path ran through it since it
// last said HELLO (so it held them in its current life, whether or not it keeps a journal).

import type { SyncPage } from '../protocol/sync-page.js';
import type { MessageStore } from './message-store.js';

/** How often a node asks each peer for news, on top of asking whenever a link comes up. */
export const ANTI_ENTROPY_INTERVAL_MS = 1_000;
/**
 * A peer whose pages keep coming back empty is asked less often, doubling up to this. An idle network then
 * costs little (256 nodes on two cores spent a core and a half asking each other for nothing), and news or a
 * link coming up brings the interval straight back to ANTI_ENTROPY_INTERVAL_MS.
 */
export const ANTI_ENTROPY_MAX_INTERVAL_MS = 8_000;

/** The next interval after a page: back to the minimum when it held news, else twice as long. */
export function nextSyncInterval(currentMs: number, learned: number, more: boolean): number {
  if (learned > 0 || more) return ANTI_ENTROPY_INTERVAL_MS;
  return Math.min(ANTI_ENTROPY_MAX_INTERVAL_MS, currentMs * 2);
}
/** A sync question unanswered this long is asked again (its line or its answer may have been dropped). */
export const SYNC_REPLY_TIMEOUT_MS = 10_000;
/** Most messages in one sync page. */
export const SYNC_PAGE_MESSAGES = 500;
/** Most bytes of ids and paths in one sync page. */
export const SYNC_PAGE_BYTES = 1024 * 1024;

export type { SyncPage };

export function buildSyncPage(
  store: MessageStore,
  request: {
    from: number;
    epoch: number;
    requester: number | undefined;
    /** Our sequence number when the requester last said HELLO: paths through it count from there. */
    helloSeq?: number | undefined;
  },
  self: { id: number; epoch: number },
): SyncPage {
  const { requester, helloSeq = Number.POSITIVE_INFINITY } = request;
  // A different epoch means our sequence numbers restarted: serve from the beginning.
  const from = request.epoch === self.epoch ? Math.min(request.from, store.length) : 0;
  const messages: SyncPage['messages'] = [];
  let bytes = 0;
  let next = from;
  for (let seq = from; seq < store.length; seq += 1) {
    if (messages.length >= SYNC_PAGE_MESSAGES || bytes >= SYNC_PAGE_BYTES) break;
    const message = store.at(seq);
    if (message === undefined) break;
    next = seq + 1;
    // On a peer's link, only what the requester sent or passed on since its last HELLO says it holds the
    // message: a node killed right after relaying one may not have kept it, and comes back with a new HELLO.
    // (Without a HELLO to count from, what it sent us is all there is to go by.)
    const requesterHasIt =
      requester !== undefined &&
      (request.helloSeq === undefined
        ? message.counts.arrivalsFrom(requester) > 0
        : seq >= helloSeq &&
          (message.counts.arrivalsFrom(requester) > 0 || message.passedThrough(requester)));
    if (requesterHasIt) continue;
    const path = message.firstPath();
    messages.push({
      id: message.id,
      relays: message.relays,
      path,
      ...(message.clock > 0 ? { clock: message.clock } : {}),
    });
    bytes += message.id.length + path.length * 4 + 24;
  }
  return { node: self.id, epoch: self.epoch, next, more: next < store.length, messages };
}

/** What this node remembers of one peer's sequence. */
export interface PeerCursor {
  epoch: number;
  next: number;
  inFlight: boolean;
  lastAskedMs: number;
  /** How long after the last ask to ask again (see nextSyncInterval). */
  intervalMs: number;
}
