// Probing a running cluster from a test: who holds what, who links to whom, is the overlay connected.

import { fetchStats, submitMessage } from '../../src/client/node-client.js';
import type { StatsReply } from '../../src/protocol/replies.js';

export interface LiveNode {
  id: number;
  host: string;
  port: number;
}

export async function statsOf(nodes: readonly LiveNode[]): Promise<StatsReply[]> {
  return Promise.all(nodes.map((node) => fetchStats(node, 2_000)));
}

/** Submits a message and resolves once the node acknowledged it (it is on disk there). */
export async function submit(node: LiveNode, text: string): Promise<string> {
  return (await submitMessage(node, text, 1)).id;
}

/** Undirected links that both ends list, and whether they connect every given node. */
export function overlayOf(stats: readonly StatsReply[]): {
  connected: boolean;
  maxDegree: number;
  edges: number;
} {
  const ids = new Set(stats.map((node) => node.node));
  const listed = new Map(stats.map((node) => [node.node, new Set(node.peers.map((peer) => peer.id))]));
  const adjacent = new Map<number, number[]>();
  let edges = 0;
  for (const [id, peers] of listed) {
    for (const peer of peers) {
      if (!ids.has(peer) || !listed.get(peer)?.has(id)) continue;
      adjacent.set(id, [...(adjacent.get(id) ?? []), peer]);
      if (id < peer) edges += 1;
    }
  }
  const start = stats[0]?.node;
  const seen = new Set(start === undefined ? [] : [start]);
  const queue = [...seen];
  for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
    for (const next of adjacent.get(at) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  const maxDegree = Math.max(0, ...stats.map((node) => node.peers.length));
  return { connected: seen.size === ids.size, maxDegree, edges };
}
