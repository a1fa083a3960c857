// One gossip node, the façade that server.ts, handle-request.ts and run-node.ts use: it builds the node's
// parts and wires them together: delivery and the relay path (delivery.ts), catch-up with its peers
// (catch-up.ts), what it shows of itself (node-views.ts), inbound connections and the handshake
// (inbound-links.ts), and membership. Sockets live in server.ts and peer-link.ts, timers in run-node.ts; the
// node decides and records, and emits events (node-events.ts) that logs (and dashboards) subscribe to.

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { formatHostPort, type PeerAddress } from '../protocol/address.js';
import { type WireError, wireError } from '../protocol/errors.js';
import type { LinkFault } from '../protocol/fault-spec.js';
import type { MemberView, MessageView, PeerView, StatsReply } from '../protocol/replies.js';
import {
  DEFAULT_LIMITS,
  type PathSelection,
  type ReadFilter,
  type RequestLimits,
} from '../protocol/request-types.js';
import {
  type CarriedMessage,
  type PullReply,
  parsePullReply,
  parsePushReply,
} from '../protocol/strategy-lines.js';
import { parseSyncReply } from '../protocol/sync-page.js';
import type { SyncPage } from './anti-entropy.js';
import { CatchUp } from './catch-up.js';
import { Counters } from './counters.js';
import { Delivery, type Persistence } from './delivery.js';
import { FaultTable, type FaultView } from './faults/fault-table.js';
import type { HelloAnswer } from './handshake.js';
import { type InboundConnection, InboundLinks } from './inbound-links.js';
import type { JournalRecord } from './journal-codec.js';
import { DEFAULT_MAX_PATHS } from './limits.js';
import { LocalHealth } from './local-health.js';
import { ClusterMembers } from './members/cluster-members.js';
import { Membership, type MembershipHooks, type MembershipOptions } from './membership.js';
import { MessageStore } from './message-store.js';
import type { NodeEvents } from './node-events.js';
import { NodeViews } from './node-views.js';
import { DEFAULT_MAX_QUEUE_BYTES } from './peer-link.js';
import { DEFAULT_STRATEGY, type StrategyConfig } from './strategies/strategy-config.js';
import { StrategyEngine } from './strategies/strategy-engine.js';
import { wallClock } from './wall-clock.js';

export interface GossipNodeOptions {
  self: PeerAddress;
  peers: readonly PeerAddress[];
  /** Nodes to join through when starting with no peers. */
  seeds?: readonly PeerAddress[];
  membership: Omit<MembershipOptions, 'self' | 'now' | 'random' | 'targetPeers' | 'faults'> & {
    targetPeers?: number;
  };
  /** The fault every link starts with (--faults), and the seed of its draws. */
  faults?: { fault: LinkFault; seed?: number | undefined } | undefined;
  /** Take /FAULT and /PARTITION requests (--allow-faults). */
  allowFaults?: boolean | undefined;
  persistence?: Persistence | undefined;
  /** Arrival paths stored per message (default DEFAULT_MAX_PATHS); later ones are counted, not kept. */
  maxPaths?: number | undefined;
  /** What a message carried by a peer may hold (the node's `--max-text-bytes`); the protocol default if absent. */
  limits?: RequestLimits | undefined;
  /** ms since the epoch, sub-ms precision. */
  now?: () => number;
  random?: () => number;
  /** The dissemination strategy (default: flood, the reference relay rule). */
  strategy?: StrategyConfig;
  /** Sends one line to an address over a connection of its own: the check back of a HELLO (see handshake.ts). */
  dial?: (to: PeerAddress, line: string) => void;
  /** Fresh handshake nonces (128 random bits in hex). */
  newNonce?: () => string;
}

/** How often the edge calls tick(): heartbeats, failure detection, membership, anti-entropy. */
export const TICK_MS = 100;

export class GossipNode {
  readonly id: number;
  readonly address: string;
  readonly events = new EventEmitter<NodeEvents>();
  readonly counters = new Counters();
  readonly startedAtMs: number;
  readonly epoch: number;
  readonly membership: Membership;
  private readonly store: MessageStore;
  private readonly limits: RequestLimits;
  /** ms since the epoch on this node's clock: every time it records and reports. */
  readonly now: () => number;
  readonly strategy: StrategyConfig;
  /** Runs the round-based strategies; undefined for flood. */
  private readonly engine: StrategyEngine | undefined;
  /** Messages arriving, recorded and relayed on: the hot path. */
  private readonly delivery: Delivery;
  /** Sync cursors and anti-entropy with each peer. */
  private readonly catchUp: CatchUp;
  private readonly views: NodeViews;
  /** Inbound connections: the handshake, and which peer each is the link of. */
  private readonly inbound: InboundLinks;
  /** Link faults and the partition this node applies to what it sends (faults/). */
  readonly faults: FaultTable;
  readonly allowFaults: boolean;
  /** Every member of the cluster, as gossip tells this node (members/). */
  readonly members: ClusterMembers;
  /** Stretches failure timeouts while this node's own ticks run late (see local-health.ts). */
  private readonly health = new LocalHealth(TICK_MS);

  constructor(options: GossipNodeOptions) {
    this.id = options.self.id;
    this.address = formatHostPort(options.self.host, options.self.port);
    this.now = options.now ?? wallClock;
    this.startedAtMs = this.now();
    this.epoch = Math.round(this.startedAtMs);
    this.store = new MessageStore(options.maxPaths ?? DEFAULT_MAX_PATHS);
    this.limits = options.limits ?? DEFAULT_LIMITS;
    const random = options.random ?? Math.random;
    this.strategy = options.strategy ?? DEFAULT_STRATEGY;
    this.engine =
      this.strategy.name === 'flood'
        ? undefined
        : new StrategyEngine(this.strategy, {
            livePeers: () => this.membership.ids().filter((peer) => this.membership.isUp(peer)),
            send: (peer, line) => this.membership.send(peer, line),
            deliverFrom: (message, sender, via) => this.delivery.deliverCarried(message, sender, via),
            count: (name, amount) => this.counters.add(name, amount),
            random,
            now: () => this.now(),
          });
    const { targetPeers, ...membership } = options.membership;
    this.faults = new FaultTable({
      self: this.id,
      maxLines: membership.link.maxQueue,
      maxBytes: membership.link.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES,
      now: () => performance.now(),
      onDrop: (_peer, reason) => this.counters.add(reason === 'lost' ? 'linesLost' : 'queueOverflows'),
    });
    if (options.faults !== undefined) this.faults.set('*', options.faults.fault, options.faults.seed);
    this.allowFaults = options.allowFaults === true;
    const seeds = options.seeds ?? [];
    // The member table exists before the overlay's first hooks fire. Our incarnation is our start time.
    this.members = new ClusterMembers(
      { ...options.self, incarnation: this.epoch, peers: [] },
      {
        send: (peer, line) => this.membership.send(peer, line),
        upPeers: () => this.membership.ids().filter((peer) => this.membership.isUp(peer)),
        now: this.now,
        timeoutScale: () => this.health.multiplier,
        changed: (member) => {
          if (member.state === 'suspect') this.counters.add('membersSuspected');
          else if (member.state === 'dead') this.counters.add('membersDead');
          this.events.emit('member.changed', member);
        },
        sent: (lines, bytes) => {
          this.counters.add('gossipLinesOut', lines);
          this.counters.add('gossipBytesOut', bytes);
        },
      },
    );
    // Repair back to the initial degree; a node that joins aims for a full set of peers.
    const initialDegree =
      options.peers.length > 0 ? options.peers.length : seeds.length > 0 ? membership.maxPeers : 1;
    this.membership = new Membership(
      options.peers,
      seeds,
      {
        ...membership,
        targetPeers: targetPeers ?? Math.min(membership.maxPeers, initialDegree),
        faults: this.faults,
        self: options.self,
        now: this.now,
        timeoutScale: () => this.health.multiplier,
        random,
      },
      this.membershipHooks(),
    );
    this.ownPeersChanged();
    const { store, engine, counters, events, now } = this;
    const persistence = options.persistence;
    this.delivery = new Delivery({
      id: this.id,
      store,
      membership: this.membership,
      engine,
      counters,
      events,
      persistence,
      now,
    });
    this.catchUp = new CatchUp({
      self: { id: this.id, epoch: this.epoch },
      store,
      membership: this.membership,
      delivery: this.delivery,
      counters,
      events,
      now,
    });
    this.views = new NodeViews({
      id: this.id,
      address: this.address,
      startedAtMs: this.startedAtMs,
      strategy: this.strategy,
      store,
      persistence,
      delivery: this.delivery,
      engine,
      members: this.members,
      membership: this.membership,
      counters,
      faults: this.faults,
      now,
    });
    const { dial = () => {}, newNonce = () => randomBytes(16).toString('hex') } = options;
    this.inbound = new InboundLinks({
      id: this.id,
      store,
      membership: this.membership,
      members: this.members,
      counters,
      events,
      now,
      dial,
      newNonce,
    });
  }

  /** Replays journal records after a restart, before the node serves anything. */
  restore(records: Iterable<JournalRecord>): void {
    this.delivery.restore(records);
  }

  start(): void {
    this.membership.start();
  }

  stop(): void {
    this.membership.stop();
  }

  /** Periodic upkeep, called by a timer at the edge: handshakes, membership, then anti-entropy. */
  tick(): void {
    this.health.observe(this.now());
    this.inbound.expire();
    this.membership.tick();
    this.members.tick();
    const now = this.now();
    if (this.strategy.repair) this.catchUp.tick(now);
  }

  /** One round of the strategy (a timer at the edge calls it on round boundaries; nothing for flood). */
  round(): void {
    this.engine?.round();
  }

  /** A client submitted a message: stamp it, record it, send it on (see Delivery.submit). */
  submit(text: string, relays: number): { id: string; durable: Promise<void> | undefined } {
    return this.delivery.submit(text, relays);
  }

  /** A peer relayed a message: the path so far ends with the sender (see Delivery.relay). */
  relay(
    id: string,
    path: readonly number[],
    relays: number,
    clock = 0,
    idJson?: string,
    pathText?: string,
  ): WireError | undefined {
    return this.delivery.relay(id, path, relays, clock, idJson, pathText);
  }

  /** A peer pushed a message (a strategy round): record it; the reply tells the pusher whether it was news. */
  push(message: CarriedMessage): { useful: boolean } | WireError {
    return this.delivery.push(message);
  }

  /** A partner sent its digest: what it lacks (and, for an exchange, what we lack). */
  servePull(digest: readonly string[], exchange: boolean): PullReply | WireError {
    if (this.engine === undefined)
      return wireError('BAD_ARGUMENT', 'this node runs the flood strategy: it answers no digests');
    return this.engine.servePull(digest, exchange, this.id);
  }

  /** Messages this node still pushes as rumors. */
  hotRumors(): number {
    return this.views.hotRumors();
  }

  /** Serves `/SYNC` to a peer: what we hold beyond its cursor, minus what it sent us itself. */
  serveSync(from: number, epoch: number, connection: InboundConnection): SyncPage {
    return this.catchUp.serveSync(from, epoch, connection);
  }

  /** A peer answered our `/SYNC`: record what we lacked as catch-up arrivals and relay it on. */
  receiveSync(peer: number, page: SyncPage): void {
    this.catchUp.receiveSync(peer, page);
  }

  /**
   * A full HELLO on `connection`: answered once the claim is checked back (see handshake.ts) and membership
   * decided; a connection that authenticated as that node with the cluster key needs no check.
   */
  hello(
    claim: PeerAddress,
    flags: { home: boolean; join: boolean },
    connection: InboundConnection,
  ): HelloAnswer | Promise<HelloAnswer> {
    return this.inbound.hello(claim, flags, connection);
  }

  /** `/VERIFY` from node `asker`: its nonce goes back on our link to it, if we are dialling it. */
  verify(asker: number, nonce: string): boolean {
    return this.inbound.verify(asker, nonce);
  }

  /** `/PROVE` on `connection`: completes the check of that connection's HELLO, if the nonce is its own. */
  proved(nonce: string, connection: InboundConnection): boolean {
    return this.inbound.proved(nonce, connection);
  }

  /** The connection is node `peerId`'s (checked, or authenticated with the key). */
  registerInbound(connection: InboundConnection, peerId: number): void {
    this.inbound.register(connection, peerId);
  }

  unregisterInbound(connection: InboundConnection): void {
    this.inbound.unregister(connection);
  }

  /** `/FAULT`: the fault of what this node sends to `target` (a peer, or every link), from now on. */
  setFault(target: number | '*', fault: LinkFault, seed?: number): FaultView {
    this.faults.set(target, fault, seed);
    this.events.emit('link.faults', this.faults.view());
    return this.faults.view();
  }

  /** `/PARTITION`: cut this node off from these nodes (none: healed). */
  partition(cut: readonly number[]): FaultView {
    this.membership.partition(cut.filter((id) => id !== this.id));
    this.events.emit('link.faults', this.faults.view());
    return this.faults.view();
  }

  /** A reply this node writes on peer `peer`'s link: it passes that direction's fault too. */
  shapeReply(peer: number, text: string, write: (text: string) => void): void {
    if (this.faults.active) this.faults.send(peer, text, write);
    else write(text);
  }

  /**
   * `/LEAVE`: tell every peer on its own link that this node is gone for good, then close the links. The
   * caller emits `node.left` once its answer is out, and whoever runs the node stops it then.
   */
  leave(): number[] {
    this.members.leave();
    return this.membership.leave();
  }

  /**
   * The rich listing behind /MESSAGES and the CLI, made lazily (see reply-stream.ts) from the messages held
   * now; fetching `all` or `unread` marks them read, unless `peek` (a dashboard looking must not change what
   * `get-messages unread` shows).
   */
  listMessages(filter: ReadFilter, selection: PathSelection, peek = false): Iterable<MessageView> {
    return this.views.listMessages(filter, selection, peek);
  }

  /** /LOOKUP: the messages with this id or this exact text, every path, lazily; nothing is marked read. */
  lookupMessages(query: string): Iterable<MessageView> {
    return this.views.lookupMessages(query);
  }

  /** The reference /GET reply's entries, id and paths, lazily; marks read as get-messages does. */
  referenceListing(filter: ReadFilter, selection: PathSelection): Iterable<[string, number[][]]> {
    return this.views.referenceListing(filter, selection);
  }

  /** `/MEMBERS`: every member this node knows of; `lastHeardMs` is how long ago news of it came. */
  memberViews(): Iterable<MemberView> {
    return this.views.memberViews();
  }

  peers(): PeerView[] {
    return this.views.peers();
  }

  /** The reference /PEERS reply. */
  referencePeers(): Array<[number, string]> {
    return this.views.referencePeers();
  }

  stats(pid: number): StatsReply {
    return this.views.stats(pid);
  }

  uptimeMs(): number {
    return this.now() - this.startedAtMs;
  }

  private membershipHooks(): MembershipHooks {
    const where = (peer: PeerAddress): string => formatHostPort(peer.host, peer.port);
    return {
      added: (peer, reason) => {
        this.ownPeersChanged();
        this.events.emit('peer.added', { peer: peer.id, address: where(peer), reason });
      },
      dropped: (peer, reason) => {
        this.catchUp.forget(peer.id);
        this.members.lostPeer(peer.id, reason);
        this.ownPeersChanged();
        this.events.emit('peer.dropped', { peer: peer.id, address: where(peer), reason });
      },
      aliveMembers: () => this.members.alive(),
      linkUp: (peer) => {
        this.members.linkUp(peer.id);
        this.counters.add('linkConnects');
        this.events.emit('link.up', { peer: peer.id, address: where(peer) });
        this.catchUp.linkUp(peer.id);
      },
      linkDown: (peer, reason, wasUp) => {
        // Nothing listens at its address: a dead process (a stopped one still accepts connections).
        if (reason.includes('ECONNREFUSED')) this.members.unreachable(peer.id);
        this.counters.add('linkFailures');
        this.events.emit('link.down', { peer: peer.id, address: where(peer), reason, wasUp });
      },
      overflow: (peer, dropped) => {
        this.counters.add('queueOverflows', dropped);
        this.events.emit('link.overflow', { peer: peer.id, dropped });
      },
      reply: (peer, line) => this.onPeerReply(peer.id, line),
      authRefused: (peer, line) => {
        this.counters.add('peerAuthFailures');
        this.events.emit('link.auth-refused', { peer: peer.id, line });
      },
      closeInbound: (peerId) => {
        this.inbound.close(peerId);
      },
    };
  }

  /** Our member record lists our peers (the overlay's initial peers are added while it is being built). */
  private ownPeersChanged(): void {
    const membership = this.membership as Membership | undefined;
    this.members.peersChanged(membership?.ids() ?? []);
  }

  private onPeerReply(peer: number, line: string): void {
    if (line.startsWith('{"push"')) {
      const reply = parsePushReply(line);
      if (reply !== undefined && this.engine !== undefined) {
        this.engine.feedback(reply.id, reply.useful);
        return;
      }
    }
    if (line.startsWith('{"pull"')) {
      const parsed = parsePullReply(line, this.limits);
      if (parsed !== undefined && this.engine !== undefined) {
        this.counters.add('peerErrors', parsed.refused);
        this.engine.receivePull(peer, parsed.reply);
        return;
      }
    }
    if (line.startsWith('{"sync"')) {
      const parsed = parseSyncReply(line, this.limits);
      if (parsed !== undefined) {
        this.counters.add('peerErrors', parsed.refused);
        this.catchUp.receiveSync(peer, parsed.page);
        return;
      }
    }
    this.counters.add('peerErrors');
    this.events.emit('peer.reply', { peer, line });
  }
}
