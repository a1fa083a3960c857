// Removing a node for good: it leaves (/LEAVE: it tells its peers on its own links, which makes the removal
// final there, and stops), the process is made sure to be gone and, as the reference does, its former peers
// are told to drop it. On a network with a cluster key every request is authenticated, and the key is
// checked before anything is stopped. `gossip remove-node` and the chaos nemesis both remove this way.

import { checkAuthentication, fetchPeers, leaveCluster, removePeer } from '../client/node-client.js';
import { isGossipError } from '../errors.js';
import { nodeName } from '../protocol/replies.js';
import type { HomePaths } from './home.js';
import { cliAuth, networkKey } from './network-key.js';
import { isOurNode, terminate } from './processes.js';
import { type NetworkState, type NodeEntry, writeState } from './state.js';

export interface Removal {
  /** Former peers that took the /REMOVE. */
  told: number[];
  /** Former peers that refused it, with their reason. */
  refusals: string[];
}

/**
 * Removes `entry` (a node of `state`, not removed yet) and records it removed in the state file. With
 * `throughMembers` the node was named through a member table (--via): it may run anywhere, so it is asked to
 * leave in any case, and no process is stopped nor state file written.
 */
export async function removeNode(
  paths: HomePaths,
  state: NetworkState,
  entry: NodeEntry,
  { throughMembers = false } = {},
): Promise<Removal> {
  const key = networkKey(state);
  const running = throughMembers || (await isOurNode(entry.pid, entry.id, entry.port));
  // A wrong key must fail before the node is stopped, not leave its peers linked to a dead node.
  const auth = running ? cliAuth(key, entry.id) : undefined;
  if (auth !== undefined) {
    await checkAuthentication(entry, auth).catch((error: unknown) => {
      if (isRefusal(error)) throw error;
      // Unreachable or hung: it is being removed anyway; its peers will check the key.
    });
  }
  // Ask the node itself who its peers are; if it is already dead, fall back to the recorded topology.
  const peers = await fetchPeers(entry)
    .then((list) => list.map(([id]) => id))
    .catch(() => entry.peers);
  if (running) {
    await leaveCluster(entry, auth).catch((error: unknown) => {
      if (isRefusal(error)) throw error;
      // Hung or unreachable: it is stopped below; its peers still drop it on our /REMOVE.
    });
    if (!throughMembers) await terminate([entry.pid]);
  }
  const told: number[] = [];
  const refusals: string[] = [];
  await Promise.all(
    peers.map(async (peerId) => {
      const peer = state.nodes.find((candidate) => candidate.id === peerId);
      if (peer === undefined || peer.removed) return;
      await removePeer(peer, entry.id, cliAuth(key, peer.id))
        .then(() => told.push(peerId))
        .catch((error: unknown) => {
          // A peer that is down has no link to drop; one that refuses us must be reported.
          if (isRefusal(error)) refusals.push(`${nodeName(peerId)}: ${(error as Error).message}`);
        });
    }),
  );
  if (!throughMembers) {
    entry.removed = true;
    for (const other of state.nodes) other.peers = other.peers.filter((id) => id !== entry.id);
    await writeState(paths, state);
  }
  return { told: told.sort((a, b) => a - b), refusals };
}

/** The node answered, and said no (or could not prove the key): unlike a dead node, worth reporting. */
function isRefusal(error: unknown): boolean {
  return (
    isGossipError(error) && (error.code === 'GOSSIP_ERR_REJECTED' || error.code === 'GOSSIP_ERR_BAD_REPLY')
  );
}
