// The propagation tree of one message, from the arrivals the nodes recorded: each node hangs under the
// node that delivered it its FIRST copy; later copies are redundant arrivals. Pure: `gossip trace`, the
// dashboard server and the page all build trees with it.

import type { PathView } from '../protocol/replies.js';

/** One recorded arrival of a message at a node: the path ends with that node. */
export interface Arrival {
  node: number;
  path: readonly number[];
  /** ms since the epoch, on the receiving node's clock. */
  atMs: number;
  via: PathView['via'];
}

export interface RedundantArrival {
  /** The node that sent this copy (undefined only for a second origin record, which cannot happen). */
  from: number | undefined;
  path: readonly number[];
  afterMs: number;
  hop: number;
  via: Arrival['via'];
}

export interface TreeNode {
  node: number;
  /** The node that delivered the first copy; undefined for the origin. */
  parent: number | undefined;
  /** ms after submission of the first arrival; undefined when the node did not report (it was down). */
  afterMs: number | undefined;
  /** ms between the parent's first arrival and this one (the time the hop took, relaying included). */
  hopMs: number | undefined;
  hop: number;
  path: readonly number[];
  via: Arrival['via'] | undefined;
  /** Nodes this one delivered a first copy to, in order of arrival. */
  children: number[];
  redundant: RedundantArrival[];
}

export interface PropagationTree {
  origin: number;
  submittedAtMs: number;
  /** Every node in the tree, in order of first arrival (nodes that did not report at the end). */
  nodes: TreeNode[];
  /** Nodes that reported the message. */
  reached: number;
  arrivals: number;
  redundant: number;
  /** The last first arrival: the last-delivery hop and its time after submission. */
  last: { node: number; hop: number; afterMs: number } | undefined;
}

/**
 * Builds the tree. `submittedAtMs` is used when the origin's own record is missing (its node is gone);
 * otherwise the origin's arrival time is the submission time.
 */
export function buildPropagationTree(
  arrivals: readonly Arrival[],
  fallback: { origin: number; submittedAtMs: number },
): PropagationTree {
  const sorted = [...arrivals].sort(compareArrivals);
  const originRecord = sorted.find((arrival) => arrival.via === 'origin' && arrival.path.length === 1);
  const origin = originRecord?.node ?? sorted[0]?.path[0] ?? fallback.origin;
  const submittedAtMs = originRecord?.atMs ?? fallback.submittedAtMs;
  const byNode = new Map<number, TreeNode>();
  const nodes: TreeNode[] = [];
  const silent: TreeNode[] = [];

  for (const arrival of sorted) {
    const afterMs = arrival.atMs - submittedAtMs;
    const hop = arrival.path.length - 1;
    const from = arrival.path[arrival.path.length - 2];
    const known = byNode.get(arrival.node);
    if (known !== undefined && known.afterMs !== undefined) {
      known.redundant.push({ from, path: arrival.path, afterMs, hop, via: arrival.via });
      continue;
    }
    // Nodes on the path that reported nothing (down or removed) still held the message: place them.
    for (let i = 0; i < arrival.path.length - 1; i += 1) {
      const through = arrival.path[i] as number;
      if (byNode.has(through)) continue;
      const placeholder = newNode(through, arrival.path[i - 1], arrival.path.slice(0, i + 1), undefined);
      byNode.set(through, placeholder);
      silent.push(placeholder);
    }
    // A node placed as silent that reports after all (clocks of different hosts may disagree).
    if (known !== undefined) silent.splice(silent.indexOf(known), 1);
    const entry = known ?? newNode(arrival.node, from, arrival.path, arrival.via);
    entry.parent = from;
    entry.afterMs = afterMs;
    entry.path = arrival.path;
    entry.via = arrival.via;
    entry.hop = hop;
    byNode.set(arrival.node, entry);
    nodes.push(entry);
  }
  for (const entry of [...nodes, ...silent]) {
    if (entry.parent === undefined) continue;
    const parent = byNode.get(entry.parent);
    parent?.children.push(entry.node);
    if (parent?.afterMs !== undefined && entry.afterMs !== undefined)
      entry.hopMs = entry.afterMs - parent.afterMs;
  }
  const reported = nodes.length;
  const lastNode = nodes[nodes.length - 1];
  return {
    origin,
    submittedAtMs,
    nodes: [...nodes, ...silent],
    reached: reported,
    arrivals: sorted.length,
    redundant: sorted.length - reported,
    last:
      lastNode?.afterMs === undefined
        ? undefined
        : { node: lastNode.node, hop: lastNode.hop, afterMs: lastNode.afterMs },
  };
}

function newNode(
  node: number,
  parent: number | undefined,
  path: readonly number[],
  via: Arrival['via'] | undefined,
): TreeNode {
  return {
    node,
    parent,
    afterMs: undefined,
    hopMs: undefined,
    hop: path.length - 1,
    path,
    via,
    children: [],
    redundant: [],
  };
}

/** Time order; ties go to the shorter path (a sender's copy before what it sent on), then the path itself. */
export function compareArrivals(a: Arrival, b: Arrival): number {
  if (a.atMs !== b.atMs) return a.atMs - b.atMs;
  if (a.path.length !== b.path.length) return a.path.length - b.path.length;
  for (let i = 0; i < a.path.length; i += 1) {
    const diff = (a.path[i] ?? 0) - (b.path[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.node - b.node;
}
