// Anti-entropy between neighbours: a node asks each peer for what the peer holds beyond the sequence
// number it already read, and records what it lacked as catch-up arrivals. Pages are bounded; messages
// the requester itself relayed to the peer are skipped (it has them).

import type { SyncPage } from '../protocol/replies.js';
import type { MessageStore } from './message-store.js';
import type { RelayCounts } from './relay-policy.js';

/** How often a node asks each peer for news, on top of asking whenever a link comes up. */
export const ANTI_ENTROPY_INTERVAL_MS = 1_000;
/** A sync question unanswered this long is asked again (its line or its answer may have been dropped). */
export const SYNC_REPLY_TIMEOUT_MS = 10_000;
/** Most messages in one sync page. */
export const SYNC_PAGE_MESSAGES = 500;
/** Most bytes of ids and paths in one sync page. */
export const SYNC_PAGE_BYTES = 1024 * 1024;

export type { SyncPage };

export function buildSyncPage(
  store: MessageStore,
  request: { from: number; epoch: number; requester: number | undefined },
  self: { id: number; epoch: number },
  countsOf: (id: string) => RelayCounts | undefined,
): SyncPage {
  // A different epoch means our sequence numbers restarted: serve from the beginning.
  const from = request.epoch === self.epoch ? Math.min(request.from, store.length) : 0;
  const messages: SyncPage['messages'] = [];
  let bytes = 0;
  let next = from;
  for (const { seq, message } of store.since(from)) {
    if (messages.length >= SYNC_PAGE_MESSAGES || bytes >= SYNC_PAGE_BYTES) break;
    next = seq + 1;
    const requesterHasIt =
      request.requester !== undefined && (countsOf(message.id)?.arrivals.get(request.requester) ?? 0) > 0;
    if (requesterHasIt) continue;
    const path = [...(message.paths[0]?.path ?? [])];
    messages.push({ id: message.id, relays: message.relays, path });
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
}
