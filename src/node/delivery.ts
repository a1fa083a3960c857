// Delivery and the relay path: how a message arrives (submitted by a client, relayed or pushed by a peer,
// caught up, replayed from the journal), is recorded once per path, and is relayed on at once by the relay
// rule. This is the hot path: it allocates little per arrival beyond what the message keeps (the arrival's
// string, the relay line, the journal line).

import type { EventEmitter } from 'node:events';
import { type WireError, wireError } from '../protocol/errors.js';
import { MAX_RELAYS } from '../protocol/limits.js';
import { formatMessageId } from '../protocol/message-id.js';
import { encodeRelayLine } from '../protocol/relay-line.js';
import type { CarriedMessage } from '../protocol/strategy-lines.js';
import { type Arrival, type ArrivalVia, arrivalOf, encodeArrival } from './arrival.js';
import type { Counters } from './counters.js';
import { type AppendArrival, encodeArrivalLine, type JournalRecord } from './journal-codec.js';
import type { Membership } from './membership.js';
import type { MessageStore, StoredMessage } from './message-store.js';
import type { NodeEvents } from './node-events.js';
import { RelayCounts, relayArrival } from './relay-policy.js';
import { mergeClock, tickClock } from './strategies/digest.js';
import type { StrategyEngine } from './strategies/strategy-engine.js';

const NO_HOPS: readonly number[] = [];

/** The text of a path that came by `hops` and ends here. */
function ownPathText(hops: readonly number[], self: number): string {
  return hops.length === 0 ? String(self) : `${hops.join(',')},${self}`;
}

/** Where accepted messages and paths are persisted (the journal), if anywhere: record lines (journal-codec.ts). */
export interface Persistence {
  appendLine(line: string): void;
  /** A relayed (or caught-up, pushed, pulled) arrival's record, from its parts (Journal.appendArrival). */
  appendArrival: AppendArrival;
  /** Undefined when the record is already kept (see Journal.appendDurableLine), else when it will be. */
  appendDurableLine(line: string): Promise<void> | undefined;
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
  /** The peers a decision relays to, from index 0 (reused, never shortened: no array per arrival). */
  private readonly targets: number[] = [];

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
        const arrival = arrivalOf(record.path, record.atMs, record.via);
        const message = this.store.get(record.id);
        if (message === undefined) {
          if (record.kind === 'message') {
            const clock = record.clock ?? 0;
            const origin = record.path[0] ?? this.id;
            // A hand-edited journal may say more relays than a line may (the counts hold up to the limit).
            const relays = Math.min(record.relays, MAX_RELAYS);
            this.addMessage(record.id, origin, relays, arrival, clock, new RelayCounts());
            this.clock = Math.max(this.clock, clock);
          }
        } else this.store.addPath(message, arrival);
      }
    }
  }

  /**
   * A client submitted a message: stamp it, record it, send it on (the relays leave when the current
   * callback ends); `durable` is undefined when its record is already kept, else resolves once it is.
   */
  submit(text: string, relays: number): { id: string; durable: Promise<void> | undefined } {
    const id = formatMessageId(text, this.nextOriginNs());
    this.counters.values.messagesSubmitted += 1;
    this.events.emit('message.accepted', { id, relays });
    const atMs = this.now();
    this.clock = tickClock(this.clock);
    const clock = this.clock;
    const idJson = JSON.stringify(id);
    const pathText = String(this.id);
    this.deliver(id, NO_HOPS, relays, undefined, 'origin', atMs, clock, idJson, pathText);
    const line = encodeArrivalLine(true, idJson, relays, pathText, String(atMs), 'origin', clock);
    return { id, durable: this.persistence?.appendDurableLine(line) };
  }

  /**
   * A peer relayed a message: `path` is the path so far, ending with the sender; `idJson` and `pathText`
   * are how the line spelled them (a relay line on reuses them), when it did.
   */
  relay(
    id: string,
    path: readonly number[],
    relays: number,
    clock = 0,
    idJson?: string,
    pathText?: string,
  ): WireError | undefined {
    this.counters.values.relaysIn += 1;
    const sender = path[path.length - 1];
    if (sender === undefined) return wireError('BAD_PATH', 'path is empty');
    if (sender === this.id)
      return wireError('BAD_PATH', `the last hop of the path is this node (${this.id})`);
    const pathHere = pathText === undefined ? undefined : `${pathText},${this.id}`;
    this.deliver(id, path, relays, sender, 'relay', this.now(), clock, idJson, pathHere);
    return undefined;
  }

  /** A peer pushed a message (a strategy round): record it; the reply tells the pusher whether it was news. */
  push(message: CarriedMessage): { useful: boolean } | WireError {
    this.counters.values.pushesIn += 1;
    const sender = message.path[message.path.length - 1];
    if (sender === undefined || sender === this.id)
      return wireError('BAD_PATH', 'the last hop of a pushed path must be the pusher');
    return { useful: this.deliverCarried(message, sender, 'push') };
  }

  /** A message a strategy brought (pushed, or sent back for a digest); returns whether it was news. */
  deliverCarried(message: CarriedMessage, sender: number, via: ArrivalVia): boolean {
    const { id, path, relays, clock } = message;
    return this.deliver(id, path, relays, sender, via, this.now(), clock);
  }

  /**
   * Records one arrival of a message from `sender` (undefined when submitted here) and, for flood, relays it
   * on as the rule says; returns whether the message was news. `hops` is the path it came by, without this
   * node (empty when submitted here); `idJson` and `pathText` (this node included) are made from the id and
   * the hops when not given.
   */
  deliver(
    id: string,
    hops: readonly number[],
    relaysAsked: number,
    sender: number | undefined,
    via: ArrivalVia,
    atMs: number,
    clockAsked: number,
    idJson?: string,
    pathText?: string,
  ): boolean {
    const known = this.store.get(id);
    const counts = known?.counts ?? new RelayCounts();
    // The relay limit is the one the message arrived with first, so a later line cannot amplify it.
    const relays = known?.relays ?? relaysAsked;
    const clock = known?.clock ?? clockAsked;
    // Receiving a message is one event, however many paths it comes by: duplicates do not tick the clock.
    if (via !== 'origin' && known === undefined) this.clock = mergeClock(this.clock, clock);
    const { counters } = this;
    // Round-based strategies send from their rounds; only flood relays on arrival.
    const targets = this.targets;
    let relayed = 0;
    if (this.engine === undefined) {
      relayed = relayArrival(counts, sender, this.membership.ids(), relays, targets);
      if (relayed === -1) {
        counters.values.relaysOverLimit += 1;
        if (sender !== undefined && this.events.listenerCount('relay.over-limit') > 0)
          this.events.emit('relay.over-limit', { id, sender });
        return false;
      }
    } else if (sender !== undefined) counts.addArrival(sender);
    const spelledPath = pathText ?? ownPathText(hops, this.id);
    const spelledId = idJson ?? JSON.stringify(id);
    // Relay first: the next hop starts while this node records.
    if (relayed > 0) {
      const line = encodeRelayLine(relays, spelledId, spelledPath, clock > 0 ? clock : undefined);
      for (let at = 0; at < relayed; at += 1) this.membership.send(targets[at] as number, line);
      counters.values.relaysOut += relayed;
      counters.values.relayBytesOut += line.length * relayed;
    }
    if (via === 'relay') counters.values.relaysAccepted += 1;
    const first = known === undefined;
    // The time is printed once, for the arrival and its journal line.
    const atText = String(atMs);
    const arrival = encodeArrival(spelledPath, atText, via);
    if (first) {
      // The id as kept: a fresh copy (parsed from its JSON), where `id` is a slice of the line that brought
      // it and would keep that whole line alive for as long as the message is held.
      const keptId = JSON.parse(spelledId) as string;
      const stored = this.addMessage(keptId, hops[0] ?? this.id, relays, arrival, clock, counts);
      this.engine?.learned(stored, via);
    }
    if (first || this.store.addPath(known, arrival)) {
      if (via !== 'origin') {
        this.persistence?.appendArrival(first, spelledId, relays, spelledPath, atText, via, clock);
      }
      if (this.events.listenerCount('message.delivered') > 0)
        this.events.emit('message.delivered', { id, path: [...hops, this.id], atMs, first, via });
    } else {
      // Still relayed on as the rule says; only the record of this path is not kept.
      counters.values.pathsDropped += 1;
    }
    if (relayed > 0 && this.events.listenerCount('message.relayed') > 0)
      this.events.emit('message.relayed', { id, to: targets.slice(0, relayed) });
    return first;
  }

  private addMessage(
    id: string,
    origin: number,
    relays: number,
    arrival: Arrival,
    clock: number,
    counts: RelayCounts,
  ): StoredMessage {
    const stored = this.store.add({ id, origin, relays, clock }, arrival, counts);
    this.engine?.track(stored);
    this.counters.values.messagesLearned += 1;
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
