// `gossip list-peers <node>`

import { fetchStats } from '../../client/node-client.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { resolveNode } from '../../network/resolve-node.js';
import { nodeName, peerLabel } from '../../protocol/replies.js';
import { printResult } from '../output.js';
import { ensureReachable } from './targets.js';

export async function listPeersCommand(node: string, options: Record<string, unknown>): Promise<void> {
  const target = await resolveNode(homePaths(resolveHome(options.home)), node);
  const stats = await ensureReachable(target, () => fetchStats(target));
  const human = (): string => {
    if (stats.peers.length === 0) return `${nodeName(stats.node)} has no peers`;
    const lines = stats.peers.map(
      (peer) => `* ${peerLabel(peer.id, peer.address)}${peer.state === 'up' ? '' : ` [link ${peer.state}]`}`,
    );
    return [`${nodeName(stats.node)} has peers:`, ...lines].join('\n');
  };
  printResult(options as { json?: boolean }, human, { node: stats.node, peers: stats.peers });
}
