// What the literature predicts for a strategy, next to what the cluster measured. Pure functions:
// - log_k(N): the textbook estimate of rounds when every informed node tells k others per round;
// - Pittel (1987): push with one target per round needs log2(N) + ln(N) + O(1) rounds; with fanout k this
//   becomes about log_{k+1}(N) + ln(N)/k (each informed node adds k per round; the last ones take ln(N)/k);
// - a mean-field model on a complete graph (s = uninformed fraction after a round): push s' = s e^{-k(1-s)},
//   pull s' = s^{k+1}, push-pull and anti-entropy (exchange) s' = s^{k+1} e^{-k(1-s)};
// - Demers et al. (1987), rumor mongering with feedback: the residue s (fraction never reached) solves
//   s = e^{-(n+1)(1-s)} when a node loses interest with probability 1/n after a useless push (coin); for the
//   counter variant (stop after n useless pushes) the paper gives simulated values (Table 1, 1000 sites).

// Under a bad network (gossip experiment --loss, --delay, --fail), as in Serf's convergence simulator:
// - a fraction f of the nodes has failed before the messages are sent: they neither receive nor spread,
//   a contact with one is wasted, and coverage counts the live nodes only;
// - a line is lost with probability l: a contact gets through only if every line it needs does, one line
//   for a push, two for a pull (the digest and the answer), three for the push half of an exchange;
// - a line waits d ms: what a contact brings is learned 1 + floor(h d / round) rounds later instead of 1
//   (h lines one after another: 1 for push, 2 for the strategies that pull, a digest and its answer), so
//   the model's rounds stretch by that factor;
// - Demers' residue for push: a lost push or a lost answer gives the pusher no feedback, so a rumor dies
//   after about n / (1 - l) useless pushes instead of n (a failed target answers nothing either, and wastes
//   as much informing as feedback, which leaves the residue alone).

import type { StopRule, StrategyName } from '../node/strategies/strategy-config.js';

export function logBase(base: number, n: number): number {
  return Math.log(n) / Math.log(base);
}

/** What the network does to gossip in an experiment. */
export interface Conditions {
  /** Lines lost on every link, in percent. */
  lossPercent: number;
  /** Every line waits this long, in ms. */
  delayMs: number;
  /** Fraction of the nodes stopped before the messages are sent. */
  failFraction: number;
}

export const IDEAL: Conditions = { lossPercent: 0, delayMs: 0, failFraction: 0 };

/** The nodes left running when `failFraction` of n have failed (the experiment stops that many, rounded down). */
export function liveNodes(n: number, conditions: Conditions = IDEAL): number {
  return n - Math.floor(conditions.failFraction * n);
}

/** Chance that a contact reaches a live node and each of the lines it needs arrives. */
export function contactOdds(conditions: Conditions): { push: number; pull: number; exchangePush: number } {
  const live = 1 - conditions.failFraction;
  const keep = 1 - conditions.lossPercent / 100;
  return { push: live * keep, pull: live * keep ** 2, exchangePush: live * keep ** 3 };
}

/** Rounds between two generations of the epidemic: 1, plus the rounds a contact's lines spend on the way. */
export function roundsPerGeneration(strategy: StrategyName, delayMs: number, roundMs: number): number {
  const lines = strategy === 'push' ? 1 : 2;
  return 1 + Math.floor((lines * delayMs) / roundMs);
}

/** Pittel's push estimate, generalised to fanout k: log_{k+1}(N) + ln(N)/k. */
export function pittelPushRounds(n: number, fanout: number): number {
  return logBase(fanout + 1, n) + Math.log(n) / fanout;
}

/**
 * Expected informed fraction of the live nodes after each round 0..rounds (round 0: the origin alone), mean
 * field, under `conditions` (a round of `roundMs` for the delay).
 */
export function meanFieldCoverage(
  strategy: StrategyName,
  n: number,
  fanout: number,
  rounds: number,
  conditions: Conditions = IDEAL,
  roundMs = 100,
): number[] {
  // Flooding is no random process: its rounds are hops (see modelRounds).
  if (strategy === 'flood') return [];
  const live = liveNodes(n, conditions);
  const odds = contactOdds(conditions);
  const stretch = roundsPerGeneration(strategy, conditions.delayMs, roundMs);
  let s = 1 - 1 / live;
  const generations = [1 / live];
  for (let generation = 1; generation * stretch <= rounds; generation += 1) {
    const i = 1 - s;
    const pushed = Math.exp(-fanout * (strategy === 'anti-entropy' ? odds.exchangePush : odds.push) * i);
    const pulled = (1 - odds.pull * i) ** fanout;
    if (strategy === 'push') s *= pushed;
    else if (strategy === 'pull') s *= pulled;
    else s *= pushed * pulled;
    generations.push(1 - s);
  }
  return Array.from({ length: rounds + 1 }, (_, round) => generations[Math.floor(round / stretch)] ?? 1 - s);
}

/**
 * Rounds until the mean-field model expects fewer than half a live node uninformed; undefined for flood (its
 * rounds are the origin's eccentricity in the overlay, bounded by the diameter).
 */
export function modelRounds(
  strategy: StrategyName,
  n: number,
  fanout: number,
  conditions: Conditions = IDEAL,
  roundMs = 100,
): number | undefined {
  if (strategy === 'flood') return undefined;
  const live = liveNodes(n, conditions);
  const coverage = meanFieldCoverage(strategy, n, fanout, 5_000, conditions, roundMs);
  const round = coverage.findIndex((informed) => (1 - informed) * live < 0.5);
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

/**
 * The published residue for push rumor mongering with this stop rule; undefined where none is published. For
 * the counter between two published values (n / (1 - loss) under loss) the table is interpolated
 * geometrically.
 */
export function demersResidue(stop: StopRule, stopAfter: number): number | undefined {
  if (stop === 'coin') return coinResidue(stopAfter);
  const below = DEMERS_COUNTER_RESIDUE[Math.floor(stopAfter) - 1];
  const above = DEMERS_COUNTER_RESIDUE[Math.ceil(stopAfter) - 1];
  if (below === undefined || above === undefined) return undefined;
  const part = stopAfter - Math.floor(stopAfter);
  return below * (above / below) ** part;
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
  strategy: { name: StrategyName; fanout: number; stop: StopRule; stopAfter: number; roundMs?: number },
  n: number,
  conditions: Conditions = IDEAL,
): Theory {
  const { name, fanout } = strategy;
  const live = liveNodes(n, conditions);
  const keep = 1 - conditions.lossPercent / 100;
  return {
    logKRounds: logBase(Math.max(2, fanout), live),
    pittelRounds: name === 'push' ? pittelPushRounds(live, fanout) : undefined,
    modelRounds: modelRounds(name, n, fanout, conditions, strategy.roundMs),
    residue:
      name === 'push'
        ? keep > 0
          ? demersResidue(strategy.stop, strategy.stopAfter / keep)
          : undefined
        : name === 'flood'
          ? undefined
          : 0,
  };
}
