// `gossip health <node>`: exit 0 when the node answers its health check; a container health check.

import { fetchHealth } from '../../client/node-client.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { parseVia } from '../../network/members-state.js';
import { resolveNode } from '../../network/resolve-node.js';
import { nodeName } from '../../protocol/replies.js';
import { formatDuration } from '../format/table.js';
import { printResult } from '../output.js';
import { ensureReachable } from './targets.js';

/** A health check must answer fast or count as failed. */
const HEALTH_TIMEOUT_MS = 2_000;

export async function healthCommand(node: string, options: Record<string, unknown>): Promise<void> {
  const target = await resolveNode(homePaths(resolveHome(options.home)), node, parseVia(options.via));
  const health = await ensureReachable(target, () => fetchHealth(target, HEALTH_TIMEOUT_MS));
  const human = `${nodeName(health.node)} is healthy: ${health.links.up}/${health.links.total} links up, up ${formatDuration(health.uptimeMs)}`;
  printResult(options as { json?: boolean }, human, health);
}
