// The messages a node holds: text, origin, every arrival path with its time, and read state.
// Pure bookkeeping with no I/O, so a durable log can later replay into it.

import type { ReadFilter } from '../protocol/requests.js';

export interface StoredPath {
  readonly path: readonly number[];
  /** Arrival time, ms since the epoch on this machine's clock. */
  readonly atMs: number;
}

export interface StoredMessage {
  readonly id: string;
  readonly text: string;
  readonly origin: number;
  readonly originNs: bigint;
  readonly relays: number;
  read: boolean;
  readonly paths: StoredPath[];
}

export class MessageStore {
  private readonly messages = new Map<string, StoredMessage>();

  get size(): number {
    return this.messages.size;
  }

  get(id: string): StoredMessage | undefined {
    return this.messages.get(id);
  }

  add(message: Omit<StoredMessage, 'read' | 'paths'>, first: StoredPath): StoredMessage {
    const stored: StoredMessage = { ...message, read: false, paths: [first] };
    this.messages.set(message.id, stored);
    return stored;
  }

  addPath(message: StoredMessage, path: StoredPath): void {
    message.paths.push(path);
  }

  /** Messages matching the filter, in origin-time order. */
  select(filter: ReadFilter): StoredMessage[] {
    const picked: StoredMessage[] = [];
    for (const message of this.messages.values()) {
      if (filter === 'all' || (filter === 'read') === message.read) picked.push(message);
    }
    return picked.sort(compareByOrigin);
  }

  /** The reference marks everything read when `all` or `unread` is fetched. */
  markAllRead(): void {
    for (const message of this.messages.values()) message.read = true;
  }
}

function compareByOrigin(a: StoredMessage, b: StoredMessage): number {
  if (a.originNs !== b.originNs) return a.originNs < b.originNs ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
