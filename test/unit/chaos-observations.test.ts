// How a chaos run turns what it saw into history and into words: a node's log as peer observations, and
// the timeline (entries close together on one line, detail dropped first when it is too long).

import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../src/chaos/history.js';
import { peerRecordsFromLog } from '../../src/chaos/peer-log.js';
import { formatTimeline, timelineEntries } from '../../src/chaos/timeline.js';

const line = (time: number, msg: string, fields: Record<string, unknown> = {}): string =>
  JSON.stringify({ level: 30, time, nodeId: 4, ...fields, msg });

describe("a node's log as peer observations", () => {
  it('folds what came before the run into one peer list, then keeps every change and restart', () => {
    const log = [
      line(100, 'node.started', { peers: ['2@127.0.0.1:7002', '3@127.0.0.1:7003'] }),
      line(150, 'message.accepted', { msgId: 'x_1' }),
      line(200, 'peer.dropped', { peer: 3, reason: 'silent for 1500 ms' }),
      line(300, 'peer.added', { peer: 5, reason: 'walk' }),
      'not json {',
      line(1_000, 'peer.connected', { peer: 5 }),
      line(1_200, 'peer.added', { peer: 7, reason: 'accepted' }),
      line(1_500, 'node.started', { peers: ['2@127.0.0.1:7002'] }),
    ];
    expect(peerRecordsFromLog(4, log, 1_000)).toEqual([
      { type: 'peers', atMs: 1_000, node: 4, source: 'log', peers: [2, 5] },
      { type: 'peer', atMs: 1_200, node: 4, source: 'log', change: 'added', peer: 7, reason: 'accepted' },
      { type: 'peers', atMs: 1_500, node: 4, source: 'log', peers: [2] },
    ]);
  });

  it('says nothing for a node that had not started by then, and nothing twice', () => {
    expect(peerRecordsFromLog(4, [], 1_000)).toEqual([]);
    expect(peerRecordsFromLog(4, [line(2_000, 'node.started', { peers: [] })], 1_000)).toEqual([
      { type: 'peers', atMs: 2_000, node: 4, source: 'log', peers: [] },
    ]);
  });
});

describe('the chaos timeline', () => {
  const start = 1_000_000;
  const history: HistoryRecord[] = [
    {
      type: 'nemesis',
      atMs: start + 1_000,
      step: { atMs: 1_000, fault: 1, action: 'inject', kind: 'kill', nodes: [5] },
      description: 'kill node 5 (SIGKILL)',
    },
    {
      type: 'peer',
      atMs: start + 1_030,
      node: 3,
      source: 'events',
      change: 'dropped',
      peer: 5,
      reason: 'closed',
    },
    {
      type: 'peer',
      atMs: start + 1_040,
      node: 3,
      source: 'log',
      change: 'dropped',
      peer: 5,
      reason: 'closed',
    },
    {
      type: 'peer',
      atMs: start + 1_050,
      node: 7,
      source: 'events',
      change: 'dropped',
      peer: 5,
      reason: 'closed',
    },
    {
      type: 'peer',
      atMs: start + 1_100,
      node: 3,
      source: 'events',
      change: 'added',
      peer: 7,
      reason: 'walk',
    },
    {
      type: 'peer',
      atMs: start + 1_200,
      node: 9,
      source: 'events',
      change: 'dropped',
      peer: 3,
      reason: 'refused us: full (3/3 peers)',
    },
    ...Array.from(
      { length: 8 },
      (_, index): HistoryRecord => ({
        type: 'sync',
        atMs: start + 2_000 + 200 * index,
        node: 5,
        peer: 3,
        learned: index + 1,
      }),
    ),
    { type: 'heal', atMs: start + 5_000, phase: 'begin' },
  ];

  it('tells faults, then what the nodes did about each (one line per kind), with times', () => {
    expect(formatTimeline(timelineEntries(history), start, 20)).toEqual([
      '     +1.00 s  fault      kill node 5 (SIGKILL)',
      '     +1.03 s  detect     3 dropped 5 (closed); 7 dropped 5 (closed)',
      '     +1.10 s  repair     3 took 7 (walk); 9 dropped 3 (refused us: full (3/3 peers))',
      '     +2.00 s  catch-up   5 learned 1 from 3; 5 learned 2 from 3; 5 learned 3 from 3; 5 learned 4 from 3; 5 learned 5 from 3; 5 learned 6 from 3; and 2 more',
      '     +5.00 s  heal       nemesis over: continue stopped nodes, restart killed ones, clear every fault and partition',
    ]);
  });

  it('drops catch-ups first when it is too long, then repairs, and says how many lines it left out', () => {
    expect(formatTimeline(timelineEntries(history), start, 3)).toEqual([
      '     +1.00 s  fault      kill node 5 (SIGKILL)',
      '     +1.03 s  detect     3 dropped 5 (closed); 7 dropped 5 (closed)',
      '     +5.00 s  heal       nemesis over: continue stopped nodes, restart killed ones, clear every fault and partition',
      '  (2 more lines of detail: --json or --history has them all)',
    ]);
  });
});
