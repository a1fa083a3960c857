// `gossip remove-node <node>`: the node leaves for good (/LEAVE: it tells its peers on its own links, which
// makes the removal final there, and stops), then the CLI makes sure the process is gone and, as the
// reference does, tells the former peers to drop it. On a network with a cluster key every request is
// authenticated, and the key is checked before anything is stopped. With --via (no state file) the node
// is named through a member table, and /LEAVE is all that stops it: this CLI started no process there.

import { checkAuthentication, fetchPeers, leaveCluster, removePeer } from '../../client/node-client.js';
import { GossipError, isGossipError } from '../../errors.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { parseVia } from '../../network/members-state.js';
import { cliAuth, networkKey } from '../../network/network-key.js';
import { isOurNode, terminate } from '../../network/processes.js';
import { resolveNode } from '../../network/resolve-node.js';
import { writeState } from '../../network/state.js';
import { nodeName } from '../../protocol/replies.js';
import { printResult } from '../output.js';

export async function removeNodeCommand(node: string, options: Record<string, unknown>): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const via = parseVia(options.via);
  const target = await resolveNode(paths, node, via);
  const { entry, state } = target;
  if (entry === undefined || state === undefined) {
    throw new GossipError('GOSSIP_ERR_UNKNOWN_NODE', `remove-node needs a node of this network, not ${node}`);
  }
  const name = nodeName(entry.id);
  if (entry.removed) throw new GossipError('GOSSIP_ERR_NODE_DOWN', `${name} was already removed`);
  const key = networkKey(state);
  // Known through a member table, it may be running anywhere: ask it to leave in any case.
  const running = via !== undefined || (await isOurNode(entry.pid, entry.id, entry.port));
  // A wrong key must fail before the node is stopped, not leave its peers linked to a dead node.
  const auth = running ? cliAuth(key, entry.id) : undefined;
  if (auth !== undefined) {
    await checkAuthentication(target, auth).catch((error: unknown) => {
      if (isRefusal(error)) throw error;
      // Unreachable or hung: it is being removed anyway; its peers will check the key.
    });
  }
  // Ask the node itself who its peers are; if it is already dead, fall back to the recorded topology.
  const peers = await fetchPeers(target)
    .then((list) => list.map(([id]) => id))
    .catch(() => entry.peers);
  if (running) {
    await leaveCluster(target, auth).catch((error: unknown) => {
      if (isRefusal(error)) throw error;
      // Hung or unreachable: it is stopped below; its peers still drop it on our /REMOVE.
    });
    if (via === undefined) await terminate([entry.pid]);
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
  if (via === undefined) {
    entry.removed = true;
    for (const other of state.nodes) other.peers = other.peers.filter((id) => id !== entry.id);
    await writeState(paths, state);
  }
  if (refusals.length > 0) {
    throw new GossipError(
      'GOSSIP_ERR_REJECTED',
      `${name} was stopped, but not every former peer accepted /REMOVE (${refusals.join('; ')})`,
    );
  }
  printResult(options as { json?: boolean }, `${name} removed`, {
    node: entry.id,
    formerPeers: told.sort((a, b) => a - b),
  });
}

/** The node answered, and said no (or could not prove the key): unlike a dead node, worth reporting. */
function isRefusal(error: unknown): boolean {
  return (
    isGossipError(error) && (error.code === 'GOSSIP_ERR_REJECTED' || error.code === 'GOSSIP_ERR_BAD_REPLY')
  );
}
