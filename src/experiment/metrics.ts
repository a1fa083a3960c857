// Turns what the nodes recorded (every arrival path with its time and how it came, and their counters) into
// the numbers of an experiment: per message, when each node first got it, coverage per round, rounds and
// time to full coverage, redundancy and residue. Pure: the runner fetches, this computes.

import type { MessageView, StatsReply } from '../protocol/replies.js';

/** What one node reported at the end of a run. */
export interface NodeReport {
  node: number;
  messages: readonly MessageView[];
  stats: StatsReply;
}

export interface MessageMetrics {
  id: string;
  origin: number;
  /** Nodes that hold the message. */
  reached: number;
  /** Nodes the strategy itself reached (their first arrival was not a background catch-up). */
  reachedByStrategy: number;
  /** Informed nodes after each round (index 0: the origin alone). */
  coverage: number[];
  /** The round in which the last node got it, if every node did. */
  roundsToFull: number | undefined;
  /** ms from submission to the last first arrival, if every node got it. */
  timeToFullMs: number | undefined;
  /** Deliveries of the message (arrival paths recorded, the origin's excluded). */
  deliveries: number;
  /** Relative message redundancy: deliveries / (reached - 1) - 1 (0: every delivery was news). */
  rmr: number;
  /** Fraction of nodes the strategy never reached. */
  residue: number;
}

/**
 * A node's first arrival round: for flood the hops of its shortest path (each relay hop is a round, and in
 * synchronous rounds the shortest path arrives first; on a busy machine a longer one may win the race); for the
 * round-based strategies the number of round boundaries (multiples of roundMs on the shared clock) between
 * the submission and the arrival.
 */
export function arrivalRound(
  flood: boolean,
  roundMs: number,
  originAtMs: number,
  first: { path: readonly number[]; atMs: number },
  shortestHops = first.path.length - 1,
): number {
  if (flood) return shortestHops;
  return Math.max(0, Math.floor(first.atMs / roundMs) - Math.floor(originAtMs / roundMs));
}

export function messageMetrics(
  id: string,
  reports: readonly NodeReport[],
  options: { n: number; roundMs: number; flood: boolean },
): MessageMetrics {
  const { n, roundMs, flood } = options;
  const holders = reports.flatMap((report) => {
    const message = report.messages.find((candidate) => candidate.id === id);
    return message === undefined ? [] : [message];
  });
  const originView = holders.find((message) => message.paths.some((path) => path.via === 'origin'));
  const originAtMs = originView?.paths.find((path) => path.via === 'origin')?.atMs ?? 0;
  const rounds: number[] = [];
  let reachedByStrategy = 0;
  let deliveries = 0;
  let lastAtMs = originAtMs;
  for (const message of holders) {
    const first = message.paths.reduce((a, b) => (b.atMs < a.atMs ? b : a));
    if (first.via !== 'catch-up') reachedByStrategy += 1;
    const shortest = Math.min(...message.paths.map((arrival) => arrival.path.length - 1));
    rounds.push(arrivalRound(flood, roundMs, originAtMs, first, shortest));
    lastAtMs = Math.max(lastAtMs, first.atMs);
    deliveries += message.paths.filter((path) => path.via !== 'origin').length;
  }
  const maxRound = rounds.length === 0 ? 0 : Math.max(...rounds);
  const coverage = Array.from(
    { length: maxRound + 1 },
    (_, round) => rounds.filter((r) => r <= round).length,
  );
  const full = holders.length >= n;
  const reached = holders.length;
  return {
    id,
    origin: originView?.origin ?? 0,
    reached,
    reachedByStrategy,
    coverage,
    roundsToFull: full ? maxRound : undefined,
    timeToFullMs: full ? lastAtMs - originAtMs : undefined,
    deliveries,
    rmr: reached > 1 ? deliveries / (reached - 1) - 1 : 0,
    residue: 1 - reachedByStrategy / n,
  };
}

export interface Aggregate {
  messages: number;
  /** Mean over messages; undefined when some message did not reach every node. */
  roundsToFull: number | undefined;
  maxRoundsToFull: number | undefined;
  /** Mean round of the last first arrival, whether or not everyone was reached (when push stopped spreading). */
  roundsToLast: number;
  timeToFullMs: number | undefined;
  /** Mean fraction of nodes reached after each round, over messages. */
  coverage: number[];
  rmr: number;
  residue: number;
  /** Lines a node sent per message: relays, pushes and digests. */
  sentPerNodePerMessage: number;
  /** Payload deliveries per node per message (from the recorded paths). */
  deliveriesPerNodePerMessage: number;
  /** Totals of the nodes' counters, to check the paths against. */
  counters: Record<string, number>;
}

export function aggregate(
  metrics: readonly MessageMetrics[],
  reports: readonly NodeReport[],
  n: number,
): Aggregate {
  const mean = (values: number[]): number =>
    values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
  const fulls = metrics.map((metric) => metric.roundsToFull);
  const allFull = fulls.every((rounds) => rounds !== undefined);
  const longest = Math.max(0, ...metrics.map((metric) => metric.coverage.length));
  const coverage = Array.from({ length: longest }, (_, round) =>
    mean(metrics.map((metric) => (metric.coverage[round] ?? metric.coverage.at(-1) ?? 0) / n)),
  );
  const counters: Record<string, number> = {};
  for (const report of reports) {
    for (const [name, value] of Object.entries(report.stats.counters))
      counters[name] = (counters[name] ?? 0) + value;
  }
  const sent = (counters.relaysOut ?? 0) + (counters.pushesOut ?? 0) + (counters.pullsOut ?? 0);
  const perMessage = Math.max(1, metrics.length) * n;
  return {
    messages: metrics.length,
    roundsToFull: allFull ? mean(fulls as number[]) : undefined,
    maxRoundsToFull: allFull ? Math.max(...(fulls as number[])) : undefined,
    roundsToLast: mean(metrics.map((metric) => metric.coverage.length - 1)),
    timeToFullMs: allFull ? mean(metrics.map((metric) => metric.timeToFullMs ?? 0)) : undefined,
    coverage,
    rmr: mean(metrics.map((metric) => metric.rmr)),
    residue: mean(metrics.map((metric) => metric.residue)),
    sentPerNodePerMessage: sent / perMessage,
    deliveriesPerNodePerMessage: metrics.reduce((sum, metric) => sum + metric.deliveries, 0) / perMessage,
    counters,
  };
}
