// Delivery and the relay path: how a message arrives (submitted by a client, relayed or pushed by a peer,
// caught up, replayed from the journal), is recorded once per path, and is relayed on at once by the relay
// rule. This is the hot path: nothing here allocates per message beyond what the message keeps.

import type { EventEmitter } from 'node:events';
import { type WireError, wireError } from '../protocol/errors.js';
import { formatMessageId } from '../protocol/message-id.js';
import { encodeRelay, encodeRelayLine } from '../protocol/relay-line.js';
import type { CarriedMessage } from '../protocol/strategy-lines.js';
import type { Counters } from './counters.js';
import type { JournalRecord } from './journal-codec.js';
import type { Membership } from './membership.js';
import type { ArrivalVia, MessageStore, StoredMessage } from './message-store.js';
import type { NodeEvents } from './node-events.js';
import { applyRelayDecision, decideRelay, RelayCounts, type RelayDecision } from './relay-policy.js';
import { mergeClock, tickClock } from './strategies/digest.js';
import type { StrategyEngine } from './strategies/strategy-engine.js';

/** Round-based strategies send from their rounds: an arrival is always recorded and relayed on at once to none. */
const HOLD: RelayDecision = { accept: true, forwardTo: [] };

/** Where accepted messages and paths are persisted (the journal), if anywhere. */
export interface Persistence {
  append(record: JournalRecord): void;
  appendDurable(record: JournalRecord): Promise<void>;
}

/** What delivery works on: the node's parts, held here once so the hot path reads them directly. */
export interface DeliveryParts {
  id: number;
  store: MessageStore;
  membership: Membership;
  /** Runs the round-based strategies; undefined for flood. */
  engine: StrategyEngine | undefined;
  counters: Counters;
  events: EventEmitter<NodeEvents>;
  persistence: Persistence | undefined;
  now: () => number;
}

export class Delivery {
  /** This node's Lamport clock. */
  clock = 0;
  private lastOriginNs = 0n;
  private readonly id: number;
  private readonly store: MessageStore;
  private readonly membership: Membership;
  private readonly engine: StrategyEngine | undefined;
  private readonly counters: Counters;
  private readonly events: EventEmitter<NodeEvents>;
  private readonly persistence: Persistence | undefined;
  private readonly now: () => number;

  constructor(parts: DeliveryParts) {
    this.id = parts.id;
    this.store = parts.store;
    this.membership = parts.membership;
    this.engine = parts.engine;
    this.counters = parts.counters;
    this.events = parts.events;
    this.persistence = parts.persistence;
    this.now = parts.now;
  }

  /** Replays journal records after a restart, before the node serves anything. */
  restore(records: Iterable<JournalRecord>): void {
    for (const record of records) {
      if (record.kind === 'read') this.store.markAllRead();
      else {
        const message = this.store.get(record.id);
        if (message === undefined) {
          if (record.kind === 'message') {
            const clock = record.clock ?? 0;
            this.addMessage(record.id, record.path, record.relays, record.atMs, record.via, clock);
            this.clock = Math.max(this.clock, clock);
          }
        } else this.store.addPath(message, { path: record.path, atMs: record.atMs, via: record.via });
      }
    }
  }

  /** A client submitted a message: stamp it, record it, send it on; resolves once it is on disk. */
  submit(text: string, relays: number): { id: string; durable: Promise<void> } {
    const id = formatMessageId(text, this.nextOriginNs());
    this.counters.add('messagesSubmitted');
    this.events.emit('message.accepted', { id, relays });
    const atMs = this.now();
    const path = [this.id];
    this.clock = tickClock(this.clock);
    const clock = this.clock;
    this.deliver(id, path, relays, undefined, 'origin', atMs, clock);
    const record: JournalRecord = { kind: 'message', id, relays, path, atMs, via: 'origin', clock };
    return { id, durable: this.persistence?.appendDurable(record) ?? Promise.resolve() };
  }

  /** A peer relayed a message: the path so far ends with the sender. */
  relay(
    id: string,
    path: readonly number[],
    relays: number,
    clock = 0,
    spelled?: { idJson: string; pathText: string },
  ): WireError | undefined {
    this.counters.add('relaysIn');
    const sender = path[path.length - 1];
    if (sender === undefined) return wireError('BAD_PATH', 'path is empty');
    if (sender === this.id)
      return wireError('BAD_PATH', `the last hop of the path is this node (${this.id})`);
    // The line on reuses the id and path as they came: no JSON made again per relay.
    const on =
      spelled === undefined
        ? undefined
        : { idJson: spelled.idJson, pathText: `${spelled.pathText},${this.id}` };
    // concat, not spread: an exactly sized array, kept for as long as the message is (a third of the memory).
    this.deliver(id, path.concat(this.id), relays, sender, 'relay', this.now(), clock, on);
    return undefined;
  }

  /** A peer pushed a message (a strategy round): record it; the reply tells the pusher whether it was news. */
  push(message: CarriedMessage): { useful: boolean } | WireError {
    this.counters.add('pushesIn');
    const sender = message.path[message.path.length - 1];
    if (sender === undefined || sender === this.id)
      return wireError('BAD_PATH', 'the last hop of a pushed path must be the pusher');
    return { useful: this.deliverCarried(message, sender, 'push') };
  }

  /** A message a strategy brought (pushed, or sent back for a digest); returns whether it was news. */
  deliverCarried(message: CarriedMessage, sender: number, via: ArrivalVia): boolean {
    const { id, path, relays, clock } = message;
    return this.deliver(id, path.concat(this.id), relays, sender, via, this.now(), clock);
  }

  /**
   * Records one arrival of a message (this node included in `path`) and, for flood, relays it on as the rule
   * says; returns whether the message was news.
   */
  deliver(
    id: string,
    path: number[],
    relaysAsked: number,
    sender: number | undefined,
    via: ArrivalVia,
    atMs: number,
    clockAsked: number,
    /** The id's JSON and the path's text (this node included), when the arrival's line had them. */
    spelled?: { idJson: string; pathText: string },
  ): boolean {
    const known = this.store.get(id);
    const counts = known?.counts ?? new RelayCounts();
    // The relay limit is the one the message arrived with first, so a later line cannot amplify it.
    const relays = known?.relays ?? relaysAsked;
    const clock = known?.clock ?? clockAsked;
    // Receiving a message is one event, however many paths it comes by: duplicates do not tick the clock.
    if (via !== 'origin' && known === undefined) this.clock = mergeClock(this.clock, clock);
    // Round-based strategies send from their rounds; only flood relays on arrival.
    const decision =
      this.engine === undefined
        ? decideRelay(counts, { sender, peers: this.membership.ids(), relays })
        : HOLD;
    if (!decision.accept) {
      this.counters.add('relaysOverLimit');
      if (sender !== undefined && this.events.listenerCount('relay.over-limit') > 0)
        this.events.emit('relay.over-limit', { id, sender });
      return false;
    }
    applyRelayDecision(counts, sender, decision);
    // Relay first: the next hop starts while this node records.
    if (decision.forwardTo.length > 0) {
      const tail = clock > 0 ? clock : undefined;
      const line =
        spelled === undefined
          ? encodeRelay(relays, id, path, tail)
          : encodeRelayLine(relays, spelled.idJson, spelled.pathText, tail);
      for (const peer of decision.forwardTo) this.membership.send(peer, line);
      this.counters.add('relaysOut', decision.forwardTo.length);
      this.counters.add('relayBytesOut', Buffer.byteLength(line) * decision.forwardTo.length);
    }
    if (via === 'relay') this.counters.add('relaysAccepted');
    const first = known === undefined;
    if (first) {
      const stored = this.addMessage(id, path, relays, atMs, via, clock, counts);
      this.engine?.learned(stored, via);
    }
    if (first || this.store.addPath(known, { path, atMs, via })) {
      if (via !== 'origin') {
        this.persistence?.append(
          first
            ? { kind: 'message', id, relays, path, atMs, via, clock }
            : { kind: 'path', id, path, atMs, via },
        );
      }
      if (this.events.listenerCount('message.delivered') > 0)
        this.events.emit('message.delivered', { id, path, atMs, first, via });
    } else {
      // Still relayed on as the rule says; only the record of this path is not kept.
      this.counters.add('pathsDropped');
    }
    if (decision.forwardTo.length > 0 && this.events.listenerCount('message.relayed') > 0)
      this.events.emit('message.relayed', { id, to: decision.forwardTo });
    return first;
  }

  private addMessage(
    id: string,
    path: readonly number[],
    relays: number,
    atMs: number,
    via: ArrivalVia,
    clock: number,
    counts = new RelayCounts(),
  ): StoredMessage {
    const stored = this.store.add(
      { id, origin: path[0] ?? this.id, relays, clock },
      { path, atMs, via },
      counts,
    );
    this.engine?.track(stored);
    this.counters.add('messagesLearned');
    return stored;
  }

  /** Origin time in ns since the epoch, strictly increasing so ids stay unique on this node. */
  private nextOriginNs(): bigint {
    const nowMs = this.now();
    const wholeMs = Math.floor(nowMs);
    const ns = BigInt(wholeMs) * 1_000_000n + BigInt(Math.floor((nowMs - wholeMs) * 1e6));
    this.lastOriginNs = ns > this.lastOriginNs ? ns : this.lastOriginNs + 1n;
    return this.lastOriginNs;
  }
}
