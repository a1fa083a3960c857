// The messages a node holds: text, origin, every arrival path with its time and how it came, read state,
// and the order in which messages first arrived (the sequence peers sync from). Pure bookkeeping with no
// I/O: the journal replays into it after a restart.

import type { ReadFilter } from '../protocol/requests.js';
import { RelayCounts } from './relay-policy.js';

/**
 * How a path reached this node: submitted here, relayed by a peer, pulled from a peer by catch-up, or pushed
 * or pulled by a dissemination strategy (see strategies/).
 */
export type ArrivalVia = 'origin' | 'relay' | 'catch-up' | 'push' | 'pull';

export interface StoredPath {
  readonly path: readonly number[];
  /** Arrival time, ms since the epoch on this machine's clock. */
  readonly atMs: number;
  readonly via: ArrivalVia;
}

export interface StoredMessage {
  readonly id: string;
  readonly text: string;
  readonly origin: number;
  readonly originNs: bigint;
  readonly relays: number;
  /** Lamport clock stamped by the origin (0 when it came from a reference peer without one). */
  readonly clock: number;
  read: boolean;
  /** Replaced, never grown in place: an exactly sized array (a pushed one keeps room for 16 more). */
  paths: readonly StoredPath[];
  /** The relay rule's counts for this message (kept with it: one lookup per arrival). */
  readonly counts: RelayCounts;
}

export class MessageStore {
  private readonly messages = new Map<string, StoredMessage>();
  /** Messages in first-arrival order: position = sequence number (held here too, so a sync reads no Map). */
  private readonly order: StoredMessage[] = [];

  /** maxPaths: arrival paths kept per message (`--max-paths`); further ones are not recorded. */
  constructor(private readonly maxPaths = Number.POSITIVE_INFINITY) {}

  get size(): number {
    return this.messages.size;
  }

  get(id: string): StoredMessage | undefined {
    return this.messages.get(id);
  }

  add(
    message: Omit<StoredMessage, 'read' | 'paths' | 'counts' | 'clock'> & { clock?: number },
    first: StoredPath,
    counts = new RelayCounts(),
  ): StoredMessage {
    const { id, text, origin, originNs, relays, clock = 0 } = message;
    const stored: StoredMessage = {
      id,
      text,
      origin,
      originNs,
      relays,
      clock,
      read: false,
      paths: [first],
      counts,
    };
    this.messages.set(message.id, stored);
    this.order.push(stored);
    return stored;
  }

  /** Records one more arrival path; false when the message already holds maxPaths of them. */
  addPath(message: StoredMessage, path: StoredPath): boolean {
    if (message.paths.length >= this.maxPaths) return false;
    message.paths = message.paths.concat(path);
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

  /** Messages matching the filter, in Lamport order (see compareByClock): the same order on every node. */
  select(filter: ReadFilter): StoredMessage[] {
    const picked: StoredMessage[] = [];
    for (const message of this.messages.values()) {
      if (filter === 'all' || (filter === 'read') === message.read) picked.push(message);
    }
    return picked.sort(compareByClock);
  }

  /** Messages with exactly this id or exactly this text, in Lamport order. */
  find(query: string): StoredMessage[] {
    const byId = this.messages.get(query);
    const picked = byId === undefined ? [] : [byId];
    for (const message of this.messages.values()) {
      if (message.text === query && message !== byId) picked.push(message);
    }
    return picked.sort(compareByClock);
  }

  /** The reference marks everything read when `all` or `unread` is fetched. Returns whether anything changed. */
  markAllRead(): boolean {
    let changed = false;
    for (const message of this.messages.values()) {
      if (!message.read) {
        message.read = true;
        changed = true;
      }
    }
    return changed;
  }
}

/**
 * Lamport clock first, so a message sent after its sender saw another is listed after it whatever the wall
 * clocks say; concurrent messages with equal clocks by origin time, then id: a total order all nodes share.
 */
export function compareByClock(a: StoredMessage, b: StoredMessage): number {
  if (a.clock !== b.clock) return a.clock - b.clock;
  if (a.originNs !== b.originNs) return a.originNs < b.originNs ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
