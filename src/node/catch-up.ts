// Catch-up with each peer (anti-entropy, see anti-entropy.ts): a sync cursor per peer, asking due peers on
// the node's tick and whenever a link comes up, serving /SYNC pages, and recording what a page brings.

import type { EventEmitter } from 'node:events';
import { encodeSync } from '../protocol/relay-line.js';
import {
  ANTI_ENTROPY_INTERVAL_MS,
  buildSyncPage,
  nextSyncInterval,
  type PeerCursor,
  SYNC_REPLY_TIMEOUT_MS,
  type SyncPage,
} from './anti-entropy.js';
import type { Counters } from './counters.js';
import type { Delivery } from './delivery.js';
import type { Membership } from './membership.js';
import type { MessageStore } from './message-store.js';
import type { NodeEvents } from './node-events.js';

export interface CatchUpParts {
  /** This node, as sync pages name it. */
  self: { id: number; epoch: number };
  store: MessageStore;
  membership: Membership;
  delivery: Delivery;
  counters: Counters;
  events: EventEmitter<NodeEvents>;
  now: () => number;
}

export class CatchUp {
  private readonly cursors = new Map<number, PeerCursor>();

  constructor(private readonly parts: CatchUpParts) {}

  /** Asks every peer whose link is up and whose turn has come (the node's tick, at `now`). */
  tick(now: number): void {
    const { membership } = this.parts;
    for (const peer of membership.ids()) {
      if (!membership.isUp(peer)) continue;
      const cursor = this.cursorOf(peer);
      // A question whose answer never came (dropped from a full queue, say) is asked again.
      const due = cursor.inFlight ? SYNC_REPLY_TIMEOUT_MS : cursor.intervalMs;
      if (now - cursor.lastAskedMs >= due) this.askSync(peer, cursor);
    }
  }

  /** A link that comes up is the moment to catch up on what we missed from this peer. */
  linkUp(peer: number): void {
    const cursor = this.cursorOf(peer);
    cursor.inFlight = false;
    cursor.lastAskedMs = 0;
    cursor.intervalMs = ANTI_ENTROPY_INTERVAL_MS;
  }

  /** The peer was dropped: its cursor goes with it. */
  forget(peer: number): void {
    this.cursors.delete(peer);
  }

  /** Serves `/SYNC` to a peer: what we hold beyond its cursor, minus what it sent us itself. */
  serveSync(
    from: number,
    epoch: number,
    connection: { peerId: number | undefined; helloSeq?: number },
  ): SyncPage {
    this.parts.counters.add('syncsServed');
    const { peerId: requester, helloSeq } = connection;
    return buildSyncPage(this.parts.store, { from, epoch, requester, helloSeq }, this.parts.self);
  }

  /** A peer answered our `/SYNC`: record what we lacked as catch-up arrivals and relay it on. */
  receiveSync(peer: number, page: SyncPage): void {
    const { store, delivery, now } = this.parts;
    const cursor = this.cursorOf(peer);
    cursor.inFlight = false;
    cursor.epoch = page.epoch;
    cursor.next = page.next;
    let learned = 0;
    for (const message of page.messages) {
      if (store.get(message.id) !== undefined) continue;
      learned += 1;
      delivery.deliver(message.id, message.path, message.relays, peer, 'catch-up', now(), message.clock ?? 0);
    }
    cursor.intervalMs = nextSyncInterval(cursor.intervalMs, learned, page.more);
    this.parts.counters.add('messagesCaughtUp', learned);
    this.parts.events.emit('sync.received', { peer, learned, more: page.more });
    if (page.more && this.parts.membership.has(peer)) this.askSync(peer, cursor);
  }

  private cursorOf(peer: number): PeerCursor {
    let cursor = this.cursors.get(peer);
    if (cursor === undefined) {
      cursor = { epoch: 0, next: 0, inFlight: false, lastAskedMs: 0, intervalMs: ANTI_ENTROPY_INTERVAL_MS };
      this.cursors.set(peer, cursor);
    }
    return cursor;
  }

  private askSync(peer: number, cursor: PeerCursor): void {
    cursor.inFlight = true;
    cursor.lastAskedMs = this.parts.now();
    this.parts.membership.send(peer, encodeSync(cursor.next, cursor.epoch));
  }
}
