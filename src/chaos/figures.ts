// The numbers of a `gossip chaos` run, from its history: messages, deliveries, how long after the heal the
// last acknowledged message reached the last live node, and the longest time a node was unavailable.

import { CHAOS_FAULTS, type ChaosFault, type HistoryRecord, recordsOf } from './history.js';
import type { LinkHistory } from './link-history.js';

export interface ChaosFigures {
  submitted: number;
  acknowledged: number;
  /** Submissions that got no acknowledgement (timed out, refused, the node was going down). */
  failed: number;
  liveAtEnd: number;
  /** Acknowledged messages times live nodes, and how many of those pairs the listings hold. */
  deliveries: { expected: number; held: number };
  /** Arrival paths of this run's messages in the final listings. */
  paths: number;
  /** ms from the start of the heal until the last first arrival of an acknowledged message; 0 if all were in. */
  fullDeliveryAfterHealMs: number | undefined;
  converged: { ok: boolean; waitedMs: number; boundMs: number } | undefined;
  longestUnavailability: { node: number; ms: number; how: 'killed' | 'stopped' | 'removed' } | undefined;
  faults: Record<ChaosFault, number>;
  /** Nemesis steps that failed or did not reach every node. */
  stepErrors: number;
  peerChanges: number;
  linksSeen: number;
  maxPeersSeen: number;
}

export function chaosFigures(history: readonly HistoryRecord[], links: LinkHistory): ChaosFigures {
  const submits = recordsOf(history, 'submit');
  const ackedIds = new Set(submits.flatMap((submit) => (submit.id === undefined ? [] : [submit.id])));
  const listings = recordsOf(history, 'holdings').flatMap((holding) => holding.messages ?? []);
  const ours = listings.filter((message) => ackedIds.has(message.id));
  const live = recordsOf(history, 'holdings').length;
  const healed = recordsOf(history, 'heal').find((record) => record.phase === 'begin')?.atMs;
  const firstArrivals = ours.map((message) => Math.min(...message.paths.map((path) => path.atMs)));
  const complete = ours.length === ackedIds.size * live;
  const nemesis = recordsOf(history, 'nemesis');
  const faults = Object.fromEntries(CHAOS_FAULTS.map((kind) => [kind, 0])) as Record<ChaosFault, number>;
  for (const { step } of nemesis) if (step.action === 'inject') faults[step.kind] += 1;
  const converged = recordsOf(history, 'converged')[0];
  return {
    submitted: submits.length,
    acknowledged: ackedIds.size,
    failed: submits.length - ackedIds.size,
    liveAtEnd: live,
    deliveries: { expected: ackedIds.size * live, held: ours.length },
    paths: ours.reduce((sum, message) => sum + message.paths.length, 0),
    fullDeliveryAfterHealMs:
      !complete || healed === undefined ? undefined : Math.max(0, ...firstArrivals.map((at) => at - healed)),
    converged:
      converged === undefined
        ? undefined
        : { ok: converged.ok, waitedMs: converged.waitedMs, boundMs: converged.boundMs },
    longestUnavailability: longestUnavailability(history),
    faults,
    stepErrors: nemesis.filter((record) => record.error !== undefined).length,
    peerChanges: links.changes,
    linksSeen: links.intervals.size,
    maxPeersSeen: links.maxPeersSeen,
  };
}

/** From a kill, stop or removal of a node to its restart or continuation (or the end of the history). */
function longestUnavailability(history: readonly HistoryRecord[]): ChaosFigures['longestUnavailability'] {
  const downSince = new Map<number, { atMs: number; how: 'killed' | 'stopped' | 'removed' }>();
  const end = history.reduce((latest, record) => Math.max(latest, 'atMs' in record ? record.atMs : 0), 0);
  let longest: ChaosFigures['longestUnavailability'];
  const finish = (node: number, atMs: number): void => {
    const down = downSince.get(node);
    if (down === undefined) return;
    downSince.delete(node);
    if (longest === undefined || atMs - down.atMs > longest.ms)
      longest = { node, ms: atMs - down.atMs, how: down.how };
  };
  for (const record of recordsOf(history, 'process')) {
    if (record.event === 'killed' || record.event === 'stopped' || record.event === 'removed')
      downSince.set(record.node, { atMs: record.atMs, how: record.event });
    else if (record.event === 'started' || record.event === 'continued') finish(record.node, record.atMs);
  }
  // A node removed for good is not unavailable, it is gone; a kill never lifted counts to the end.
  for (const [node, down] of downSince) if (down.how !== 'removed') finish(node, end);
  return longest;
}
