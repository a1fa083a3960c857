import { describe, expect, it } from 'vitest';
import { fitScale, replayFrame, replaySteps, stepsDoneAt } from '../../src/propagation/replay.js';
import type { Arrival } from '../../src/propagation/tree.js';

const arrivals: Arrival[] = [
  { node: 3, path: [1, 2, 3], atMs: 1002, via: 'relay' },
  { node: 2, path: [1, 2], atMs: 1001, via: 'relay' },
  { node: 1, path: [1], atMs: 1000, via: 'origin' },
  { node: 3, path: [1, 4, 3], atMs: 1002, via: 'relay' },
  { node: 4, path: [1, 4], atMs: 1001, via: 'relay' },
  { node: 4, path: [1, 2, 3, 4], atMs: 1003, via: 'relay' },
];

describe('replaySteps', () => {
  it('orders steps by time, with ties by path length, then path, and numbers them', () => {
    const steps = replaySteps(arrivals, 1000);
    expect(steps.map((step) => `${step.index}:${step.path.join('-')}@${step.afterMs}`)).toEqual([
      '0:1@0',
      '1:1-2@1',
      '2:1-4@1',
      '3:1-2-3@2',
      '4:1-4-3@2',
      '5:1-2-3-4@3',
    ]);
  });

  it('marks the first copy at each node; later copies are redundant', () => {
    const steps = replaySteps(arrivals, 1000);
    expect(steps.map((step) => [step.node, step.from, step.first])).toEqual([
      [1, undefined, true],
      [2, 1, true],
      [4, 1, true],
      [3, 2, true],
      [3, 4, false],
      [4, 3, false],
    ]);
  });

  it('is the same whatever order the arrivals come in (a tie at the same ms and length included)', () => {
    const tie: Arrival[] = [
      { node: 7, path: [1, 5, 7], atMs: 1002, via: 'relay' },
      { node: 6, path: [1, 5, 6], atMs: 1002, via: 'relay' },
    ];
    const forward = replaySteps([...arrivals, ...tie], 1000);
    const backward = replaySteps([...tie, ...arrivals].reverse(), 1000);
    expect(backward).toEqual(forward);
    expect(forward.filter((step) => step.afterMs === 2).map((step) => step.path.join('-'))).toEqual([
      '1-2-3',
      '1-4-3',
      '1-5-6',
      '1-5-7',
    ]);
  });
});

describe('replay position', () => {
  const steps = replaySteps(arrivals, 1000);

  it('counts the steps done at a moment, ties at that moment included', () => {
    expect(stepsDoneAt(steps, -1)).toBe(0);
    expect(stepsDoneAt(steps, 0)).toBe(1);
    expect(stepsDoneAt(steps, 0.99)).toBe(1);
    expect(stepsDoneAt(steps, 1)).toBe(3);
    expect(stepsDoneAt(steps, 2.5)).toBe(5);
    expect(stepsDoneAt(steps, 100)).toBe(6);
    expect(stepsDoneAt([], 5)).toBe(0);
  });

  it('gives the reached nodes and the links crossed after some steps', () => {
    const frame = replayFrame(steps, 4);
    expect([...frame.reached]).toEqual([
      [1, 0],
      [2, 1],
      [4, 1],
      [3, 2],
    ]);
    expect([...frame.crossed.keys()]).toEqual(['1-2', '1-4', '2-3']);
    expect(frame.current?.index).toBe(3);
    const all = replayFrame(steps, 99);
    expect(all.crossed.get('4-3')).toEqual({ from: 4, to: 3, first: false });
    expect(all.reached.size).toBe(4);
    expect(replayFrame(steps, 0)).toEqual({ reached: new Map(), crossed: new Map(), current: undefined });
  });

  it('scales playback so the spread lasts the target, never faster than real time', () => {
    expect(fitScale(steps, 3000)).toBe(1000);
    expect(fitScale(replaySteps([{ node: 1, path: [1], atMs: 5, via: 'origin' }], 5), 3000)).toBe(3000);
    const slow = replaySteps([...arrivals, { node: 9, path: [1, 9], atMs: 11_000, via: 'catch-up' }], 1000);
    expect(fitScale(slow, 3000)).toBe(1);
  });
});
