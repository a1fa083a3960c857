// What a node shows of itself: message listings and lookups (rich, and as the reference /GET has them),
// member and peer views, and its stats. Listings are made lazily from the store (see reply-stream.ts).

import { formatHostPort } from '../protocol/address.js';
import { peerLabel } from '../protocol/encode.js';
import type { MemberView, MessageView, PeerView, StatsReply } from '../protocol/replies.js';
import type { PathSelection, ReadFilter } from '../protocol/request-types.js';
import type { Counters } from './counters.js';
import type { Delivery, Persistence } from './delivery.js';
import type { FaultTable } from './faults/fault-table.js';
import { encodeRecord } from './journal-codec.js';
import type { ClusterMembers } from './members/cluster-members.js';
import type { Membership } from './membership.js';
import type { MessageStore, StoredMessage } from './message-store.js';
import { selectPaths } from './path-select.js';
import type { StrategyConfig } from './strategies/strategy-config.js';
import type { StrategyEngine } from './strategies/strategy-engine.js';

/** The parts of a node its views read (the Lamport clock is the delivery's). */
export interface ViewedParts {
  id: number;
  address: string;
  startedAtMs: number;
  strategy: StrategyConfig;
  store: MessageStore;
  persistence: Persistence | undefined;
  delivery: Delivery;
  engine: StrategyEngine | undefined;
  members: ClusterMembers;
  membership: Membership;
  counters: Counters;
  faults: FaultTable;
  now: () => number;
}

export class NodeViews {
  constructor(private readonly node: ViewedParts) {}

  /**
   * The rich listing behind /MESSAGES and the CLI, made lazily (see reply-stream.ts) from the messages held
   * now; fetching `all` or `unread` marks them read, unless `peek` (a dashboard looking must not change what
   * `get-messages unread` shows).
   */
  listMessages(filter: ReadFilter, selection: PathSelection, peek: boolean): Iterable<MessageView> {
    const { store } = this.node;
    const listing = store.listing(filter);
    if (!peek && filter !== 'read' && store.markAllRead())
      this.node.persistence?.appendLine(encodeRecord({ kind: 'read', atMs: this.node.now() }));
    return mapped(listing.messages, (message) => toView(message, selection, listing.isRead(message)));
  }

  /** /LOOKUP: the messages with this id or this exact text, every path, lazily; nothing is marked read. */
  lookupMessages(query: string): Iterable<MessageView> {
    const { store } = this.node;
    return mapped(store.find(query), (message) => toView(message, 'all', store.isRead(message)));
  }

  /** The reference /GET reply's entries, id and paths, lazily; marks read as get-messages does. */
  referenceListing(filter: ReadFilter, selection: PathSelection): Iterable<[string, number[][]]> {
    return mapped(this.listMessages(filter, selection, false), (view) => [
      view.id,
      view.paths.map((record) => record.path),
    ]);
  }

  /** `/MEMBERS`: every member this node knows of; `lastHeardMs` is how long ago news of it came. */
  memberViews(): Iterable<MemberView> {
    const now = this.node.now();
    return mapped(this.node.members.table.list(), (member) => ({
      id: member.id,
      address: formatHostPort(member.host, member.port),
      state: member.state,
      incarnation: member.incarnation,
      heartbeat: member.heartbeat,
      lastHeardMs: Math.max(0, Math.round(now - member.heardMs)),
      peers: [...member.peers],
    }));
  }

  peers(): PeerView[] {
    return this.node.membership.views();
  }

  /** The reference /PEERS reply. */
  referencePeers(): Array<[number, string]> {
    return this.node.membership.views().map((peer) => [peer.id, peerLabel(peer.id, peer.address)]);
  }

  /** Messages this node still pushes as rumors. */
  hotRumors(): number {
    return this.node.engine?.hotRumors() ?? 0;
  }

  stats(pid: number): StatsReply {
    const { node } = this;
    const now = node.now();
    return {
      node: node.id,
      address: node.address,
      pid,
      startedAtMs: node.startedAtMs,
      uptimeMs: now - node.startedAtMs,
      messages: node.store.size,
      strategy: node.strategy.name,
      clock: node.delivery.clock,
      hotRumors: this.hotRumors(),
      peers: this.peers(),
      counters: { ...node.counters.values },
      errors: { ...node.counters.errors },
      faults: node.faults.view(),
    };
  }
}

function toView(message: StoredMessage, selection: PathSelection, read: boolean): MessageView {
  return {
    id: message.id,
    text: message.text,
    origin: message.origin,
    originNs: message.originNs.toString(),
    relays: message.relays,
    clock: message.clock,
    read,
    paths: selectPaths(message.paths, selection).map((record) => ({
      path: [...record.path],
      atMs: record.atMs,
      via: record.via,
    })),
  };
}

function* mapped<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U, void, undefined> {
  for (const item of items) yield map(item);
}
