// The pure parts of link faults: the wire spelling, the per-line plan (loss, delay, jitter, rate, FIFO),
// and partitions as the CLI names them.

import { describe, expect, it } from 'vitest';
import { cutSets, planPartition } from '../../src/network/partition-plan.js';
import { newShapingState, planLine } from '../../src/node/faults/shaping.js';
import {
  describeFault,
  formatFaultSpec,
  type LinkFault,
  NO_FAULT,
  parseFaultSpec,
} from '../../src/protocol/fault-spec.js';
import { createPrng } from '../../src/topology/prng.js';

const fault = (parts: Partial<LinkFault>): LinkFault => ({ ...NO_FAULT, ...parts });

describe('fault specs', () => {
  it('reads and writes the wire spelling', () => {
    expect(parseFaultSpec('delay=100,jitter=20,loss=10,rate=50,down,seed=7')).toEqual({
      ok: true,
      fault: { delayMs: 100, jitterMs: 20, lossPercent: 10, rateKBps: 50, down: true },
      seed: 7,
    });
    expect(parseFaultSpec('clear')).toEqual({ ok: true, fault: NO_FAULT });
    const spec = 'delay=100,jitter=20,loss=2.5,rate=50';
    const parsed = parseFaultSpec(spec);
    expect(parsed.ok && formatFaultSpec(parsed.fault)).toBe(spec);
    expect(formatFaultSpec(NO_FAULT)).toBe('clear');
    expect(describeFault(fault({ delayMs: 100, jitterMs: 20, lossPercent: 10, rateKBps: 50 }))).toBe(
      'delay 100±20 ms, loss 10%, 50 kB/s',
    );
  });

  it('refuses what no link can be', () => {
    for (const spec of [
      'loss=101',
      'delay=-1',
      'delay=60001',
      'rate=0',
      'speed=3',
      'down=1',
      'delay',
      '',
      'seed=1.5',
    ]) {
      expect(parseFaultSpec(spec).ok, spec).toBe(false);
    }
  });
});

describe('planLine', () => {
  it('drops everything on a link that is down', () => {
    const state = newShapingState();
    expect(planLine(fault({ down: true }), state, 10, 0, Math.random)).toBeUndefined();
  });

  it('loses lines at the asked rate, and the same seed loses the same lines', () => {
    const plan = (seed: number) => {
      const random = createPrng(seed);
      const state = newShapingState();
      return Array.from({ length: 10_000 }, (_, index) =>
        planLine(fault({ lossPercent: 30 }), state, 10, index, random) === undefined ? 1 : 0,
      );
    };
    const lost = plan(11).reduce((sum: number, one) => sum + one, 0);
    // Binomial(10000, 0.3): mean 3000, standard deviation 46.
    expect(Math.abs(lost - 3_000)).toBeLessThan(5 * 46);
    expect(plan(11)).toEqual(plan(11));
    expect(plan(12)).not.toEqual(plan(11));
  });

  it('delays every line, within the jitter, and never lets one overtake an earlier one', () => {
    const random = createPrng(3);
    const state = newShapingState();
    let last = 0;
    for (let sent = 0; sent < 1_000; sent += 1) {
      const leaves = planLine(fault({ delayMs: 100, jitterMs: 40 }), state, 10, sent, random) ?? -1;
      expect(leaves).toBeGreaterThanOrEqual(sent + 60);
      expect(leaves).toBeLessThanOrEqual(Math.max(sent + 140, last));
      expect(leaves).toBeGreaterThanOrEqual(last);
      last = leaves;
    }
  });

  it('caps the rate: lines leave one after another at the asked kB/s', () => {
    const state = newShapingState();
    // 100 lines of 1000 bytes at 10 kB/s, all sent at once: the last leaves after 10 s.
    const times = Array.from({ length: 100 }, () =>
      planLine(fault({ rateKBps: 10 }), state, 1_000, 0, Math.random),
    );
    expect(times[0]).toBe(100);
    expect(times[99]).toBe(10_000);
  });
});

describe('partitions', () => {
  const nodes = [1, 2, 3, 4, 5, 6, 7, 8];

  it('reads groups as ranges and lists, and puts the nodes named nowhere in one more group', () => {
    expect(planPartition(['1-4', '5-8'], nodes)).toEqual({
      ok: true,
      groups: [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ],
    });
    expect(planPartition(['1,3,5', '2,4,6'], nodes)).toEqual({
      ok: true,
      groups: [
        [1, 3, 5],
        [2, 4, 6],
        [7, 8],
      ],
    });
    expect(planPartition(['1-2,7'], nodes)).toEqual({
      ok: true,
      groups: [
        [1, 2, 7],
        [3, 4, 5, 6, 8],
      ],
    });
  });

  it('refuses groups that overlap, name unknown nodes, or leave one group only', () => {
    expect(planPartition(['1-4', '4-8'], nodes)).toMatchObject({
      ok: false,
      problem: 'node 4 is in two groups',
    });
    expect(planPartition(['1-9'], nodes)).toMatchObject({ ok: false });
    expect(planPartition(['1-8'], nodes)).toMatchObject({ ok: false });
    expect(planPartition(['x'], nodes)).toMatchObject({ ok: false });
  });

  it('tells each node the nodes outside its group', () => {
    const cuts = cutSets([[1, 2], [3], [4, 5]]);
    expect(cuts.get(1)).toEqual([3, 4, 5]);
    expect(cuts.get(3)).toEqual([1, 2, 4, 5]);
    expect(cuts.get(5)).toEqual([1, 2, 3]);
  });
});
