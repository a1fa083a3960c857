// A summary per message seen in the events: text, origin, submission time, how many nodes it reached,
// how many copies and relay lines it cost, its last delivery, and its arrivals (for a replay). Bounded:
// the oldest messages go first, and a message keeps at most MAX_KEPT_ARRIVALS arrivals.

import type { Arrival } from '../../propagation/tree.js';
import { originNsToMs, parseMessageId } from '../../protocol/message-id.js';
import type { FeedEvent } from './feed-events.js';

/** Summaries kept in memory; older messages can still be replayed from the event log. */
export const DEFAULT_INDEX_CAPACITY = 500;
/** Arrivals kept per message: a replay needs them all, a flood must not take the memory. */
export const MAX_KEPT_ARRIVALS = 20_000;

export interface MessageSummary {
  id: string;
  text: string;
  origin: number;
  /** ms since the epoch; from the origin's own record when seen, else from the id's origin time. */
  submittedAtMs: number;
  reached: number;
  arrivals: number;
  relayLines: number;
  /** The last first arrival: last-delivery hop and ms after submission. */
  last: { node: number; hop: number; afterMs: number } | undefined;
}

interface Entry {
  summary: MessageSummary;
  reached: Map<number, { hop: number; atMs: number }>;
  arrivals: Arrival[];
}

export class MessageIndex {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = DEFAULT_INDEX_CAPACITY) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: string): MessageSummary | undefined {
    return this.entries.get(id)?.summary;
  }

  /** Every arrival seen of a message, in the order the events came; undefined for an unknown message. */
  arrivals(id: string): readonly Arrival[] | undefined {
    return this.entries.get(id)?.arrivals;
  }

  /** Newest first (by submission time). */
  recent(limit: number): MessageSummary[] {
    return [...this.entries.values()]
      .map((entry) => entry.summary)
      .sort((a, b) => b.submittedAtMs - a.submittedAtMs || (a.id < b.id ? 1 : -1))
      .slice(0, limit);
  }

  /** Records one event; returns the summary it changed, if any. */
  observe(event: FeedEvent): MessageSummary | undefined {
    switch (event.event) {
      case 'message.accepted': {
        const entry = this.entry(event.id, event.node);
        if (entry === undefined) return undefined;
        entry.summary.origin = event.node;
        this.resubmit(entry, event.atMs);
        return entry.summary;
      }
      case 'message.delivered': {
        const entry = this.entry(event.id, event.path[0] ?? event.node);
        if (entry === undefined) return undefined;
        const { summary } = entry;
        if (event.via === 'origin') {
          summary.origin = event.node;
          this.resubmit(entry, event.atMs);
        }
        summary.arrivals += 1;
        if (entry.arrivals.length < MAX_KEPT_ARRIVALS)
          entry.arrivals.push({ node: event.node, path: event.path, atMs: event.atMs, via: event.via });
        if (!entry.reached.has(event.node)) {
          entry.reached.set(event.node, { hop: event.path.length - 1, atMs: event.atMs });
          summary.reached = entry.reached.size;
          updateLast(entry);
        }
        return summary;
      }
      case 'message.relayed': {
        const entry = this.entries.get(event.id);
        if (entry === undefined) return undefined;
        entry.summary.relayLines += event.to.length;
        return entry.summary;
      }
      default:
        return undefined;
    }
  }

  private entry(id: string, origin: number): Entry | undefined {
    const known = this.entries.get(id);
    if (known !== undefined) return known;
    const parsed = parseMessageId(id);
    if (parsed === undefined) return undefined;
    const entry: Entry = {
      summary: {
        id,
        text: parsed.text,
        origin,
        submittedAtMs: originNsToMs(parsed.originNs),
        reached: 0,
        arrivals: 0,
        relayLines: 0,
        last: undefined,
      },
      reached: new Map(),
      arrivals: [],
    };
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return entry;
  }

  private resubmit(entry: Entry, atMs: number): void {
    entry.summary.submittedAtMs = atMs;
    updateLast(entry);
  }
}

function updateLast(entry: Entry): void {
  let last: MessageSummary['last'];
  for (const [node, { hop, atMs }] of entry.reached) {
    const afterMs = atMs - entry.summary.submittedAtMs;
    if (last === undefined || afterMs > last.afterMs || (afterMs === last.afterMs && hop > last.hop))
      last = { node, hop, afterMs };
  }
  entry.summary.last = last;
}
