// The `/EVENTS` subscribers of a node: a snapshot line first, then one JSON line per node event. Listens to
// the node only while someone subscribes (so the node builds no event objects otherwise), serialises each
// event once, and never lets a subscriber that does not read make the node's memory grow: past a backlog
// cap its events are dropped and counted. One that has had its events dropped for MAX_STALL_MS is closed,
// and one that is dropping gives its slot to a new subscriber when all are taken, so subscribers that never
// read cannot lock the dashboard out. Times are the node's own clock.

import { encodeLine } from '../protocol/encode.js';
import type { NodeEvent, NodeEventName, NodeEventOf } from '../protocol/events.js';
import type { GossipNode, NodeEvents } from './gossip-node.js';

/** Bytes that may wait in one subscriber's socket before its events are dropped (and counted). */
export const MAX_SUBSCRIBER_BACKLOG_BYTES = 1024 * 1024;
/** Most `/EVENTS` subscribers one node serves at once. */
export const MAX_SUBSCRIBERS = 32;
/** A subscriber whose events have been dropped (it does not read) for this long is closed. */
export const MAX_STALL_MS = 30_000;

/** What the feed needs of a subscriber's socket (a net.Socket is one). */
export interface EventSink {
  write(text: string): unknown;
  readonly writableLength: number;
  readonly destroyed: boolean;
  destroy(): void;
}

interface Subscriber {
  /** Events left out since the last line this subscriber got. */
  dropped: number;
  /** When its events began to be dropped (undefined while it keeps up). */
  stalledSinceMs: number | undefined;
}

type Body<K extends NodeEventName> = Omit<NodeEventOf<K>, 'event' | 'node' | 'atMs'>;

export class EventFeed {
  private readonly subscribers = new Map<EventSink, Subscriber>();
  /** Detaches the node listeners; set while anyone subscribes. */
  private detach: (() => void) | undefined;

  constructor(private readonly node: GossipNode) {}

  /**
   * Sends the snapshot and subscribes; false when the node already serves MAX_SUBSCRIBERS that all keep up
   * (else the one stalled longest is closed to make room).
   */
  add(sink: EventSink): boolean {
    this.sweep();
    if (this.subscribers.size >= MAX_SUBSCRIBERS && !this.closeLongestStalled()) return false;
    const stats = this.node.stats(process.pid);
    const snapshot: NodeEvent = {
      event: 'snapshot',
      node: this.node.id,
      atMs: this.node.now(),
      address: stats.address,
      pid: stats.pid,
      startedAtMs: stats.startedAtMs,
      messages: stats.messages,
      peers: stats.peers,
      faults: stats.faults,
    };
    sink.write(encodeLine(snapshot));
    this.subscribers.set(sink, { dropped: 0, stalledSinceMs: undefined });
    this.detach ??= this.attach();
    return true;
  }

  remove(sink: EventSink): void {
    this.subscribers.delete(sink);
    if (this.subscribers.size > 0) return;
    this.detach?.();
    this.detach = undefined;
  }

  /** Closes the subscribers stalled for MAX_STALL_MS (called on every event, and by a timer at the edge). */
  sweep(): void {
    const now = this.node.now();
    for (const [sink, subscriber] of this.subscribers) {
      const since = subscriber.stalledSinceMs;
      if (since === undefined) continue;
      // It read what was waiting meanwhile: it keeps up again.
      if (sink.writableLength <= MAX_SUBSCRIBER_BACKLOG_BYTES) subscriber.stalledSinceMs = undefined;
      else if (now - since >= MAX_STALL_MS) this.close(sink);
    }
  }

  private closeLongestStalled(): boolean {
    let longest: [EventSink, number] | undefined;
    for (const [sink, { stalledSinceMs }] of this.subscribers) {
      if (stalledSinceMs !== undefined && (longest === undefined || stalledSinceMs < longest[1]))
        longest = [sink, stalledSinceMs];
    }
    if (longest === undefined) return false;
    this.close(longest[0]);
    return true;
  }

  private close(sink: EventSink): void {
    this.node.counters.add('subscribersClosed');
    sink.destroy();
    this.remove(sink);
  }

  private publish<K extends NodeEventName>(event: K, body: Body<K>, atMs = this.node.now()): void {
    // One serialisation per event, whatever the number of subscribers.
    const line = encodeLine({ event, node: this.node.id, atMs, ...body });
    this.sweep();
    for (const [sink, subscriber] of this.subscribers) {
      if (sink.destroyed) continue;
      if (sink.writableLength > MAX_SUBSCRIBER_BACKLOG_BYTES) {
        subscriber.dropped += 1;
        subscriber.stalledSinceMs ??= this.node.now();
        this.node.counters.add('eventsDropped');
        continue;
      }
      subscriber.stalledSinceMs = undefined;
      if (subscriber.dropped > 0) {
        const notice = { event: 'events.dropped', node: this.node.id, atMs, dropped: subscriber.dropped };
        sink.write(encodeLine(notice));
        subscriber.dropped = 0;
      }
      sink.write(line);
    }
  }

  /** Listens to the node; returns what stops listening. */
  private attach(): () => void {
    const { events } = this.node;
    const handlers = {
      'message.accepted': ({ id, relays }) => this.publish('message.accepted', { id, relays }),
      'message.delivered': ({ id, path, atMs, first, via }) =>
        this.publish('message.delivered', { id, path: [...path], first, via }, atMs),
      'message.relayed': ({ id, to }) => this.publish('message.relayed', { id, to: [...to] }),
      'link.up': ({ peer, address }) => this.publish('link.up', { peer, address }),
      'link.down': ({ peer, address, reason, wasUp }) =>
        this.publish('link.down', { peer, address, reason, wasUp }),
      'peer.added': ({ peer, address, reason }) => this.publish('peer.added', { peer, address, reason }),
      'peer.dropped': ({ peer, address, reason }) => this.publish('peer.dropped', { peer, address, reason }),
      'link.faults': ({ links, all, cut, seed }) => this.publish('link.faults', { links, all, cut, seed }),
      // Anti-entropy asks every second; only a sync that repaired something is news.
      'sync.received': ({ peer, learned, more }) => {
        if (learned > 0) this.publish('sync.received', { peer, learned, more });
      },
    } satisfies { [K in keyof NodeEvents]?: (...args: NodeEvents[K]) => void };
    const names = Object.keys(handlers) as Array<keyof typeof handlers>;
    for (const name of names) events.on(name, handlers[name] as never);
    return () => {
      for (const name of names) events.off(name, handlers[name] as never);
    };
  }
}
