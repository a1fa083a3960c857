import { describe, expect, it } from 'vitest';
import { formatTrace } from '../../src/cli/format/trace.js';
import { arrivalsFrom, chooseMessage, originMs } from '../../src/propagation/from-listings.js';
import { buildPropagationTree } from '../../src/propagation/tree.js';
import type { MessageView } from '../../src/protocol/replies.js';

const view = (id: string, text: string, paths: Array<[number[], number]>): MessageView => ({
  id,
  text,
  origin: paths[0]?.[0][0] ?? 1,
  originNs: id.slice(id.lastIndexOf('_') + 1),
  relays: 1,
  clock: 0,
  read: false,
  paths: paths.map(([path, atMs]) => ({ path, atMs, via: path.length === 1 ? 'origin' : 'relay' })),
});

// A triangle 1-2-3 plus node 4 behind 3; "Hi" submitted at 1 at t = 1000 ms.
const id = 'Hi_1000000000';
const listings = [
  { node: 1, messages: [view(id, 'Hi', [[[1], 1000]])] },
  {
    node: 2,
    messages: [
      view(id, 'Hi', [
        [[1, 2], 1001],
        [[1, 3, 2], 1002.5],
      ]),
      view('Hi_900000000', 'Hi', [[[2], 900]]),
    ],
  },
  { node: 3, messages: [view(id, 'Hi', [[[1, 3], 1001.25]])] },
  { node: 4, messages: [view(id, 'Hi', [[[1, 3, 4], 1003]])] },
  { node: 5, messages: [] },
];

describe('trace: choosing the message and its arrivals', () => {
  it('takes an exact id, else the newest message with that text', () => {
    expect(chooseMessage(listings, 'Hi_900000000').chosen?.id).toBe('Hi_900000000');
    const byText = chooseMessage(listings, 'Hi');
    expect(byText.chosen?.id).toBe(id);
    expect(byText.others.map((message) => message.id)).toEqual(['Hi_900000000']);
    expect(chooseMessage(listings, 'nope').chosen).toBeUndefined();
  });

  it('collects every path of every node as an arrival', () => {
    expect(arrivalsFrom(listings, id).map((arrival) => `${arrival.node}:${arrival.path.join('-')}`)).toEqual([
      '1:1',
      '2:1-2',
      '2:1-3-2',
      '3:1-3',
      '4:1-3-4',
    ]);
    expect(originMs({ originNs: '1795426696500612060' })).toBeCloseTo(1795426696500.612, 3);
  });
});

describe('formatTrace', () => {
  it('draws the tree with times, hops, the link each first copy came over, and redundant copies', () => {
    const tree = buildPropagationTree(arrivalsFrom(listings, id), { origin: 1, submittedAtMs: 1000 });
    const text = formatTrace(
      {
        id,
        text: 'Hi',
        tree,
        notReached: [5],
        failed: [{ node: 6, reason: 'timed out' }],
        removed: [7],
        others: [],
      },
      () => '10:00:00.000',
    );
    expect(text).toBe(
      [
        '• Hi   (Hi_1000000000)',
        '  submitted to Gossip-Node-1 at 10:00:00.000; reached 4/5 nodes, the last after 3.00 ms at hop 2 (node 4)',
        '  5 arrivals: 4 first copies, 1 redundant (marked ×)',
        '',
        '  NODE               AFTER  HOP  HOW',
        '  1               +0.00 ms    0  submitted here',
        '  ├─ 2            +1.00 ms    1  from 1, 1.00 ms after 1 got it',
        '  │     × from 3  +2.50 ms    2  redundant: 1 ➜ 3 ➜ 2',
        '  └─ 3            +1.25 ms    1  from 1, 1.25 ms after 1 got it',
        '     └─ 4         +3.00 ms    2  from 3, 1.75 ms after 3 got it',
        '',
        '  not reached: 5',
        '  node 6 did not answer: timed out',
        '  removed from the network: 7',
      ].join('\n'),
    );
  });
});
