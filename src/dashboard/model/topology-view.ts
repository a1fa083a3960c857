// The live topology as the nodes report it: who is up, whose links are up, how many messages each holds.
// Pure: fed with feed events by the dashboard server and, from the same snapshot on, by the page.

import type { PeerView } from '../../protocol/replies.js';
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
}

export interface LinkState {
  /** `a-b` with a < b. */
  key: string;
  a: number;
  b: number;
  /** Up when every live end reports it up; down while an end is dialling, or the other end is gone. */
  state: 'up' | 'down';
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
        if (known === undefined) links.set(key, { key, a, b, state: up ? 'up' : 'down' });
        else if (!up) known.state = 'down';
      }
    }
    return [...links.values()].sort((x, y) => x.a - y.a || x.b - y.b);
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
