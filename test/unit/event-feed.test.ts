// The /EVENTS feed of a real (unstarted) GossipNode with a fake clock; subscribers are sinks whose backlog
// the test sets, as a socket's grows when its reader stops reading.

import { beforeEach, describe, expect, it } from 'vitest';
import {
  EventFeed,
  type EventSink,
  MAX_STALL_MS,
  MAX_SUBSCRIBER_BACKLOG_BYTES,
  MAX_SUBSCRIBERS,
} from '../../src/node/event-feed.js';
import type { GossipNode } from '../../src/node/gossip-node.js';
import { parseNodeEvent } from '../../src/protocol/events.js';
import { unstartedNode } from '../helpers/lone-node.js';

class Sink implements EventSink {
  lines: string[] = [];
  writableLength = 0;
  destroyed = false;
  write(text: string): void {
    this.lines.push(text);
  }
  destroy(): void {
    this.destroyed = true;
  }
}

let clock: number;
let node: GossipNode;
let feed: EventFeed;

beforeEach(() => {
  clock = 1_000_000;
  node = unstartedNode({ now: () => clock });
  feed = new EventFeed(node);
});

const event = () => node.events.emit('message.accepted', { id: `x_${clock}`, relays: 1 });

describe('EventFeed', () => {
  it('sends a snapshot, then one line per event', () => {
    const sink = new Sink();
    expect(feed.add(sink)).toBe(true);
    event();
    expect(sink.lines.map((line) => JSON.parse(line).event)).toEqual(['snapshot', 'message.accepted']);
  });

  it('carries the faults in the snapshot and publishes every change of them (the dashboard draws them)', () => {
    const sink = new Sink();
    feed.add(sink);
    node.setFault(2, { delayMs: 0, jitterMs: 0, lossPercent: 30, down: false });
    node.partition([3, 4]);
    const [snapshot, fault, cut] = sink.lines.map((line) => JSON.parse(line));
    expect(snapshot.faults).toMatchObject({ links: [], cut: [] });
    expect(fault).toMatchObject({
      event: 'link.faults',
      node: 1,
      links: [{ peer: 2, description: 'loss 30%' }],
    });
    expect(cut).toMatchObject({ event: 'link.faults', cut: [3, 4] });
    expect(parseNodeEvent(sink.lines[2] ?? '')).toMatchObject({ event: 'link.faults', cut: [3, 4] });
  });

  it('drops the events of a subscriber that does not read, then closes it after MAX_STALL_MS', () => {
    const stuck = new Sink();
    const reader = new Sink();
    feed.add(stuck);
    feed.add(reader);
    stuck.writableLength = MAX_SUBSCRIBER_BACKLOG_BYTES + 1;
    event();
    clock += MAX_STALL_MS - 1;
    event();
    feed.sweep();
    expect(stuck.destroyed).toBe(false);
    expect(node.counters.values.eventsDropped).toBe(2);
    clock += 1;
    feed.sweep();
    expect(stuck.destroyed).toBe(true);
    expect(reader.destroyed).toBe(false);
    expect(node.counters.values.subscribersClosed).toBe(1);
    // Its slot is free: the stuck sink gets nothing more.
    event();
    expect(stuck.lines).toHaveLength(1);
    expect(reader.lines).toHaveLength(4);
  });

  it('does not close a subscriber that caught up, even before another event came', () => {
    const slow = new Sink();
    feed.add(slow);
    slow.writableLength = MAX_SUBSCRIBER_BACKLOG_BYTES + 1;
    event();
    slow.writableLength = 0;
    clock += MAX_STALL_MS * 2;
    feed.sweep();
    expect(slow.destroyed).toBe(false);
    event();
    expect(slow.lines.map((line) => JSON.parse(line).event)).toEqual([
      'snapshot',
      'events.dropped',
      'message.accepted',
    ]);
  });

  it('when every slot is taken, refuses a newcomer unless a subscriber is stalled, whose slot it then takes', () => {
    const sinks = Array.from({ length: MAX_SUBSCRIBERS }, () => new Sink());
    for (const sink of sinks) expect(feed.add(sink)).toBe(true);
    expect(feed.add(new Sink())).toBe(false);
    const [, second, third] = sinks;
    if (second === undefined || third === undefined) throw new Error('no sinks');
    second.writableLength = MAX_SUBSCRIBER_BACKLOG_BYTES + 1;
    event();
    clock += 10;
    third.writableLength = MAX_SUBSCRIBER_BACKLOG_BYTES + 1;
    event();
    const newcomer = new Sink();
    expect(feed.add(newcomer)).toBe(true);
    expect(second.destroyed).toBe(true);
    expect(third.destroyed).toBe(false);
    expect(newcomer.lines).toHaveLength(1);
  });
});
