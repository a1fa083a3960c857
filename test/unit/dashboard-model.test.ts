import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../src/dashboard/model/feed-events.js';
import { LiveCounters } from '../../src/dashboard/model/live-counters.js';
import { MessageIndex } from '../../src/dashboard/model/message-index.js';
import { describeLinkFaults, TopologyView } from '../../src/dashboard/model/topology-view.js';
import { NO_FAULT } from '../../src/protocol/fault-spec.js';
import type { FaultViewReply, PeerView } from '../../src/protocol/replies.js';

const peer = (id: number, state: PeerView['state'] = 'up'): PeerView => ({
  id,
  address: `127.0.0.1:${7000 + id}`,
  state,
  queued: 0,
  home: true,
});

function snapshot(node: number, peers: PeerView[], messages = 0): FeedEvent {
  return {
    event: 'snapshot',
    node,
    atMs: 1,
    address: `127.0.0.1:${7000 + node}`,
    pid: 100 + node,
    startedAtMs: 0,
    messages,
    peers,
  };
}

/** A triangle 1-2-3, every stream connected. */
function triangle(): TopologyView {
  const view = new TopologyView();
  view.apply(snapshot(1, [peer(2), peer(3)]));
  view.apply(snapshot(2, [peer(1), peer(3)]));
  view.apply(snapshot(3, [peer(1), peer(2)], 4));
  return view;
}

const linkStates = (view: TopologyView) => view.links().map((link) => `${link.key}:${link.state}`);

describe('TopologyView', () => {
  it('builds nodes and links from the snapshots', () => {
    const view = triangle();
    expect(view.list().map((node) => [node.id, node.status, node.messages])).toEqual([
      [1, 'up', 0],
      [2, 'up', 0],
      [3, 'up', 4],
    ]);
    expect(linkStates(view)).toEqual(['1-2:up', '1-3:up', '2-3:up']);
  });

  it('shows a link down as soon as one end reports it, and a lost node takes its links down', () => {
    const view = triangle();
    view.apply({ event: 'link.down', node: 1, atMs: 2, peer: 2, address: '', reason: 'closed', wasUp: true });
    expect(linkStates(view)).toEqual(['1-2:down', '1-3:up', '2-3:up']);
    view.apply({ event: 'node.status', node: 3, atMs: 3, status: 'down', address: '127.0.0.1:7003' });
    expect(linkStates(view)).toEqual(['1-2:down', '1-3:down', '2-3:down']);
  });

  it('follows removal and repair: dropped peers lose the link, a repair link appears once added', () => {
    const view = triangle();
    view.apply({ event: 'node.status', node: 3, atMs: 2, status: 'removed', address: '127.0.0.1:7003' });
    view.apply({ event: 'peer.dropped', node: 1, atMs: 2, peer: 3, address: '', reason: 'removed' });
    view.apply({ event: 'peer.dropped', node: 2, atMs: 2, peer: 3, address: '', reason: 'removed' });
    expect(view.get(3)?.status).toBe('removed');
    expect(linkStates(view)).toEqual(['1-2:up']);
    // A stream that is lost after removal does not bring the node back.
    view.apply({ event: 'node.status', node: 3, atMs: 3, status: 'down', address: '' });
    expect(view.get(3)?.status).toBe('removed');

    // Node 4 joins: a repair probe's link comes up before it becomes a peer.
    view.apply(snapshot(4, []));
    view.apply({ event: 'link.up', node: 1, atMs: 4, peer: 4, address: '127.0.0.1:7004' });
    expect(linkStates(view)).toEqual(['1-2:up']);
    view.apply({ event: 'peer.added', node: 1, atMs: 5, peer: 4, address: '127.0.0.1:7004', reason: 'walk' });
    view.apply({
      event: 'peer.added',
      node: 4,
      atMs: 5,
      peer: 1,
      address: '127.0.0.1:7001',
      reason: 'accepted',
    });
    expect(linkStates(view)).toEqual(['1-2:up', '1-4:down']);
    view.apply({ event: 'link.up', node: 4, atMs: 6, peer: 1, address: '127.0.0.1:7001' });
    expect(linkStates(view)).toEqual(['1-2:up', '1-4:up']);
  });

  it('counts messages held from first deliveries only, and a new snapshot resets the node', () => {
    const view = triangle();
    const delivered = (first: boolean): FeedEvent => ({
      event: 'message.delivered',
      node: 1,
      atMs: 2,
      id: 'a_1',
      path: [2, 1],
      first,
      via: 'relay',
    });
    view.apply(delivered(true));
    view.apply(delivered(false));
    expect(view.get(1)?.messages).toBe(1);
    view.apply({ event: 'node.status', node: 1, atMs: 3, status: 'down', address: '' });
    view.apply(snapshot(1, [peer(2, 'connecting')], 7));
    expect(view.get(1)).toMatchObject({ status: 'up', messages: 7 });
    expect(linkStates(view)).toEqual(['1-2:down', '1-3:up', '2-3:up']);
  });

  it('draws faulted links per direction, and the sides of a partition from the nodes’ cut sets', () => {
    const view = triangle();
    const faults = (node: number, extra: Partial<Omit<FaultViewReply, 'seed'>>): FeedEvent => ({
      event: 'link.faults',
      node,
      atMs: 2,
      links: [],
      all: NO_FAULT,
      cut: [],
      seed: node,
      ...extra,
    });
    const loss = { ...NO_FAULT, lossPercent: 30 };
    view.apply(faults(1, { links: [{ peer: 2, fault: loss, description: 'loss 30%' }] }));
    view.apply(faults(2, { all: { ...NO_FAULT, delayMs: 100 } }));
    const drawn = Object.fromEntries(view.links().map((link) => [link.key, link.faults]));
    expect(drawn).toEqual({
      '1-2': [
        { from: 1, to: 2, kind: 'loss', description: 'loss 30%' },
        { from: 2, to: 1, kind: 'delay', description: 'delay 100 ms' },
      ],
      '1-3': [],
      '2-3': [{ from: 2, to: 3, kind: 'delay', description: 'delay 100 ms' }],
    });
    const described = view.links().map(describeLinkFaults);
    expect(described).toEqual(['1→2: loss 30%; 2→1: delay 100 ms', '', '2→3: delay 100 ms']);
    expect(view.partition()).toBeUndefined();
    view.apply(faults(1, { cut: [3] }));
    view.apply(faults(2, { cut: [3] }));
    view.apply(faults(3, { cut: [1, 2] }));
    expect(view.partition()).toEqual([[1, 2], [3]]);
    // Healed: nobody is cut off, no fault is left.
    for (const node of [1, 2, 3]) view.apply(faults(node, {}));
    expect(view.partition()).toBeUndefined();
    expect(view.links().flatMap((link) => link.faults)).toEqual([]);
    // A snapshot brings the faults in force when the dashboard subscribes.
    view.apply({
      ...(snapshot(1, [peer(2)]) as Extract<FeedEvent, { event: 'snapshot' }>),
      faults: {
        links: [],
        all: { ...NO_FAULT, down: true },
        cut: [],
        seed: 1,
      },
    });
    expect(view.links().find((link) => link.key === '1-2')?.faults).toEqual([
      { from: 1, to: 2, kind: 'down', description: 'down' },
    ]);
  });

  it('round-trips through its snapshot (what the page starts from)', () => {
    const view = triangle();
    const copy = TopologyView.from(JSON.parse(JSON.stringify(view.toSnapshot())));
    expect(copy.toSnapshot()).toEqual(view.toSnapshot());
    copy.apply({ event: 'peer.dropped', node: 1, atMs: 2, peer: 2, address: '', reason: 'x' });
    expect(view.get(1)?.peers).toHaveLength(2);
  });
});

const accepted = (id: string, node: number, atMs: number): FeedEvent => ({
  event: 'message.accepted',
  node,
  atMs,
  id,
  relays: 1,
});
const delivered = (id: string, path: number[], atMs: number): FeedEvent => ({
  event: 'message.delivered',
  node: path[path.length - 1] as number,
  atMs,
  id,
  path,
  first: true,
  via: path.length === 1 ? 'origin' : 'relay',
});
const relayed = (id: string, node: number, to: number[]): FeedEvent => ({
  event: 'message.relayed',
  node,
  atMs: 0,
  id,
  to,
});

describe('MessageIndex', () => {
  it('summarises a message: origin, reach, copies, relay lines, last delivery', () => {
    const index = new MessageIndex();
    const id = 'Hi_1000000000';
    for (const event of [
      accepted(id, 1, 1000),
      delivered(id, [1], 1000.1),
      relayed(id, 1, [2, 3]),
      delivered(id, [1, 2], 1001),
      delivered(id, [1, 3], 1001.5),
      delivered(id, [1, 2, 3], 1002),
      relayed(id, 2, [3]),
      delivered(id, [1, 3, 4], 1003.1),
    ])
      index.observe(event);
    const summary = index.get(id);
    expect(summary).toMatchObject({ text: 'Hi', origin: 1, reached: 4, arrivals: 5, relayLines: 3 });
    expect(summary?.submittedAtMs).toBe(1000.1);
    expect(summary?.last?.node).toBe(4);
    expect(summary?.last?.hop).toBe(2);
    expect(summary?.last?.afterMs).toBeCloseTo(3, 6);
    expect(index.arrivals(id)?.map((arrival) => `${arrival.node}:${arrival.path.join('-')}`)).toEqual([
      '1:1',
      '2:1-2',
      '3:1-3',
      '3:1-2-3',
      '4:1-3-4',
    ]);
    expect(index.arrivals('other_1')).toBeUndefined();
  });

  it('knows a message it only saw arrive (sent before the dashboard started) from its id', () => {
    const index = new MessageIndex();
    index.observe(delivered('a|b_c_1500000000', [5, 6], 1502));
    expect(index.get('a|b_c_1500000000')).toMatchObject({ text: 'a|b_c', origin: 5, submittedAtMs: 1500 });
    expect(index.observe(delivered('not an id', [5, 6], 1))).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the oldest, and lists newest first', () => {
    const index = new MessageIndex(3);
    for (let i = 1; i <= 5; i += 1) index.observe(accepted(`m${i}_${i}`, 1, i * 1000));
    expect(index.size).toBe(3);
    expect(index.recent(10).map((message) => message.id)).toEqual(['m5_5', 'm4_4', 'm3_3']);
    expect(index.recent(1).map((message) => message.id)).toEqual(['m5_5']);
  });
});

describe('LiveCounters', () => {
  it('counts messages per second over the window, relays per settled message, and the newest last hop', () => {
    const index = new MessageIndex();
    const counters = new LiveCounters(10_000);
    const feed = (event: FeedEvent) => {
      index.observe(event);
      counters.observe(event);
    };
    for (let i = 0; i < 5; i += 1) {
      const id = `m_${(10_000 + i * 1000) * 1_000_000}`;
      feed(accepted(id, 1, 10_000 + i * 1000));
      feed(relayed(id, 1, [2, 3]));
      // The newest one is still spreading: only its first relays went out.
      if (i < 4) feed(relayed(id, 2, [3, 4, 5, 6]));
    }
    const latest = `m_${14_000 * 1_000_000}`;
    feed(delivered(latest, [1, 2], 14_001));
    feed(delivered(latest, [1, 2, 7], 14_003));

    const now = counters.values(14_500, index);
    expect(now.messagesPerSecond).toBe(0.5);
    // The newest message (14 000) is not settled at 14 500: the average is over the other four.
    expect(now.relaysPerMessage).toBe(6);
    expect(now.newest).toMatchObject({ id: latest, reached: 2, last: { node: 7, hop: 2 } });
    // 20 s later the window is empty.
    expect(counters.values(34_500, index).messagesPerSecond).toBe(0);
    expect(counters.values(34_500, index).relaysPerMessage).toBeCloseTo(26 / 5, 6);
  });

  it('keeps the window right when events from different nodes arrive out of order', () => {
    const counters = new LiveCounters(1_000);
    const index = new MessageIndex();
    counters.observe(accepted('a_1', 1, 5_000));
    counters.observe(accepted('b_1', 2, 3_000));
    counters.observe(accepted('c_1', 3, 4_500));
    expect(counters.values(5_200, index).messagesPerSecond).toBe(2);
    expect(counters.values(5_200, index).relaysPerMessage).toBeUndefined();
  });
});
