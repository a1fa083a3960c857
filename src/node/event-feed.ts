// The `/EVENTS` subscribers of a node: a snapshot line first, then one JSON line per node event. Does no
// work while nobody subscribes, serialises each event once, and never lets a subscriber that does not read
// make the node's memory grow: past a backlog cap its events are dropped and counted.

import { encodeLine } from '../protocol/encode.js';
import type { NodeEvent, NodeEventName, NodeEventOf } from '../protocol/events.js';
import type { GossipNode } from './gossip-node.js';

/** Bytes that may wait in one subscriber's socket before its events are dropped (and counted). */
export const MAX_SUBSCRIBER_BACKLOG_BYTES = 1024 * 1024;
/** Most `/EVENTS` subscribers one node serves at once. */
export const MAX_SUBSCRIBERS = 32;

/** What the feed needs of a subscriber's socket (a net.Socket is one). */
export interface EventSink {
  write(text: string): unknown;
  readonly writableLength: number;
  readonly destroyed: boolean;
}

interface Subscriber {
  sink: EventSink;
  /** Events left out since the last line this subscriber got. */
  dropped: number;
}

type Body<K extends NodeEventName> = Omit<NodeEventOf<K>, 'event' | 'node' | 'atMs'>;

export class EventFeed {
  private readonly subscribers = new Map<EventSink, Subscriber>();

  constructor(
    private readonly node: GossipNode,
    private readonly now: () => number = () => performance.timeOrigin + performance.now(),
  ) {
    this.attach();
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Sends the snapshot and subscribes; false when the node already serves MAX_SUBSCRIBERS. */
  add(sink: EventSink): boolean {
    if (this.subscribers.size >= MAX_SUBSCRIBERS) return false;
    const stats = this.node.stats(process.pid);
    const snapshot: NodeEvent = {
      event: 'snapshot',
      node: this.node.id,
      atMs: this.now(),
      address: stats.address,
      pid: stats.pid,
      startedAtMs: stats.startedAtMs,
      messages: stats.messages,
      peers: stats.peers,
    };
    sink.write(encodeLine(snapshot));
    this.subscribers.set(sink, { sink, dropped: 0 });
    return true;
  }

  remove(sink: EventSink): void {
    this.subscribers.delete(sink);
  }

  private publish<K extends NodeEventName>(event: K, body: Body<K>, atMs = this.now()): void {
    // One serialisation per event, whatever the number of subscribers.
    const line = encodeLine({ event, node: this.node.id, atMs, ...body });
    for (const subscriber of this.subscribers.values()) {
      if (subscriber.sink.destroyed) continue;
      if (subscriber.sink.writableLength > MAX_SUBSCRIBER_BACKLOG_BYTES) {
        subscriber.dropped += 1;
        this.node.counters.add('eventsDropped');
        continue;
      }
      if (subscriber.dropped > 0) {
        const notice = { event: 'events.dropped', node: this.node.id, atMs, dropped: subscriber.dropped };
        subscriber.sink.write(encodeLine(notice));
        subscriber.dropped = 0;
      }
      subscriber.sink.write(line);
    }
  }

  /** Listens to the node for good; each handler returns at once while nobody subscribes. */
  private attach(): void {
    const { events } = this.node;
    const idle = (): boolean => this.subscribers.size === 0;
    events.on('message.accepted', ({ id, relays }) => {
      if (!idle()) this.publish('message.accepted', { id, relays });
    });
    events.on('message.delivered', ({ id, path, atMs, first, via }) => {
      if (!idle()) this.publish('message.delivered', { id, path: [...path], first, via }, atMs);
    });
    events.on('message.relayed', ({ id, to }) => {
      if (!idle()) this.publish('message.relayed', { id, to: [...to] });
    });
    events.on('link.up', ({ peer, address }) => {
      if (!idle()) this.publish('link.up', { peer, address });
    });
    events.on('link.down', ({ peer, address, reason, wasUp }) => {
      if (!idle()) this.publish('link.down', { peer, address, reason, wasUp });
    });
    events.on('peer.added', ({ peer, address, reason }) => {
      if (!idle()) this.publish('peer.added', { peer, address, reason });
    });
    events.on('peer.dropped', ({ peer, address, reason }) => {
      if (!idle()) this.publish('peer.dropped', { peer, address, reason });
    });
    // Anti-entropy asks every second; only a sync that repaired something is news.
    events.on('sync.received', ({ peer, learned, more }) => {
      if (!idle() && learned > 0) this.publish('sync.received', { peer, learned, more });
    });
  }
}
