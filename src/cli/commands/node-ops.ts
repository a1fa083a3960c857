// `gossip restart-node <node>` and `gossip add-node`.

import { fetchStats } from '../../client/node-client.js';
import { GossipError } from '../../errors.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { addNode, restartNode } from '../../network/node-ops.js';
import { resolveNode } from '../../network/resolve-node.js';
import { requireState } from '../../network/state.js';
import { nodeName } from '../../protocol/replies.js';
import { printResult } from '../output.js';

export async function restartNodeCommand(node: string, options: Record<string, unknown>): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const { entry, state } = await resolveNode(paths, node);
  if (entry === undefined || state === undefined) {
    throw new GossipError(
      'GOSSIP_ERR_UNKNOWN_NODE',
      `restart-node needs a node of this network, not ${node}`,
    );
  }
  const restarted = await restartNode(paths, state, entry);
  const stats = await fetchStats(restarted).catch(() => undefined);
  const human = `${nodeName(restarted.id)} restarted (pid ${restarted.pid}, ${stats?.messages ?? 0} messages kept)`;
  printResult(options as { json?: boolean }, human, {
    node: restarted.id,
    pid: restarted.pid,
    messages: stats?.messages ?? null,
  });
}

export async function addNodeCommand(options: Record<string, unknown>): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const added = await addNode(paths, await requireState(paths));
  printResult(
    options as { json?: boolean },
    added.peers.length > 0
      ? `${nodeName(added.id)} added on ${added.host}:${added.port}, spliced into the link ${added.peers.join('-')}`
      : `${nodeName(added.id)} added on ${added.host}:${added.port}; it joins through live nodes (see: gossip list-peers ${added.id})`,
    { node: added.id, pid: added.pid, address: `${added.host}:${added.port}`, peers: added.peers },
  );
}
