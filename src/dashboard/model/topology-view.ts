// The live topology as the nodes report it: who is up, whose links are up and faulted, the partition, how
// many messages each holds. Pure: fed with feed events by the dashboard server and, from the same snapshot
// on, by the page.

import { describeFault, isNoFault, type LinkFault } from '../../protocol/fault-spec.js';
import type { FaultViewReply, PeerView } from '../../protocol/replies.js';
import type { FeedEvent, NodeStatus } from './feed-events.js';

export interface NodeState {
  id: number;
  address: string;
  status: NodeStatus;
  pid: number | undefined;
  messages: number;
  /** The node's own peer list, by peer id. */
  peers: PeerView[];
  /**
   * The last link event per node id, peer or not: a repair link comes up while it is still a probe,
   * before the node takes it as a peer.
   */
  linkStates: Record<number, 'up' | 'down'>;
  /** Its link faults and the nodes it is cut off from (gossip link, partition); none until it says. */
  faults?: FaultViewReply | undefined;
}

/** A fault on what one end of a link sends to the other. */
export interface DirectedFault {
  from: number;
  to: number;
  /** The kind that shows: a blackhole, else loss, else delay, else a rate cap. */
  kind: 'down' | 'loss' | 'delay' | 'rate';
  description: string;
}

export interface LinkState {
  /** `a-b` with a < b. */
  key: string;
  a: number;
  b: number;
  /** Up when every live end reports it up; down while an end is dialling, or the other end is gone. */
  state: 'up' | 'down';
  /** The faults on it, per direction (none: a perfect link). */
  faults: DirectedFault[];
}

export interface TopologySnapshot {
  nodes: NodeState[];
}

export class TopologyView {
  private readonly nodes = new Map<number, NodeState>();

  static from(snapshot: TopologySnapshot): TopologyView {
    const view = new TopologyView();
    for (const node of snapshot.nodes) view.nodes.set(node.id, copyNode(node));
    return view;
  }

  toSnapshot(): TopologySnapshot {
    return { nodes: this.list().map(copyNode) };
  }

  list(): NodeState[] {
    return [...this.nodes.values()].sort((a, b) => a.id - b.id);
  }

  get(id: number): NodeState | undefined {
    return this.nodes.get(id);
  }

  /** Applies one event. */
  apply(event: FeedEvent): void {
    if (event.event === 'node.status') {
      const node = this.ensure(event.node, event.address);
      if (node.status === 'removed' && event.status !== 'removed') return;
      node.status = event.status;
      if (event.status === 'removed') node.peers = [];
      return;
    }
    if (event.event === 'snapshot') {
      Object.assign(this.ensure(event.node, event.address), {
        address: event.address,
        status: 'up',
        pid: event.pid,
        messages: event.messages,
        peers: sortPeers(event.peers),
        linkStates: Object.fromEntries(
          event.peers.map((peer) => [peer.id, peer.state === 'up' ? 'up' : 'down']),
        ),
        faults: event.faults,
      });
      return;
    }
    const node = this.nodes.get(event.node);
    if (node === undefined) return;
    switch (event.event) {
      case 'message.delivered':
        if (event.first) node.messages += 1;
        return;
      case 'link.up':
      case 'link.down': {
        const state = event.event === 'link.up' ? 'up' : 'down';
        node.linkStates[event.peer] = state;
        const peer = node.peers.find((candidate) => candidate.id === event.peer);
        if (peer !== undefined) peer.state = state;
        return;
      }
      case 'peer.added': {
        const state = node.linkStates[event.peer] === 'up' ? 'up' : 'connecting';
        const peer = { id: event.peer, address: event.address, state, queued: 0, home: false } as const;
        node.peers = sortPeers([...node.peers.filter((known) => known.id !== event.peer), peer]);
        return;
      }
      case 'peer.dropped':
        node.peers = node.peers.filter((peer) => peer.id !== event.peer);
        return;
      case 'link.faults':
        node.faults = { links: event.links, all: event.all, cut: event.cut, seed: event.seed };
        return;
    }
  }

  /** Links between nodes, as the live nodes list them (a node whose stream is lost says nothing). */
  links(): LinkState[] {
    const links = new Map<string, LinkState>();
    for (const node of this.nodes.values()) {
      if (node.status !== 'up') continue;
      for (const peer of node.peers) {
        const [a, b] = node.id < peer.id ? [node.id, peer.id] : [peer.id, node.id];
        const key = `${a}-${b}`;
        const other = this.nodes.get(peer.id);
        const otherGone = other === undefined || other.status === 'down' || other.status === 'removed';
        const up = peer.state === 'up' && !otherGone;
        const known = links.get(key);
        if (known === undefined) {
          const faults = [this.faultOf(a, b), this.faultOf(b, a)].filter((fault) => fault !== undefined);
          links.set(key, { key, a, b, state: up ? 'up' : 'down', faults });
        } else if (!up) known.state = 'down';
      }
    }
    return [...links.values()].sort((x, y) => x.a - y.a || x.b - y.b);
  }

  /**
   * The partition's groups when one is in force, as the live nodes say (nodes cut off from the same others
   * are on the same side); undefined when no node is cut off from anybody.
   */
  partition(): number[][] | undefined {
    const live = this.list().filter((node) => node.status === 'up' && node.faults !== undefined);
    if (live.every((node) => (node.faults?.cut.length ?? 0) === 0)) return undefined;
    const sides = new Map<string, number[]>();
    for (const node of live) {
      const key = (node.faults?.cut ?? []).join(',');
      sides.set(key, [...(sides.get(key) ?? []), node.id]);
    }
    return [...sides.values()].sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
  }

  /** What `from` does to the lines it sends `to`: its fault for that peer, else its fault on every link. */
  private faultOf(from: number, to: number): DirectedFault | undefined {
    const faults = this.nodes.get(from)?.faults;
    if (faults === undefined) return undefined;
    const fault = faults.links.find((link) => link.peer === to)?.fault ?? faults.all;
    if (isNoFault(fault)) return undefined;
    return { from, to, kind: faultKind(fault), description: describeFault(fault) };
  }

  private ensure(id: number, address: string): NodeState {
    let node = this.nodes.get(id);
    if (node === undefined) {
      node = { id, address, status: 'connecting', pid: undefined, messages: 0, peers: [], linkStates: {} };
      this.nodes.set(id, node);
    }
    return node;
  }
}

/** `loss 30%` when both directions have the same fault, else `3→7: loss 30%; 7→3: delay 100 ms`. */
export function describeLinkFaults(link: LinkState): string {
  const [first, second] = link.faults;
  if (first !== undefined && second !== undefined && first.description === second.description)
    return first.description;
  return link.faults.map((fault) => `${fault.from}→${fault.to}: ${fault.description}`).join('; ');
}

function faultKind(fault: LinkFault): DirectedFault['kind'] {
  if (fault.down) return 'down';
  if (fault.lossPercent > 0) return 'loss';
  if (fault.delayMs > 0 || fault.jitterMs > 0) return 'delay';
  return 'rate';
}

function copyNode(node: NodeState): NodeState {
  return {
    ...node,
    peers: node.peers.map((peer) => ({ ...peer })),
    linkStates: { ...node.linkStates },
  };
}

function sortPeers(peers: readonly PeerView[]): PeerView[] {
  return [...peers].sort((a, b) => a.id - b.id);
}
