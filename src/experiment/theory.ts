// What the literature predicts for a strategy, next to what the cluster measured. Pure functions:
// - log_k(N): the textbook estimate of rounds when every informed node tells k others per round;
// - Pittel (1987): push with one target per round needs log2(N) + ln(N) + O(1) rounds; with fanout k this
//   becomes about log_{k+1}(N) + ln(N)/k (each informed node adds k per round; the last ones take ln(N)/k);
// - a mean-field model on a complete graph (s = uninformed fraction after a round): push s' = s e^{-k(1-s)},
//   pull s' = s^{k+1}, push-pull and anti-entropy (exchange) s' = s^{k+1} e^{-k(1-s)};
// - Demers et al. (1987), rumor mongering with feedback: the residue s (fraction never reached) solves
//   s = e^{-(n+1)(1-s)} when a node loses interest with probability 1/n after a useless push (coin); for the
//   counter variant (stop after n useless pushes) the paper gives simulated values (Table 1, 1000 sites).

import type { StopRule, StrategyName } from '../node/strategies/strategy-config.js';

export function logBase(base: number, n: number): number {
  return Math.log(n) / Math.log(base);
}

/** Pittel's push estimate, generalised to fanout k: log_{k+1}(N) + ln(N)/k. */
export function pittelPushRounds(n: number, fanout: number): number {
  return logBase(fanout + 1, n) + Math.log(n) / fanout;
}

/** Expected informed fraction after each round 0..rounds (round 0: the origin alone), mean field. */
export function meanFieldCoverage(
  strategy: StrategyName,
  n: number,
  fanout: number,
  rounds: number,
): number[] {
  // Flooding is no random process: its rounds are hops (see modelRounds).
  if (strategy === 'flood') return [];
  let s = 1 - 1 / n;
  const coverage = [1 / n];
  for (let round = 1; round <= rounds; round += 1) {
    const i = 1 - s;
    const pushed = Math.exp(-fanout * i);
    const pulled = s ** fanout;
    if (strategy === 'push') s *= pushed;
    else if (strategy === 'pull') s *= pulled;
    else s *= pushed * pulled;
    coverage.push(1 - s);
  }
  return coverage;
}

/**
 * Rounds until the mean-field model expects fewer than half a node uninformed; undefined for flood (its
 * rounds are the origin's eccentricity in the overlay, bounded by the diameter).
 */
export function modelRounds(strategy: StrategyName, n: number, fanout: number): number | undefined {
  if (strategy === 'flood') return undefined;
  const coverage = meanFieldCoverage(strategy, n, fanout, 1_000);
  const round = coverage.findIndex((informed) => (1 - informed) * n < 0.5);
  return round === -1 ? undefined : round;
}

/** Demers et al. 1987, Table 1: residue of rumor mongering with feedback and a counter of 1..5. */
export const DEMERS_COUNTER_RESIDUE: readonly number[] = [0.176, 0.037, 0.011, 0.0036, 0.0012];

/** The coin variant's residue: the root in (0, 1) of s = e^{-(n+1)(1-s)}. */
export function coinResidue(stopAfter: number): number {
  let s = 0;
  for (let step = 0; step < 10_000; step += 1) {
    const next = Math.exp(-(stopAfter + 1) * (1 - s));
    if (Math.abs(next - s) < 1e-12) return next;
    s = next;
  }
  return s;
}

/** The published residue for push rumor mongering with this stop rule; undefined where none is published. */
export function demersResidue(stop: StopRule, stopAfter: number): number | undefined {
  if (stop === 'coin') return coinResidue(stopAfter);
  return DEMERS_COUNTER_RESIDUE[stopAfter - 1];
}

export interface Theory {
  /** log_k(N) (log_2 for k = 1, which has no base-1 logarithm). */
  logKRounds: number;
  /** Pittel's estimate, for push only. */
  pittelRounds: number | undefined;
  /** Mean-field rounds to reach everyone. */
  modelRounds: number | undefined;
  /** Demers' residue, for push only (push-pull and the digest strategies reach everyone in theory). */
  residue: number | undefined;
}

export function theoryFor(
  strategy: { name: StrategyName; fanout: number; stop: StopRule; stopAfter: number },
  n: number,
): Theory {
  const { name, fanout } = strategy;
  return {
    logKRounds: logBase(Math.max(2, fanout), n),
    pittelRounds: name === 'push' ? pittelPushRounds(n, fanout) : undefined,
    modelRounds: modelRounds(name, n, fanout),
    residue:
      name === 'push' ? demersResidue(strategy.stop, strategy.stopAfter) : name === 'flood' ? undefined : 0,
  };
}
