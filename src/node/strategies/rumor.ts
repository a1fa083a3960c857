// The pure decisions of the strategies: whom to contact in a round, which hot rumors to push where, and
// when a rumor is dropped (Demers et al. 1987, rumor mongering with feedback: counter or coin).

import type { StopRule } from './strategy-config.js';

/** One message a node is still mongering: how many of its pushes were useless so far. */
export interface Rumor {
  useless: number;
  /** The round in which the node learned it: it is pushed from the next round on, as in synchronous rounds. */
  learnedRound: number;
  /** False once the node lost interest ("removed" for this message). */
  active: boolean;
}

/** Up to k distinct peers, uniformly at random (a partial Fisher-Yates shuffle). */
export function pickPeers(peers: readonly number[], k: number, random: () => number): number[] {
  const pool = [...peers];
  const picked: number[] = [];
  for (let index = 0; index < pool.length && picked.length < k; index += 1) {
    const swap = index + Math.floor(random() * (pool.length - index));
    const chosen = pool[swap] as number;
    pool[swap] = pool[index] as number;
    pool[index] = chosen;
    picked.push(chosen);
  }
  return picked;
}

/**
 * Round `round`'s pushes: every active rumor learned in an earlier round goes to `fanout` random peers (one
 * learned this round waits for the next, so a late timer cannot carry a rumor two hops in one round).
 */
export function planPushes(
  rumors: ReadonlyMap<string, Rumor>,
  peers: readonly number[],
  options: { fanout: number; round: number },
  random: () => number,
): Array<{ id: string; to: number[] }> {
  const plan: Array<{ id: string; to: number[] }> = [];
  if (peers.length === 0) return plan;
  for (const [id, rumor] of rumors) {
    if (rumor.active && rumor.learnedRound < options.round)
      plan.push({ id, to: pickPeers(peers, options.fanout, random) });
  }
  return plan;
}

/**
 * The pusher hears whether a push was news. A useless one counts; with `counter` the rumor is dropped after
 * `stopAfter` useless pushes, with `coin` with probability 1/stopAfter after each. Returns true when it was
 * dropped now.
 */
export function applyFeedback(
  rumor: Rumor,
  useful: boolean,
  rule: { stop: StopRule; stopAfter: number },
  random: () => number,
): boolean {
  if (!rumor.active || useful) return false;
  rumor.useless += 1;
  const stop = rule.stop === 'counter' ? rumor.useless >= rule.stopAfter : random() < 1 / rule.stopAfter;
  if (stop) rumor.active = false;
  return stop;
}
