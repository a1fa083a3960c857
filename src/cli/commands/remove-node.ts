// `gossip remove-node <node>`: the node leaves for good and its former peers drop it (see
// network/remove-node.ts); a former peer that refuses the /REMOVE is reported. With --via (no state file)
// the node is named through a member table, and /LEAVE is all that stops it: this CLI started no process
// there.

import { GossipError } from '../../errors.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { parseVia } from '../../network/members-state.js';
import { removeNode } from '../../network/remove-node.js';
import { resolveNode } from '../../network/resolve-node.js';
import { nodeName } from '../../protocol/replies.js';
import { printResult } from '../output.js';

export async function removeNodeCommand(node: string, options: Record<string, unknown>): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const via = parseVia(options.via);
  const { entry, state } = await resolveNode(paths, node, via);
  if (entry === undefined || state === undefined) {
    throw new GossipError('GOSSIP_ERR_UNKNOWN_NODE', `remove-node needs a node of this network, not ${node}`);
  }
  const name = nodeName(entry.id);
  if (entry.removed) throw new GossipError('GOSSIP_ERR_NODE_DOWN', `${name} was already removed`);
  const { told, refusals } = await removeNode(paths, state, entry, { throughMembers: via !== undefined });
  if (refusals.length > 0) {
    throw new GossipError(
      'GOSSIP_ERR_REJECTED',
      `${name} was stopped, but not every former peer accepted /REMOVE (${refusals.join('; ')})`,
    );
  }
  printResult(options as { json?: boolean }, `${name} removed`, { node: entry.id, formerPeers: told });
}
