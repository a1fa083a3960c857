// Shared by the commands that talk to one node: how to name it, and a clearer error when it is down.

import { GossipError, isGossipError } from '../../errors.js';
import type { NodeTarget } from '../../network/resolve-node.js';
import { nodeName } from '../../protocol/replies.js';

export function describeTarget(target: NodeTarget): string {
  return target.id === undefined ? `${target.host}:${target.port}` : nodeName(target.id);
}

/** Runs a request; a refused connection to a known node becomes "node N is down" (or "was removed"). */
export async function ensureReachable<T>(target: NodeTarget, request: () => Promise<T>): Promise<T> {
  if (target.entry?.removed === true) {
    throw new GossipError('GOSSIP_ERR_NODE_DOWN', `${describeTarget(target)} was removed from the network`);
  }
  try {
    return await request();
  } catch (error) {
    if (isGossipError(error) && error.code === 'GOSSIP_ERR_NODE_UNREACHABLE' && target.entry !== undefined) {
      // A node known from a membership table (--via) has no log file here.
      const logs = target.entry.logFile === '' ? '' : `; see: gossip logs ${target.entry.id}`;
      throw new GossipError(
        'GOSSIP_ERR_NODE_DOWN',
        `${describeTarget(target)} is down (${error.message})${logs}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}
