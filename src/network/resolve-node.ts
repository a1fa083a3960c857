// Turns a `<node>` argument (a node number, or host:port) into an address, using the state file, or the
// membership table of the node --via names (then no state file is read).

import { GossipError } from '../errors.js';
import { parseHostPort } from '../protocol/address.js';
import type { HomePaths } from './home.js';
import { readCluster } from './members-state.js';
import type { NetworkState, NodeEntry } from './state.js';

export interface NodeTarget {
  host: string;
  port: number;
  /** Known when the argument was a number, or host:port of a node in the state file. */
  id?: number | undefined;
  entry?: NodeEntry | undefined;
  state?: NetworkState | undefined;
}

export async function resolveNode(
  paths: HomePaths,
  argument: string,
  via?: { host: string; port: number },
): Promise<NodeTarget> {
  if (argument.includes(':')) {
    const hostPort = parseHostPort(argument);
    if (hostPort === undefined) throw badNode(argument);
    const { host, port } = hostPort;
    const state = await readCluster(paths, via).catch(() => undefined);
    const entry = state?.nodes.find((node) => node.host === host && node.port === port);
    return { host, port, id: entry?.id, entry, state };
  }
  if (!/^\d+$/.test(argument)) throw badNode(argument);
  const id = Number(argument);
  const state = await readCluster(paths, via);
  if (state === undefined) {
    throw new GossipError(
      'GOSSIP_ERR_NO_NETWORK',
      `no network is running (no state in ${paths.home}); start one with: gossip start-network, name the node as host:port, or ask a node of the cluster with --via <host:port>`,
    );
  }
  const entry = state.nodes.find((node) => node.id === id);
  if (entry === undefined) {
    const ids = state.nodes.map((node) => node.id);
    throw new GossipError(
      'GOSSIP_ERR_UNKNOWN_NODE',
      `there is no node ${id} in this network (nodes are ${Math.min(...ids)}-${Math.max(...ids)})`,
    );
  }
  return { host: entry.host, port: entry.port, id, entry, state };
}

function badNode(argument: string): GossipError {
  return new GossipError(
    'GOSSIP_ERR_BAD_ARGUMENT',
    `"${argument}" is not a node: give a node number (e.g. 4) or host:port (e.g. 127.0.0.1:7004)`,
  );
}
