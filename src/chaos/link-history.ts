// Which links existed when, and how many peers each node had, from the peer observations of a history.
// Each source (a node's /EVENTS stream, its own log, /STATS at the end) is replayed on its own, in order:
// a whole peer list replaces what that source knew, an added or dropped peer changes it. A link existed
// while either end listed the other in any source, so a link that lived only between two polls is still
// seen (the node logs every change), and a gap in one source (a stream lost while a node restarted) is
// covered by another.

import type { HistoryRecord, PeerSource } from './history.js';

/** [from, to] in ms; `to` is Infinity while the link was still listed when the history ends. */
export type Interval = readonly [number, number];

export interface PeerExcess {
  node: number;
  atMs: number;
  peers: number[];
  source: PeerSource;
}

export interface LinkHistory {
  /** Undirected links (`a-b`, a < b) and when they existed. */
  intervals: ReadonlyMap<string, readonly Interval[]>;
  /** The first moment each node was seen with more peers than the cap. */
  excesses: PeerExcess[];
  /** The most peers any node was seen with. */
  maxPeersSeen: number;
  /** Peer additions and drops: as many as the source that saw the most (each source sees each change once). */
  changes: number;
}

export function linkKey(a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

export function replayLinks(history: readonly HistoryRecord[], maxPeers: number): LinkHistory {
  const observations = history
    .filter((record) => record.type === 'peers' || record.type === 'peer')
    .map((record, order) => ({ record, order }))
    .sort((x, y) => x.record.atMs - y.record.atMs || x.order - y.order)
    .map(({ record }) => record);
  // Per node and source: each peer listed now, and since when.
  const current = new Map<string, Map<number, number>>();
  const intervals = new Map<string, Interval[]>();
  const excesses = new Map<number, PeerExcess>();
  let maxPeersSeen = 0;
  const changes = new Map<PeerSource, number>();
  const close = (node: number, peer: number, from: number, to: number): void => {
    const key = linkKey(node, peer);
    intervals.set(key, [...(intervals.get(key) ?? []), [from, to]]);
  };
  for (const record of observations) {
    const group = `${record.node}/${record.source}`;
    const listed = current.get(group) ?? new Map<number, number>();
    current.set(group, listed);
    if (record.type === 'peers') {
      for (const [peer, since] of listed) {
        if (!record.peers.includes(peer)) {
          close(record.node, peer, since, record.atMs);
          listed.delete(peer);
        }
      }
      for (const peer of record.peers) if (!listed.has(peer)) listed.set(peer, record.atMs);
    } else {
      changes.set(record.source, (changes.get(record.source) ?? 0) + 1);
      const since = listed.get(record.peer);
      if (record.change === 'added' && since === undefined) listed.set(record.peer, record.atMs);
      if (record.change === 'dropped' && since !== undefined) {
        close(record.node, record.peer, since, record.atMs);
        listed.delete(record.peer);
      }
    }
    maxPeersSeen = Math.max(maxPeersSeen, listed.size);
    if (listed.size > maxPeers && !excesses.has(record.node)) {
      const peers = [...listed.keys()].sort((a, b) => a - b);
      excesses.set(record.node, { node: record.node, atMs: record.atMs, peers, source: record.source });
    }
  }
  for (const [group, listed] of current) {
    const node = Number(group.split('/')[0]);
    for (const [peer, since] of listed) close(node, peer, since, Number.POSITIVE_INFINITY);
  }
  const mostChanges = Math.max(0, ...changes.values());
  return { intervals, excesses: [...excesses.values()], maxPeersSeen, changes: mostChanges };
}

/** Whether link a-b existed at some moment within [fromMs, toMs]. */
export function linkExisted(links: LinkHistory, a: number, b: number, fromMs: number, toMs: number): boolean {
  return (links.intervals.get(linkKey(a, b)) ?? []).some(([from, to]) => from <= toMs && to >= fromMs);
}

/** The connected parts of an overlay, counting only links both ends list (each part sorted, by first id). */
export function overlayComponents(peers: ReadonlyMap<number, ReadonlySet<number>>): number[][] {
  const components: number[][] = [];
  const seen = new Set<number>();
  for (const start of [...peers.keys()].sort((a, b) => a - b)) {
    if (seen.has(start)) continue;
    const component = [start];
    seen.add(start);
    for (let index = 0; index < component.length; index += 1) {
      const at = component[index] as number;
      for (const next of peers.get(at) ?? []) {
        if (seen.has(next) || peers.get(next)?.has(at) !== true) continue;
        seen.add(next);
        component.push(next);
      }
    }
    components.push(component.sort((a, b) => a - b));
  }
  return components;
}
