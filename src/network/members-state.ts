// The cluster as one node's membership table sees it (`--via <host:port>`, or GOSSIP_VIA): where there is
// no state file (compose, Kubernetes, several hosts), the commands that name nodes by number read the
// members from a live node instead, shaped like a state file so they need not know the difference. It has
// no pids (nothing here started those nodes) and no file paths.

import { fetchMembers } from '../client/node-client.js';
import { GossipError } from '../errors.js';
import { formatHostPort, parseHostPort } from '../protocol/address.js';
import type { MemberView } from '../protocol/replies.js';
import type { HomePaths } from './home.js';
import { type NetworkState, type NodeEntry, readState, requireState } from './state.js';

/** How long the node named by --via has to answer with its table. */
const MEMBERS_TIMEOUT_MS = 3_000;

/** The --via option (or GOSSIP_VIA, through commander), checked: a host:port. */
export function parseVia(value: unknown): { host: string; port: number } | undefined {
  if (value === undefined || value === '') return undefined;
  const address = typeof value === 'string' ? parseHostPort(value) : undefined;
  if (address === undefined)
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      `--via "${String(value)}" is not <host>:<port> (e.g. node1:7000)`,
    );
  return address;
}

/** The members of the cluster `via` belongs to, as a state; undefined when it holds no members. */
export async function membersState(via: { host: string; port: number }): Promise<NetworkState> {
  const where = formatHostPort(via.host, via.port);
  const { members } = await fetchMembers(via, MEMBERS_TIMEOUT_MS).catch((error: unknown) => {
    throw new GossipError(
      'GOSSIP_ERR_NODE_UNREACHABLE',
      `cannot read the members from ${where} (--via): ${(error as Error).message}`,
      { cause: error },
    );
  });
  const edges = new Map<string, [number, number]>();
  for (const member of members) {
    if (member.state === 'left') continue;
    for (const peer of member.peers) {
      const [a, b] = member.id < peer ? [member.id, peer] : [peer, member.id];
      edges.set(`${a}-${b}`, [a, b]);
    }
  }
  return {
    version: 1,
    // One identity per --via address: the dashboard keeps one event log for it.
    startedAt: `via ${where}`,
    topology: {
      description: `members of ${where}`,
      seed: 0,
      maxPeers: Math.max(1, ...members.map((member) => member.peers.length)),
      edges: [...edges.values()],
      diameter: null,
    },
    relays: 1,
    basePort: 0,
    hostsMode: true,
    logLevel: 'info',
    insecure: false,
    nodes: members.map(memberEntry),
  };
}

function memberEntry(member: MemberView): NodeEntry {
  const address = parseHostPort(member.address) ?? { host: member.address, port: 0 };
  return {
    id: member.id,
    pid: 0,
    ...address,
    peers: member.peers,
    logFile: '',
    outputFile: '',
    dataDir: '',
    startedAt: '',
    removed: member.state === 'left',
  };
}

/** The network to act on, which must exist: the members --via names, else the state file. */
export async function requireCluster(
  paths: HomePaths,
  via: { host: string; port: number } | undefined,
): Promise<NetworkState> {
  return via === undefined ? requireState(paths) : membersState(via);
}

/** The network to act on: the members --via names, else the state file (undefined: no network). */
export async function readCluster(
  paths: HomePaths,
  via: { host: string; port: number } | undefined,
): Promise<NetworkState | undefined> {
  return via === undefined ? readState(paths) : membersState(via);
}
