// Replay of a message's spread: every arrival becomes a step, in time order with deterministic ties, and
// the state of the network at any moment of the replay is a prefix of the steps. Pure; the page animates it.

import { type Arrival, compareArrivals } from './tree.js';

export interface ReplayStep {
  /** Position in the replay, from 0. */
  index: number;
  node: number;
  /** The node that sent this copy; undefined for the submission at the origin. */
  from: number | undefined;
  path: readonly number[];
  /** ms after submission. */
  afterMs: number;
  hop: number;
  /** The node's first copy (it is "reached" from this step on); later copies are redundant. */
  first: boolean;
  via: Arrival['via'];
}

/** The steps of a replay, sorted by arrival time; ties by path length, then path, then node. */
export function replaySteps(arrivals: readonly Arrival[], submittedAtMs: number): ReplayStep[] {
  const seen = new Set<number>();
  return [...arrivals].sort(compareArrivals).map((arrival, index) => {
    const first = !seen.has(arrival.node);
    seen.add(arrival.node);
    return {
      index,
      node: arrival.node,
      from: arrival.path[arrival.path.length - 2],
      path: arrival.path,
      afterMs: arrival.atMs - submittedAtMs,
      hop: arrival.path.length - 1,
      first,
      via: arrival.via,
    };
  });
}

/** How many steps have happened at `afterMs` into the replay (steps at exactly that time included). */
export function stepsDoneAt(steps: readonly ReplayStep[], afterMs: number): number {
  let low = 0;
  let high = steps.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((steps[middle]?.afterMs ?? 0) <= afterMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

export interface ReplayFrame {
  /** Nodes holding the message after the first `done` steps, with the ms of their first arrival. */
  reached: Map<number, number>;
  /** Links a copy crossed so far, `from-to`, and whether it was that node's first copy. */
  crossed: Map<string, { from: number; to: number; first: boolean }>;
  /** The latest step taken, if any. */
  current: ReplayStep | undefined;
}

/** The network after the first `done` steps of a replay. */
export function replayFrame(steps: readonly ReplayStep[], done: number): ReplayFrame {
  const reached = new Map<number, number>();
  const crossed = new Map<string, { from: number; to: number; first: boolean }>();
  const count = Math.max(0, Math.min(done, steps.length));
  for (let i = 0; i < count; i += 1) {
    const step = steps[i] as ReplayStep;
    if (step.first) reached.set(step.node, step.afterMs);
    if (step.from === undefined) continue;
    const key = `${step.from}-${step.node}`;
    // A link keeps its "first copy" mark once it carried one.
    if (!crossed.get(key)?.first) crossed.set(key, { from: step.from, to: step.node, first: step.first });
  }
  return { reached, crossed, current: count > 0 ? steps[count - 1] : undefined };
}

/** Playback ms per ms of gossip so that the whole spread lasts `targetMs` on screen (at least 1:1). */
export function fitScale(steps: readonly ReplayStep[], targetMs: number): number {
  const spanMs = steps[steps.length - 1]?.afterMs ?? 0;
  return spanMs <= 0 ? targetMs : Math.max(1, targetMs / spanMs);
}
