// The messages a node holds: text, origin, every arrival path with its time and how it came, read state,
// the order in which messages first arrived (the sequence peers sync from), and the Lamport order listings
// use: sorted when a listing needs it (the messages that arrived since are merged in then, not one by one
// on the hot path), so a listing is a cursor, never a sorted copy. Pure bookkeeping with no I/O: the
// journal replays into it after a restart.

import { messageIdTextEnd } from '../protocol/message-id.js';
import type { ReadFilter } from '../protocol/request-types.js';
import { type Arrival, arrivalHops, arrivalPasses, decodeArrival, type StoredPath } from './arrival.js';
import { RelayCounts } from './relay-policy.js';

export type { Arrival, ArrivalVia, StoredPath } from './arrival.js';

/** A message held. Its text and origin time are read from its id when asked for, never on the hot path. */
export class StoredMessage {
  /** Replaced, never grown in place: an exactly sized array (a pushed one keeps room for 16 more). */
  arrivals: readonly Arrival[];

  constructor(
    readonly id: string,
    readonly origin: number,
    readonly relays: number,
    /** Lamport clock stamped by the origin (0 when it came from a reference peer without one). */
    readonly clock: number,
    /** Its place in first-arrival order (the sequence number peers sync from). */
    readonly seq: number,
    first: Arrival,
    /** The relay rule's counts for this message (kept with it: one lookup per arrival). */
    readonly counts: RelayCounts,
  ) {
    this.arrivals = [first];
  }

  /** Every arrival, decoded (for listings: this allocates). */
  get paths(): StoredPath[] {
    return this.arrivals.map(decodeArrival);
  }

  /** The hops of the first path it came by. */
  firstPath(): number[] {
    return arrivalHops(this.arrivals[0] as Arrival);
  }

  /** Whether some path it came by passed through node `id`. */
  passedThrough(id: number): boolean {
    return this.arrivals.some((arrival) => arrivalPasses(arrival, id));
  }

  /** Everything before the id's last underscore (the whole id if it has no origin time). */
  get text(): string {
    const end = messageIdTextEnd(this.id);
    return end === -1 ? this.id : this.id.slice(0, end);
  }

  /** Origin time in ns since the epoch, from the id (0 if it has none). */
  get originNs(): bigint {
    const end = messageIdTextEnd(this.id);
    return end === -1 ? 0n : BigInt(this.id.slice(end + 1));
  }
}

/** A listing as it was when it was asked for: the messages, lazily, and which of them were read then. */
export interface Listing {
  messages: Iterable<StoredMessage>;
  isRead(message: StoredMessage): boolean;
}

export class MessageStore {
  private readonly messages = new Map<string, StoredMessage>();
  /** Messages in first-arrival order: position = sequence number (held here too, so a sync reads no Map). */
  private readonly order: StoredMessage[] = [];
  /** Messages in Lamport order (compareByClock), up to those that arrived since it was last sorted. */
  private readonly byClock: StoredMessage[] = [];
  /** Where in `order` the messages not yet in byClock begin. */
  private sortedUpTo = 0;
  /** Counts re-sorts of byClock, so a cursor knows when to find its place again. */
  private version = 0;
  /**
   * Messages with a lower sequence number are read. Marking is always "everything so far" (the reference
   * marks every message read when `all` or `unread` is fetched), so one number holds the whole read state.
   */
  private readMark = 0;

  /** maxPaths: arrival paths kept per message (`--max-paths`); further ones are not recorded. */
  constructor(private readonly maxPaths = Number.POSITIVE_INFINITY) {}

  get size(): number {
    return this.messages.size;
  }

  get(id: string): StoredMessage | undefined {
    return this.messages.get(id);
  }

  add(
    message: { id: string; origin: number; relays: number; clock?: number },
    first: Arrival,
    counts = new RelayCounts(),
  ): StoredMessage {
    const { id, origin, relays, clock = 0 } = message;
    const stored = new StoredMessage(id, origin, relays, clock, this.order.length, first, counts);
    this.messages.set(message.id, stored);
    this.order.push(stored);
    return stored;
  }

  /** Records one more arrival path; false when the message already holds maxPaths of them. */
  addPath(message: StoredMessage, arrival: Arrival): boolean {
    if (message.arrivals.length >= this.maxPaths) return false;
    message.arrivals = message.arrivals.concat(arrival);
    return true;
  }

  /** The message with sequence number `seq` (its place in first-arrival order). */
  at(seq: number): StoredMessage | undefined {
    return this.order[seq];
  }

  /** Next sequence number. */
  get length(): number {
    return this.order.length;
  }

  isRead(message: StoredMessage): boolean {
    return message.seq < this.readMark;
  }

  /**
   * The messages that match the filter now, in Lamport order (see compareByClock): the same order on every
   * node. Lazy: a message that arrives while the listing is read is left out, one that was there is not.
   */
  listing(filter: ReadFilter): Listing {
    const limit = this.order.length;
    const readMark = this.readMark;
    const isRead = (message: StoredMessage): boolean => message.seq < readMark;
    const wanted = (message: StoredMessage): boolean =>
      message.seq < limit && (filter === 'all' || (filter === 'read') === isRead(message));
    return { messages: this.inOrder(wanted), isRead };
  }

  /** The messages matching the filter, in Lamport order, as an array. */
  select(filter: ReadFilter): StoredMessage[] {
    return [...this.listing(filter).messages];
  }

  /** Messages with exactly this id or exactly this text, in Lamport order, lazily. */
  find(query: string): Iterable<StoredMessage> {
    const limit = this.order.length;
    return this.inOrder((message) => message.seq < limit && (message.text === query || message.id === query));
  }

  /** The reference marks everything read when `all` or `unread` is fetched. Returns whether anything changed. */
  markAllRead(): boolean {
    const changed = this.readMark < this.order.length;
    this.readMark = this.order.length;
    return changed;
  }

  /** Walks byClock in order, finding its place again whenever it was sorted again meanwhile. */
  private *inOrder(wanted: (message: StoredMessage) => boolean): Generator<StoredMessage, void, undefined> {
    this.sortNewcomers();
    let index = 0;
    let version = this.version;
    let last: StoredMessage | undefined;
    for (;;) {
      this.sortNewcomers();
      if (version !== this.version) {
        index = last === undefined ? 0 : this.upperBound(last);
        version = this.version;
      }
      const message = this.byClock[index];
      if (message === undefined) return;
      index += 1;
      last = message;
      if (wanted(message)) yield message;
    }
  }

  /** Merges the messages that arrived since the last sort (the sort is mostly runs already in order). */
  private sortNewcomers(): void {
    if (this.sortedUpTo === this.order.length) return;
    for (let seq = this.sortedUpTo; seq < this.order.length; seq += 1)
      this.byClock.push(this.order[seq] as StoredMessage);
    this.sortedUpTo = this.order.length;
    this.byClock.sort(compareByClock);
    this.version += 1;
  }

  /** The first position whose message sorts after `message`. */
  private upperBound(message: StoredMessage): number {
    let low = 0;
    let high = this.byClock.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareByClock(this.byClock[middle] as StoredMessage, message) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/**
 * Lamport clock first, so a message sent after its sender saw another is listed after it whatever the wall
 * clocks say; concurrent messages with equal clocks by origin time, then id: a total order all nodes share.
 */
export function compareByClock(a: StoredMessage, b: StoredMessage): number {
  if (a.clock !== b.clock) return a.clock - b.clock;
  const byOrigin = compareOrigins(a.id, b.id);
  if (byOrigin !== 0) return byOrigin;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Orders two ids by the origin time after their last underscore, as numbers, without making a BigInt. */
function compareOrigins(a: string, b: string): number {
  const aEnd = messageIdTextEnd(a);
  const bEnd = messageIdTextEnd(b);
  if (aEnd === -1 || bEnd === -1) return aEnd === bEnd ? 0 : aEnd === -1 ? -1 : 1;
  // Digits without leading zeros but a lone 0 compare as numbers by length first; leading zeros are rare
  // enough (and harmless) to compare numerically the slow way.
  const aDigits = a.slice(aEnd + 1);
  const bDigits = b.slice(bEnd + 1);
  if ((aDigits.length > 1 && aDigits[0] === '0') || (bDigits.length > 1 && bDigits[0] === '0')) {
    const [x, y] = [BigInt(aDigits), BigInt(bDigits)];
    return x === y ? 0 : x < y ? -1 : 1;
  }
  if (aDigits.length !== bDigits.length) return aDigits.length - bDigits.length;
  return aDigits < bDigits ? -1 : aDigits > bDigits ? 1 : 0;
}
