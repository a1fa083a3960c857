// `gossip remove-node <node>`: stop the node, then tell its former peers to drop it.

import { fetchPeers, removePeer } from '../../client/node-client.js';
import { GossipError } from '../../errors.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { isOurNode, terminate } from '../../network/processes.js';
import { resolveNode } from '../../network/resolve-node.js';
import { writeState } from '../../network/state.js';
import { nodeName } from '../../protocol/replies.js';
import { printResult } from '../output.js';

export async function removeNodeCommand(node: string, options: Record<string, unknown>): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const target = await resolveNode(paths, node);
  const { entry, state } = target;
  if (entry === undefined || state === undefined) {
    throw new GossipError('GOSSIP_ERR_UNKNOWN_NODE', `remove-node needs a node of this network, not ${node}`);
  }
  const name = nodeName(entry.id);
  if (entry.removed) throw new GossipError('GOSSIP_ERR_NODE_DOWN', `${name} was already removed`);
  // Ask the node itself who its peers are; if it is already dead, fall back to the recorded topology.
  const peers = await fetchPeers(target)
    .then((list) => list.map(([id]) => id))
    .catch(() => entry.peers);
  if (await isOurNode(entry.pid, entry.id, entry.port)) await terminate([entry.pid]);
  const told: number[] = [];
  await Promise.all(
    peers.map(async (peerId) => {
      const peer = state.nodes.find((candidate) => candidate.id === peerId);
      if (peer === undefined || peer.removed) return;
      await removePeer(peer, entry.id)
        .then(() => told.push(peerId))
        .catch(() => {
          // A peer that is down has no link to drop.
        });
    }),
  );
  entry.removed = true;
  for (const other of state.nodes) other.peers = other.peers.filter((id) => id !== entry.id);
  await writeState(paths, state);
  printResult(options as { json?: boolean }, `${name} removed`, {
    node: entry.id,
    formerPeers: told.sort((a, b) => a - b),
  });
}
