// `gossip list-peers <node>`

import { fetchStats } from '../../client/node-client.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { parseVia } from '../../network/members-state.js';
import { resolveNode } from '../../network/resolve-node.js';
import { describeFault, isNoFault } from '../../protocol/fault-spec.js';
import { type FaultViewReply, nodeName, peerLabel } from '../../protocol/replies.js';
import { formatIds } from '../format/ids.js';
import { printResult } from '../output.js';
import { ensureReachable } from './targets.js';

/** `fault: delay 100 ms` for a link this node sends to with a fault, else nothing. */
function faultNote(faults: FaultViewReply, peer: number): string[] {
  const fault = faults.links.find((link) => link.peer === peer)?.fault ?? faults.all;
  return isNoFault(fault) ? [] : [`fault: ${describeFault(fault)}`];
}

export async function listPeersCommand(node: string, options: Record<string, unknown>): Promise<void> {
  const target = await resolveNode(homePaths(resolveHome(options.home)), node, parseVia(options.via));
  const stats = await ensureReachable(target, () => fetchStats(target));
  const human = (): string => {
    if (stats.peers.length === 0) return `${nodeName(stats.node)} has no peers`;
    // The reference lines, plus what is wrong with a link: its state, and a fault put on it (gossip link).
    const lines = stats.peers.map((peer) => {
      const notes = [
        ...(peer.state === 'up' ? [] : [`link ${peer.state}`]),
        ...(stats.faults === undefined ? [] : faultNote(stats.faults, peer.id)),
      ];
      return `* ${peerLabel(peer.id, peer.address)}${notes.length === 0 ? '' : ` [${notes.join('; ')}]`}`;
    });
    const cut = stats.faults?.cut ?? [];
    const partition = cut.length === 0 ? [] : [`(cut off by a partition from ${formatIds(cut)})`];
    return [`${nodeName(stats.node)} has peers:`, ...lines, ...partition].join('\n');
  };
  printResult(options as { json?: boolean }, human, { node: stats.node, peers: stats.peers });
}
