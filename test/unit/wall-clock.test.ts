// The node's clock: the monotonic clock plus an epoch offset checked against Date.now().

import { describe, expect, it } from 'vitest';
import { measureClockOffset, wallClock } from '../../src/node/wall-clock.js';

/** Date.now()'s estimate of the offset: at most the true one, and at most a ms below it. */
const dateOffset = (): number => Date.now() - performance.now();

describe('measureClockOffset', () => {
  it('replaces an origin skewed either way by the estimate Date.now() gives, within a ms', () => {
    const good = measureClockOffset();
    for (const skew of [74.5, 2, -2, -74.5]) {
      const measured = measureClockOffset(good + skew);
      expect(Math.abs(measured - good)).toBeLessThan(1.1);
      expect(Math.abs(measured - dateOffset())).toBeLessThan(1.1);
    }
  });

  it('keeps an origin that agrees with Date.now(), to the microsecond', () => {
    const good = measureClockOffset();
    expect(measureClockOffset(good)).toBe(good);
  });
});

describe('wallClock', () => {
  it('reads what Date.now() reads, to within the millisecond Date.now() floors away', () => {
    const behind: number[] = [];
    for (let sample = 0; sample < 1_000; sample += 1) {
      const reading = wallClock();
      behind.push(Date.now() - reading);
    }
    behind.sort((a, b) => a - b);
    // Date.now() is read after the clock and floored: never more than a ms before it (a preemption between the
    // two reads only puts Date.now() later), and, typically, not after it.
    expect(behind[0]).toBeGreaterThan(-1.1);
    expect(behind[500]).toBeLessThan(0.6);
  });
});
