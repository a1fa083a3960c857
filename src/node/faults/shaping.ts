// The decision behind a link fault, per line: lost, or when it leaves. Lines leave in the order they were
// sent (a delayed relay never overtakes an earlier line on the same link), a rate cap serialises them one
// after another, and every random choice comes from the link's own seeded source, so a run can be repeated.
// Pure: the clock and the random source are given.

import type { LinkFault } from '../../protocol/fault-spec.js';

/** What one direction of a link remembers between lines. */
export interface ShapingState {
  /** When the last line planned leaves: nothing after it may leave earlier. */
  lastLeavesMs: number;
  /** When the rate cap is free to start the next line. */
  rateFreeMs: number;
}

export function newShapingState(): ShapingState {
  return { lastLeavesMs: 0, rateFreeMs: 0 };
}

/** When a line of `bytes` bytes sent at `nowMs` leaves, or undefined when it is lost. */
export function planLine(
  fault: LinkFault,
  state: ShapingState,
  bytes: number,
  nowMs: number,
  random: () => number,
): number | undefined {
  if (fault.down) return undefined;
  if (fault.lossPercent > 0 && random() * 100 < fault.lossPercent) return undefined;
  let sentMs = nowMs;
  if (fault.rateKBps !== undefined) {
    // kB/s is bytes per ms: the line occupies the link for bytes / rate ms.
    sentMs = Math.max(nowMs, state.rateFreeMs) + bytes / fault.rateKBps;
    state.rateFreeMs = sentMs;
  }
  const jitter = fault.jitterMs > 0 ? (random() * 2 - 1) * fault.jitterMs : 0;
  const leavesMs = Math.max(sentMs + Math.max(0, fault.delayMs + jitter), state.lastLeavesMs);
  state.lastLeavesMs = leavesMs;
  return leavesMs;
}
