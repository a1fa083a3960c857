// The chaos history checker on hand-made histories: a valid one passes, and a lost message, an invented
// one, an altered text, a forged path, an over-cap node, a split overlay and an unexplained death are each
// flagged, naming the messages and nodes.

import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../src/chaos/checker.js';
import { chaosFigures } from '../../src/chaos/figures.js';
import { type HeldMessage, type HistoryRecord, parseHistory } from '../../src/chaos/history.js';

const START = 1_000_000;
/** A message id as a node makes it, submitted `ms` after the start. */
const idAt = (text: string, ms: number): string => `${text}_${BigInt(START + ms) * 1_000_000n}`;
const ONE = idAt('chaos-1-1', 100);
const TWO = idAt('chaos-1-2', 200);

type Paths = Array<[number[], number]>;
const held = (id: string, text: string, paths: Paths): HeldMessage => ({
  id,
  text,
  paths: paths.map(([path, atMs]) => ({
    path,
    atMs: START + atMs,
    via: path.length === 1 ? 'origin' : 'relay',
  })),
});

/**
 * Three nodes in a line 1 - 2 - 3 (and 1-3 only from +5 s on, when the log saw 3 take 1 as a peer).
 * Message ONE from node 1 at +100 ms, TWO from node 3 at +200 ms; both reach everyone along the line (TWO
 * reaches node 1 only after the heal began at +10 s).
 */
function validHistory(): HistoryRecord[] {
  return [
    {
      type: 'run',
      atMs: START,
      seed: 1,
      durationMs: 10_000,
      rate: 1,
      faults: ['kill'],
      nodes: [1, 2, 3],
      maxPeers: 2,
      home: '/tmp/x',
    },
    { type: 'baseline', atMs: START, ids: ['old_5'] },
    { type: 'peers', atMs: START, node: 1, source: 'events', peers: [2] },
    { type: 'peers', atMs: START, node: 2, source: 'events', peers: [1, 3] },
    { type: 'peers', atMs: START, node: 3, source: 'events', peers: [2] },
    { type: 'submit', atMs: START + 90, seq: 1, node: 1, text: 'chaos-1-1', ackAtMs: START + 110, id: ONE },
    { type: 'submit', atMs: START + 190, seq: 2, node: 3, text: 'chaos-1-2', ackAtMs: START + 210, id: TWO },
    { type: 'process', atMs: START + 300, node: 2, pid: 22, event: 'killed' },
    { type: 'process', atMs: START + 900, node: 2, pid: 23, event: 'started' },
    { type: 'peer', atMs: START + 5_000, node: 3, source: 'log', change: 'added', peer: 1, reason: 'walk' },
    { type: 'heal', atMs: START + 10_000, phase: 'begin' },
    { type: 'heal', atMs: START + 10_100, phase: 'done' },
    {
      type: 'holdings',
      atMs: START + 11_000,
      node: 1,
      messages: [
        held(ONE, 'chaos-1-1', [[[1], 100]]),
        held(TWO, 'chaos-1-2', [[[3, 2, 1], 10_400]]),
        { id: 'old_5', text: 'old', paths: [] },
      ],
    },
    {
      type: 'holdings',
      atMs: START + 11_000,
      node: 2,
      messages: [held(ONE, 'chaos-1-1', [[[1, 2], 120]]), held(TWO, 'chaos-1-2', [[[3, 2], 230]])],
    },
    {
      type: 'holdings',
      atMs: START + 11_000,
      node: 3,
      messages: [held(ONE, 'chaos-1-1', [[[1, 2, 3], 140]]), held(TWO, 'chaos-1-2', [[[3], 200]])],
    },
    { type: 'peers', atMs: START + 11_000, node: 1, source: 'final', peers: [2, 3] },
    { type: 'peers', atMs: START + 11_000, node: 2, source: 'final', peers: [1] },
    { type: 'peers', atMs: START + 11_000, node: 3, source: 'final', peers: [1] },
    { type: 'alive', atMs: START + 11_000, node: 1, pid: 21, alive: true },
    { type: 'alive', atMs: START + 11_000, node: 2, pid: 23, alive: true },
    { type: 'alive', atMs: START + 11_000, node: 3, pid: 24, alive: true },
  ];
}

/** The history with node `node`'s listing changed. */
function withHoldings(node: number, change: (messages: HeldMessage[]) => HeldMessage[]): HistoryRecord[] {
  return validHistory().map((record) =>
    record.type === 'holdings' && record.node === node
      ? { ...record, messages: change(record.messages ?? []) }
      : record,
  );
}

const kinds = (history: HistoryRecord[]) => checkHistory(history).violations.map((v) => v.kind);

describe('the chaos history checker', () => {
  it('finds a valid history valid, and its figures', () => {
    const history = validHistory();
    const result = checkHistory(history);
    expect(result.violations).toEqual([]);
    expect(result.valid).toBe(true);
    const figures = chaosFigures(history, result.links);
    expect(figures).toMatchObject({
      submitted: 2,
      acknowledged: 2,
      liveAtEnd: 3,
      deliveries: { expected: 6, held: 6 },
      paths: 6,
      // TWO reached node 1 0.4 s after the heal began.
      fullDeliveryAfterHealMs: 400,
      longestUnavailability: { node: 2, ms: 600, how: 'killed' },
      maxPeersSeen: 2,
    });
  });

  it('flags a lost message: acknowledged, but missing at a node that is up at the end', () => {
    const result = checkHistory(withHoldings(3, (messages) => messages.filter((m) => m.id !== ONE)));
    expect(result.valid).toBe(false);
    expect(result.violations).toEqual([
      expect.objectContaining({ invariant: 1, kind: 'lost', ids: [ONE], nodes: [3] }),
    ]);
    expect(result.violations[0]?.text).toContain('acknowledged by node 1');
  });

  it('flags a node that is up at the end but does not list its messages', () => {
    const history = validHistory().map((record) =>
      record.type === 'holdings' && record.node === 2
        ? { type: 'holdings' as const, atMs: record.atMs, node: 2, error: 'timed out' }
        : record,
    );
    expect(checkHistory(history).violations).toEqual([
      expect.objectContaining({ invariant: 1, kind: 'unanswered', nodes: [2] }),
    ]);
  });

  it('flags an invented message, but not one held from before the run or one submitted without an answer', () => {
    const ghost = idAt('ghost', 500);
    expect(
      checkHistory(withHoldings(2, (m) => [...m, held(ghost, 'ghost', [[[2], 500]])])).violations,
    ).toEqual([expect.objectContaining({ invariant: 2, kind: 'invented', ids: [ghost], nodes: [2] })]);
    // Submitted to node 2, never acknowledged (it timed out), held anyway: allowed.
    const late = idAt('chaos-1-3', 400);
    const history = withHoldings(2, (m) => [...m, held(late, 'chaos-1-3', [[[2], 400]])]);
    history.push({
      type: 'submit',
      atMs: START + 390,
      seq: 3,
      node: 2,
      text: 'chaos-1-3',
      error: 'no reply',
    });
    expect(kinds(history)).toEqual([]);
  });

  it('flags a text that is not the one the client sent', () => {
    const altered = withHoldings(2, (messages) =>
      messages.map((message) => (message.id === ONE ? { ...message, text: 'chaos-1-1 (edited)' } : message)),
    );
    expect(checkHistory(altered).violations).toEqual([
      expect.objectContaining({ invariant: 2, kind: 'altered', ids: [ONE], nodes: [2] }),
    ]);
  });

  it('flags a forged path: a hop along a link that never existed', () => {
    // 1 -> 3 directly at +130 ms: nodes 1 and 3 were never linked before +5 s.
    const forged = withHoldings(3, (messages) =>
      messages.map((m) =>
        m.id === ONE
          ? held(ONE, 'chaos-1-1', [
              [[1, 2, 3], 140],
              [[1, 3], 130],
            ])
          : m,
      ),
    );
    const [violation, ...rest] = checkHistory(forged).violations;
    expect(rest).toEqual([]);
    expect(violation).toMatchObject({ invariant: 3, kind: 'bad-path', ids: [ONE], nodes: [1, 3] });
    expect(violation?.text).toContain('1 ➜ 3 uses link 1-3, which did not exist while the message travelled');
    // A link nobody ever listed.
    const never = withHoldings(2, (m) =>
      m.map((x) => (x.id === TWO ? held(TWO, 'chaos-1-2', [[[3, 4, 2], 230]]) : x)),
    );
    expect(checkHistory(never).violations[0]?.text).toContain('uses link 3-4, which never existed');
  });

  it('flags paths that do not start at the origin or do not end at their holder', () => {
    const wrongStart = withHoldings(2, (m) =>
      m.map((x) => (x.id === ONE ? held(ONE, 'chaos-1-1', [[[3, 2], 120]]) : x)),
    );
    expect(checkHistory(wrongStart).violations[0]?.text).toContain('does not start at its origin, node 1');
    const wrongEnd = withHoldings(2, (m) =>
      m.map((x) => (x.id === ONE ? held(ONE, 'chaos-1-1', [[[1], 120]]) : x)),
    );
    expect(checkHistory(wrongEnd).violations[0]?.text).toContain('does not end at its holder');
  });

  it('accepts a path along a link that lived for a moment only, seen in one source', () => {
    const history = withHoldings(3, (m) =>
      m.map((x) => (x.id === ONE ? held(ONE, 'chaos-1-1', [[[1, 3], 125]]) : x)),
    );
    history.push(
      { type: 'peer', atMs: START + 120, node: 3, source: 'log', change: 'added', peer: 1, reason: 'walk' },
      {
        type: 'peer',
        atMs: START + 126,
        node: 3,
        source: 'log',
        change: 'dropped',
        peer: 1,
        reason: 'evicted',
      },
    );
    expect(kinds(history)).toEqual([]);
  });

  it('flags a node with more peers than the cap, at the moment it had them', () => {
    const history = validHistory();
    history.push({
      type: 'peer',
      atMs: START + 2_000,
      node: 2,
      source: 'events',
      change: 'added',
      peer: 4,
      reason: 'walk',
    });
    const [violation] = checkHistory(history).violations;
    expect(violation).toMatchObject({ invariant: 4, kind: 'over-cap', nodes: [2] });
    expect(violation?.text).toBe('node 2 had 3 peers (1, 3, 4) at +2.00 s (cap 2; seen in its event stream)');
  });

  it('flags an overlay that is split after healing (links count when both ends list them)', () => {
    const history = validHistory().map((record) =>
      record.type === 'peers' && record.source === 'final' && record.node === 3
        ? { ...record, peers: [2] }
        : record,
    );
    const [violation] = checkHistory(history).violations;
    expect(violation).toMatchObject({ invariant: 4, kind: 'disconnected' });
    expect(violation?.text).toContain('{1,2} | {3}');
  });

  it('flags a process that died without the nemesis, and not one it killed', () => {
    const history = validHistory();
    history.push(
      { type: 'process', atMs: START + 3_000, node: 3, pid: 24, event: 'exited' },
      { type: 'process', atMs: START + 4_000, node: 1, pid: 21, event: 'killed' },
      { type: 'process', atMs: START + 4_010, node: 1, pid: 21, event: 'exited' },
    );
    const violations = checkHistory(history).violations;
    expect(violations).toEqual([expect.objectContaining({ invariant: 5, kind: 'died', nodes: [3] })]);
    expect(violations[0]?.text).toBe('node 3 (pid 24) died at +3.00 s, and the nemesis did not kill it');
  });

  it('reads a history back from NDJSON, and says which line is bad', () => {
    const history = validHistory();
    const text = history.map((record) => JSON.stringify(record)).join('\n');
    expect(parseHistory(text)).toEqual({ records: history });
    expect(parseHistory(`${text}\n{"type":"submit","atMs":1}`)).toEqual({
      problem: expect.stringMatching(new RegExp(`^line ${history.length + 1}: `)),
    });
  });
});
