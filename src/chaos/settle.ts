// After the heal: wait (bounded) until every live node holds every acknowledged message over a connected
// overlay, then record what the checker needs from the end of the run: each live node's messages, its peer
// list, and whether its process still runs.

import { setTimeout as sleep } from 'node:timers/promises';
import { fetchStats, peekMessages } from '../client/node-client.js';
import { isOurNode } from '../network/processes.js';
import type { NodeEntry } from '../network/state.js';
import type { MessagesReply, StatsReply } from '../protocol/replies.js';
import type { ChaosCluster } from './cluster.js';
import type { HistoryRecord } from './history.js';
import { overlayComponents } from './link-history.js';

/** How often the live nodes are asked whether they converged. */
const POLL_MS = 500;
/** A node that does not answer /STATS this soon counts as not converged yet. */
const STATS_TIMEOUT_MS = 2_000;
/** A listing of every message with every path can be long on a busy node. */
const LISTING_TIMEOUT_MS = 15_000;

export interface EndState {
  converged: boolean;
  waitedMs: number;
  stats: Map<number, StatsReply>;
  listings: Map<number, MessagesReply | Error>;
}

/** Polls the live nodes until they converge or `boundMs` passes (or `signal` aborts the wait). */
export async function awaitConvergence(
  cluster: ChaosCluster,
  acked: ReadonlySet<string>,
  boundMs: number,
  signal: AbortSignal,
): Promise<EndState> {
  const began = Date.now();
  for (;;) {
    const nodes = cluster.up();
    const stats = await statsOf(nodes);
    const peers = new Map([...stats].map(([id, reply]) => [id, new Set(reply.peers.map((peer) => peer.id))]));
    const ready =
      stats.size === nodes.length &&
      overlayComponents(peers).length === 1 &&
      [...stats.values()].every((reply) => reply.messages >= acked.size);
    if (ready) {
      const listings = await listingsOf(nodes);
      const complete = [...listings.values()].every(
        (listing) => !(listing instanceof Error) && holdsAll(listing, acked),
      );
      if (complete) return { converged: true, waitedMs: Date.now() - began, stats, listings };
    }
    if (Date.now() - began >= boundMs || signal.aborted) break;
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
  const nodes = cluster.up();
  const [stats, listings] = await Promise.all([statsOf(nodes), listingsOf(nodes)]);
  return { converged: false, waitedMs: Date.now() - began, stats, listings };
}

/** The end of the history: holdings (minus what was there before), final peer lists, liveness. */
export async function recordEnd(
  cluster: ChaosCluster,
  end: EndState,
  baseline: ReadonlySet<string>,
  record: (record: HistoryRecord) => void,
): Promise<void> {
  const atMs = Date.now();
  for (const entry of cluster.up()) {
    const listing = end.listings.get(entry.id);
    if (listing === undefined || listing instanceof Error) {
      record({ type: 'holdings', atMs, node: entry.id, error: listing?.message ?? 'no answer' });
    } else {
      const messages = listing.messages
        .filter((message) => !baseline.has(message.id))
        .map(({ id, text, paths }) => ({ id, text, paths }));
      record({ type: 'holdings', atMs, node: entry.id, messages });
    }
    const stats = end.stats.get(entry.id);
    if (stats !== undefined) {
      const peers = stats.peers.map((peer) => peer.id).sort((a, b) => a - b);
      record({ type: 'peers', atMs, node: entry.id, source: 'final', peers });
    }
    const alive = await isOurNode(entry.pid, entry.id, entry.port);
    record({ type: 'alive', atMs, node: entry.id, pid: entry.pid, alive });
  }
}

function holdsAll(listing: MessagesReply, acked: ReadonlySet<string>): boolean {
  const held = new Set(listing.messages.map((message) => message.id));
  for (const id of acked) if (!held.has(id)) return false;
  return true;
}

async function statsOf(nodes: readonly NodeEntry[]): Promise<Map<number, StatsReply>> {
  const replies = await Promise.all(
    nodes.map((node) => fetchStats(node, STATS_TIMEOUT_MS).catch(() => undefined)),
  );
  return new Map(
    replies.flatMap((reply, index) => (reply === undefined ? [] : [[nodes[index]?.id ?? 0, reply]])),
  );
}

async function listingsOf(nodes: readonly NodeEntry[]): Promise<Map<number, MessagesReply | Error>> {
  const replies = await Promise.all(
    nodes.map((node) => peekMessages(node, LISTING_TIMEOUT_MS).catch((error: Error) => error)),
  );
  return new Map(nodes.map((node, index) => [node.id, replies[index] as MessagesReply | Error]));
}
