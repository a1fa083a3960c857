// Link faults and partitions on a running network: the requests to its nodes (administrative, so
// authenticated when the network has a key), and what the nodes report back. Nodes keep faults in memory
// only; the network-wide fault a network was started with (start-network --delay ...) is in its state, so a
// restarted or added node starts with it again.

import { fetchFaults, setLinkFault, setPartition } from '../client/node-client.js';
import { GossipError, isGossipError } from '../errors.js';
import type { FaultViewReply } from '../protocol/replies.js';
import type { HomePaths } from './home.js';
import { cliAuth, networkKey } from './network-key.js';
import { cutSets } from './partition-plan.js';
import { type NetworkState, type NodeEntry, writeState } from './state.js';

export type NodeFaults = FaultViewReply & { node: number };

/** The nodes a fault request goes to: every one not removed. */
function liveEntries(state: NetworkState): NodeEntry[] {
  return state.nodes.filter((node) => !node.removed);
}

/** Sends one request per node, all at once; a node that cannot be reached is reported, a refusal thrown. */
async function everywhere<T>(
  nodes: readonly NodeEntry[],
  request: (node: NodeEntry) => Promise<T>,
): Promise<{ done: T[]; unreachable: number[] }> {
  const done: T[] = [];
  const unreachable: number[] = [];
  await Promise.all(
    nodes.map((node) =>
      request(node).then(
        (result) => done.push(result),
        (error: unknown) => {
          if (isGossipError(error) && error.code === 'GOSSIP_ERR_REJECTED') throw error;
          unreachable.push(node.id);
        },
      ),
    ),
  );
  return { done, unreachable: unreachable.sort((a, b) => a - b) };
}

/** The fault of the link a -> b (and b -> a unless `oneWay`); `clear` lifts it. */
export async function faultLink(
  state: NetworkState,
  a: NodeEntry,
  b: NodeEntry,
  spec: string,
  oneWay: boolean,
): Promise<NodeFaults[]> {
  const key = networkKey(state);
  const ends: Array<[NodeEntry, NodeEntry]> = oneWay
    ? [[a, b]]
    : [
        [a, b],
        [b, a],
      ];
  return Promise.all(ends.map(([from, to]) => setLinkFault(from, to.id, spec, cliAuth(key, from.id))));
}

/** The same fault on every link of every node (`clear` lifts every link's own fault too). */
export async function faultEveryLink(state: NetworkState, spec: string) {
  const key = networkKey(state);
  return everywhere(liveEntries(state), (node) => setLinkFault(node, '*', spec, cliAuth(key, node.id)));
}

/** Cuts the network into `groups` (every node in one): each node is told whom it is cut off from. */
export async function partitionNetwork(state: NetworkState, groups: readonly (readonly number[])[]) {
  const key = networkKey(state);
  const cuts = cutSets(groups);
  return everywhere(liveEntries(state), (node) =>
    setPartition(node, cuts.get(node.id) ?? [], cliAuth(key, node.id)),
  );
}

/** Clears every fault and partition (the network-wide start fault too). */
export async function healNetwork(state: NetworkState) {
  const key = networkKey(state);
  return everywhere(liveEntries(state), async (node) => {
    const auth = cliAuth(key, node.id);
    await setPartition(node, [], auth);
    return setLinkFault(node, '*', 'clear', auth);
  });
}

/** What every live node reports. */
export async function collectFaults(state: NetworkState) {
  return everywhere(liveEntries(state), (node) => fetchFaults(node, 2_000));
}

/** The fault every link of the network has now (`clear`: none), kept for nodes restarted or added later. */
export async function recordNetworkFault(paths: HomePaths, state: NetworkState, spec: string): Promise<void> {
  if (spec === 'clear') delete state.faults;
  else state.faults = spec;
  await writeState(paths, state);
}

/** A node of the network by number, live. */
export function requireLiveNode(state: NetworkState, id: number): NodeEntry {
  const entry = state.nodes.find((node) => node.id === id);
  if (entry === undefined)
    throw new GossipError('GOSSIP_ERR_UNKNOWN_NODE', `there is no node ${id} in this network`);
  if (entry.removed)
    throw new GossipError('GOSSIP_ERR_NODE_DOWN', `Gossip-Node-${id} was removed from the network`);
  return entry;
}
