// The state of one gossip node: its messages, its membership (peers and their links), the relay rule
// between them, and anti-entropy with its neighbours. Sockets live in server.ts and peer-link.ts, timers in
// run-node.ts; this class decides and records, and emits events that logs (and dashboards) subscribe to.

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { formatHostPort, type PeerAddress } from '../protocol/address.js';
import { peerLabel } from '../protocol/encode.js';
import { type WireError, wireError } from '../protocol/errors.js';
import type { LinkFault } from '../protocol/fault-spec.js';
import { formatMessageId } from '../protocol/message-id.js';
import { encodeRelay, encodeRelayLine, encodeSync } from '../protocol/relay-line.js';
import type { MemberView, MessageView, PeerView, StatsReply } from '../protocol/replies.js';
import {
  DEFAULT_LIMITS,
  type PathSelection,
  type ReadFilter,
  type RequestLimits,
} from '../protocol/requests.js';
import {
  type CarriedMessage,
  type PullReply,
  parsePullReply,
  parsePushReply,
} from '../protocol/strategy-lines.js';
import { parseSyncReply } from '../protocol/sync-page.js';
import {
  ANTI_ENTROPY_INTERVAL_MS,
  buildSyncPage,
  nextSyncInterval,
  type PeerCursor,
  SYNC_REPLY_TIMEOUT_MS,
  type SyncPage,
} from './anti-entropy.js';
import { Counters } from './counters.js';
import { FaultTable, type FaultView } from './faults/fault-table.js';
import { Handshakes, type HelloAnswer } from './handshake.js';
import type { JournalRecord } from './journal-codec.js';
import { DEFAULT_MAX_PATHS } from './limits.js';
import { LocalHealth } from './local-health.js';
import { ClusterMembers } from './members/cluster-members.js';
import type { Member } from './members/member-table.js';
import { Membership, type MembershipHooks, type MembershipOptions } from './membership.js';
import { type ArrivalVia, MessageStore, type StoredMessage } from './message-store.js';
import { selectPaths } from './path-select.js';
import { DEFAULT_MAX_QUEUE_BYTES } from './peer-link.js';
import { applyRelayDecision, decideRelay, RelayCounts, type RelayDecision } from './relay-policy.js';
import { mergeClock, tickClock } from './strategies/digest.js';
import { DEFAULT_STRATEGY, type StrategyConfig } from './strategies/strategy-config.js';
import { StrategyEngine } from './strategies/strategy-engine.js';

/** Round-based strategies send from their rounds: an arrival is always recorded and relayed on at once to none. */
const HOLD: RelayDecision = { accept: true, forwardTo: [] };

/** Where accepted messages and paths are persisted (the journal), if anywhere. */
export interface Persistence {
  append(record: JournalRecord): void;
  appendDurable(record: JournalRecord): Promise<void>;
}

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

export interface NodeEvents {
  'message.accepted': [{ id: string; relays: number }];
  'message.delivered': [
    { id: string; path: readonly number[]; atMs: number; first: boolean; via: ArrivalVia },
  ];
  'message.relayed': [{ id: string; to: readonly number[] }];
  'relay.over-limit': [{ id: string; sender: number }];
  'link.up': [{ peer: number; address: string }];
  'link.down': [{ peer: number; address: string; reason: string; wasUp: boolean }];
  'link.overflow': [{ peer: number; dropped: number }];
  'link.auth-refused': [{ peer: number; line: string }];
  'peer.reply': [{ peer: number; line: string }];
  'peer.added': [{ peer: number; address: string; reason: string }];
  'peer.dropped': [{ peer: number; address: string; reason: string }];
  'sync.received': [{ peer: number; learned: number; more: boolean }];
  'hello.refused': [{ claim: number; address: string; reason: string }];
  /** The link faults or the partition changed. */
  'link.faults': [FaultView];
  /** The node was asked to leave and told its peers; whoever runs it stops it now. */
  'node.left': [{ told: readonly number[] }];
  /** A member's record changed in this node's table (members/). */
  'member.changed': [Member];
}

/** An inbound connection as the node sees it: whose link it is, once that is established. */
export interface InboundConnection {
  /**
   * The node this connection is the link of: set once its HELLO was checked back (or it authenticated as
   * that node with the cluster key). Only then do its relays count, and only while that node is a peer.
   */
  peerId: number | undefined;
  /** The connection proved the cluster key (/AUTH); `keyedAs` is the node id it spoke as, if it is a node. */
  authenticated: boolean;
  keyedAs: number | undefined;
  /** The other end is on this machine (administrative commands of a node without a key come only from here). */
  fromLoopback: boolean;
  /** Our sequence number when the peer said HELLO on this connection. */
  helloSeq?: number;
  /** The node accepted this connection as a current peer's link: no client limits apply to it any more. */
  becamePeer(): void;
  destroy(): void;
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
  private readonly cursors = new Map<number, PeerCursor>();
  private readonly inbound = new Map<number, Set<InboundConnection>>();
  private readonly persistence: Persistence | undefined;
  /** ms since the epoch on this node's clock: every time it records and reports. */
  readonly now: () => number;
  private lastOriginNs = 0n;
  readonly strategy: StrategyConfig;
  /** Runs the round-based strategies; undefined for flood. */
  private readonly engine: StrategyEngine | undefined;
  /** This node's Lamport clock. */
  private clock = 0;
  private readonly handshakes: Handshakes<InboundConnection>;
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
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
    this.startedAtMs = this.now();
    this.epoch = Math.round(this.startedAtMs);
    this.persistence = options.persistence;
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
            deliverFrom: (message, sender, via) => this.deliverCarried(message, sender, via),
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
    const { dial = () => {}, newNonce = () => randomBytes(16).toString('hex') } = options;
    this.handshakes = new Handshakes({
      selfId: this.id,
      claimProblem: (claim, flags) =>
        this.membership.claimProblem(claim, flags) ?? this.addressProblem(claim),
      admit: (claim, flags, connection) => this.admit(claim, flags, connection),
      prove: (asker, nonce) => this.membership.prove(asker, nonce),
      dial,
      newNonce,
      now: this.now,
    });
  }

  /** Replays journal records after a restart, before the node serves anything. */
  restore(records: Iterable<JournalRecord>): void {
    for (const record of records) {
      if (record.kind === 'read') this.store.markAllRead();
      else {
        const message = this.store.get(record.id);
        if (message === undefined) {
          if (record.kind === 'message') {
            const clock = record.clock ?? 0;
            this.addMessage(record.id, record.path, record.relays, record.atMs, record.via, clock);
            this.clock = Math.max(this.clock, clock);
          }
        } else this.store.addPath(message, { path: record.path, atMs: record.atMs, via: record.via });
      }
    }
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
    this.handshakes.expire();
    this.membership.tick();
    this.members.tick();
    const now = this.now();
    if (!this.strategy.repair) return;
    for (const peer of this.membership.ids()) {
      if (!this.membership.isUp(peer)) continue;
      const cursor = this.cursorOf(peer);
      // A question whose answer never came (dropped from a full queue, say) is asked again.
      const due = cursor.inFlight ? SYNC_REPLY_TIMEOUT_MS : cursor.intervalMs;
      if (now - cursor.lastAskedMs >= due) this.askSync(peer, cursor);
    }
  }

  /** One round of the strategy (a timer at the edge calls it on round boundaries; nothing for flood). */
  round(): void {
    this.engine?.round();
  }

  /** A client submitted a message: stamp it, record it, send it on; resolves once it is on disk. */
  submit(text: string, relays: number): { id: string; durable: Promise<void> } {
    const id = formatMessageId(text, this.nextOriginNs());
    this.counters.add('messagesSubmitted');
    this.events.emit('message.accepted', { id, relays });
    const atMs = this.now();
    const path = [this.id];
    this.clock = tickClock(this.clock);
    const clock = this.clock;
    this.deliver(id, path, relays, undefined, 'origin', atMs, clock);
    const record: JournalRecord = { kind: 'message', id, relays, path, atMs, via: 'origin', clock };
    return { id, durable: this.persistence?.appendDurable(record) ?? Promise.resolve() };
  }

  /** A peer relayed a message: the path so far ends with the sender. */
  relay(
    id: string,
    path: readonly number[],
    relays: number,
    clock = 0,
    spelled?: { idJson: string; pathText: string },
  ): WireError | undefined {
    this.counters.add('relaysIn');
    const sender = path[path.length - 1];
    if (sender === undefined) return wireError('BAD_PATH', 'path is empty');
    if (sender === this.id)
      return wireError('BAD_PATH', `the last hop of the path is this node (${this.id})`);
    // The line on reuses the id and path as they came: no JSON made again per relay.
    const on =
      spelled === undefined
        ? undefined
        : { idJson: spelled.idJson, pathText: `${spelled.pathText},${this.id}` };
    // concat, not spread: an exactly sized array, kept for as long as the message is (a third of the memory).
    this.deliver(id, path.concat(this.id), relays, sender, 'relay', this.now(), clock, on);
    return undefined;
  }

  /** A peer pushed a message (a strategy round): record it; the reply tells the pusher whether it was news. */
  push(message: CarriedMessage): { useful: boolean } | WireError {
    this.counters.add('pushesIn');
    const sender = message.path[message.path.length - 1];
    if (sender === undefined || sender === this.id)
      return wireError('BAD_PATH', 'the last hop of a pushed path must be the pusher');
    return { useful: this.deliverCarried(message, sender, 'push') };
  }

  /** A partner sent its digest: what it lacks (and, for an exchange, what we lack). */
  servePull(digest: readonly string[], exchange: boolean): PullReply | WireError {
    if (this.engine === undefined)
      return wireError('BAD_ARGUMENT', 'this node runs the flood strategy: it answers no digests');
    return this.engine.servePull(digest, exchange, this.id);
  }

  /** Messages this node still pushes as rumors. */
  hotRumors(): number {
    return this.engine?.hotRumors() ?? 0;
  }

  /** Serves `/SYNC` to a peer: what we hold beyond its cursor, minus what it sent us itself. */
  serveSync(from: number, epoch: number, connection: InboundConnection): SyncPage {
    this.counters.add('syncsServed');
    const { peerId: requester, helloSeq } = connection;
    return buildSyncPage(
      this.store,
      { from, epoch, requester, helloSeq },
      { id: this.id, epoch: this.epoch },
    );
  }

  /** A peer answered our `/SYNC`: record what we lacked as catch-up arrivals and relay it on. */
  receiveSync(peer: number, page: SyncPage): void {
    const cursor = this.cursorOf(peer);
    cursor.inFlight = false;
    cursor.epoch = page.epoch;
    cursor.next = page.next;
    let learned = 0;
    for (const message of page.messages) {
      if (this.store.get(message.id) !== undefined) continue;
      learned += 1;
      this.deliver(
        message.id,
        message.path.concat(this.id),
        message.relays,
        peer,
        'catch-up',
        this.now(),
        message.clock ?? 0,
      );
    }
    cursor.intervalMs = nextSyncInterval(cursor.intervalMs, learned, page.more);
    this.counters.add('messagesCaughtUp', learned);
    this.events.emit('sync.received', { peer, learned, more: page.more });
    if (page.more && this.membership.has(peer)) this.askSync(peer, cursor);
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
    const answer = this.handshakes.hello(claim, flags, connection, connection.keyedAs);
    const counted = (result: HelloAnswer): HelloAnswer => {
      if (!result.accepted) {
        this.counters.add('hellosRefused');
        const address = formatHostPort(claim.host, claim.port);
        this.events.emit('hello.refused', { claim: claim.id, address, reason: result.reason ?? '' });
      }
      return result;
    };
    return answer instanceof Promise ? answer.then(counted) : counted(answer);
  }

  /** `/VERIFY` from node `asker`: its nonce goes back on our link to it, if we are dialling it. */
  verify(asker: number, nonce: string): boolean {
    return this.handshakes.verify(asker, nonce);
  }

  /** `/PROVE` on `connection`: completes the check of that connection's HELLO, if the nonce is its own. */
  proved(nonce: string, connection: InboundConnection): boolean {
    return this.handshakes.proved(nonce, connection);
  }

  /** The connection is node `peerId`'s (checked, or authenticated with the key). */
  registerInbound(connection: InboundConnection, peerId: number): void {
    if (connection.peerId !== undefined && connection.peerId !== peerId) this.unregisterInbound(connection);
    connection.peerId = peerId;
    connection.helloSeq = this.store.length;
    const set = this.inbound.get(peerId) ?? new Set();
    set.add(connection);
    this.inbound.set(peerId, set);
  }

  unregisterInbound(connection: InboundConnection): void {
    this.handshakes.expire(connection);
    if (connection.peerId !== undefined) this.inbound.get(connection.peerId)?.delete(connection);
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
    const listing = this.store.listing(filter);
    if (!peek && filter !== 'read' && this.store.markAllRead())
      this.persistence?.append({ kind: 'read', atMs: this.now() });
    return mapped(listing.messages, (message) => toView(message, selection, listing.isRead(message)));
  }

  /** /LOOKUP: the messages with this id or this exact text, every path, lazily; nothing is marked read. */
  lookupMessages(query: string): Iterable<MessageView> {
    return mapped(this.store.find(query), (message) => toView(message, 'all', this.store.isRead(message)));
  }

  /** The reference /GET reply's entries, id and paths, lazily; marks read as get-messages does. */
  referenceListing(filter: ReadFilter, selection: PathSelection): Iterable<[string, number[][]]> {
    return mapped(this.listMessages(filter, selection), (view) => [
      view.id,
      view.paths.map((record) => record.path),
    ]);
  }

  /** `/MEMBERS`: every member this node knows of; `lastHeardMs` is how long ago news of it came. */
  memberViews(): Iterable<MemberView> {
    const now = this.now();
    return mapped(this.members.table.list(), (member) => ({
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
    return this.membership.views();
  }

  /** The reference /PEERS reply. */
  referencePeers(): Array<[number, string]> {
    return this.membership.views().map((peer) => [peer.id, peerLabel(peer.id, peer.address)]);
  }

  stats(pid: number): StatsReply {
    const now = this.now();
    return {
      node: this.id,
      address: this.address,
      pid,
      startedAtMs: this.startedAtMs,
      uptimeMs: now - this.startedAtMs,
      messages: this.store.size,
      strategy: this.strategy.name,
      clock: this.clock,
      hotRumors: this.hotRumors(),
      peers: this.peers(),
      counters: { ...this.counters.values },
      errors: { ...this.counters.errors },
      faults: this.faults.view(),
    };
  }

  uptimeMs(): number {
    return this.now() - this.startedAtMs;
  }

  private deliver(
    id: string,
    path: number[],
    relaysAsked: number,
    sender: number | undefined,
    via: ArrivalVia,
    atMs: number,
    clockAsked: number,
    /** The id's JSON and the path's text (this node included), when the arrival's line had them. */
    spelled?: { idJson: string; pathText: string },
  ): boolean {
    const known = this.store.get(id);
    const counts = known?.counts ?? new RelayCounts();
    // The relay limit is the one the message arrived with first, so a later line cannot amplify it.
    const relays = known?.relays ?? relaysAsked;
    const clock = known?.clock ?? clockAsked;
    // Receiving a message is one event, however many paths it comes by: duplicates do not tick the clock.
    if (via !== 'origin' && known === undefined) this.clock = mergeClock(this.clock, clock);
    // Round-based strategies send from their rounds; only flood relays on arrival.
    const decision =
      this.engine === undefined
        ? decideRelay(counts, { sender, peers: this.membership.ids(), relays })
        : HOLD;
    if (!decision.accept) {
      this.counters.add('relaysOverLimit');
      if (sender !== undefined && this.events.listenerCount('relay.over-limit') > 0)
        this.events.emit('relay.over-limit', { id, sender });
      return false;
    }
    applyRelayDecision(counts, sender, decision);
    // Relay first: the next hop starts while this node records.
    if (decision.forwardTo.length > 0) {
      const tail = clock > 0 ? clock : undefined;
      const line =
        spelled === undefined
          ? encodeRelay(relays, id, path, tail)
          : encodeRelayLine(relays, spelled.idJson, spelled.pathText, tail);
      for (const peer of decision.forwardTo) this.membership.send(peer, line);
      this.counters.add('relaysOut', decision.forwardTo.length);
      this.counters.add('relayBytesOut', Buffer.byteLength(line) * decision.forwardTo.length);
    }
    if (via === 'relay') this.counters.add('relaysAccepted');
    const first = known === undefined;
    if (first) {
      const stored = this.addMessage(id, path, relays, atMs, via, clock, counts);
      this.engine?.learned(stored, via);
    }
    if (first || this.store.addPath(known, { path, atMs, via })) {
      if (via !== 'origin') {
        this.persistence?.append(
          first
            ? { kind: 'message', id, relays, path, atMs, via, clock }
            : { kind: 'path', id, path, atMs, via },
        );
      }
      if (this.events.listenerCount('message.delivered') > 0)
        this.events.emit('message.delivered', { id, path, atMs, first, via });
    } else {
      // Still relayed on as the rule says; only the record of this path is not kept.
      this.counters.add('pathsDropped');
    }
    if (decision.forwardTo.length > 0 && this.events.listenerCount('message.relayed') > 0)
      this.events.emit('message.relayed', { id, to: decision.forwardTo });
    return first;
  }

  /** A HELLO that puts a member the cluster knows to be alive at another address is not that member. */
  private addressProblem(claim: PeerAddress): string | undefined {
    const member = this.members.table.get(claim.id);
    if (member === undefined || (member.state !== 'alive' && member.state !== 'suspect')) return undefined;
    if (member.host === claim.host && member.port === claim.port) return undefined;
    return `node ${claim.id} is at ${formatHostPort(member.host, member.port)}`;
  }

  /** A checked HELLO: the connection is that node's, and membership decides whether it is a peer. */
  private admit(
    claim: PeerAddress,
    flags: { home: boolean; join: boolean },
    connection: InboundConnection,
  ): HelloAnswer {
    this.registerInbound(connection, claim.id);
    const result = this.membership.hello(claim, flags);
    if (result.accepted) connection.becamePeer();
    return result;
  }

  private addMessage(
    id: string,
    path: readonly number[],
    relays: number,
    atMs: number,
    via: ArrivalVia,
    clock: number,
    counts = new RelayCounts(),
  ): StoredMessage {
    const stored = this.store.add(
      { id, origin: path[0] ?? this.id, relays, clock },
      { path, atMs, via },
      counts,
    );
    this.engine?.track(stored);
    this.counters.add('messagesLearned');
    return stored;
  }

  /** A message a strategy brought (pushed, or sent back for a digest); returns whether it was news. */
  private deliverCarried(message: CarriedMessage, sender: number, via: ArrivalVia): boolean {
    const { id, path, relays, clock } = message;
    return this.deliver(id, path.concat(this.id), relays, sender, via, this.now(), clock);
  }

  private cursorOf(peer: number): PeerCursor {
    let cursor = this.cursors.get(peer);
    if (cursor === undefined) {
      cursor = { epoch: 0, next: 0, inFlight: false, lastAskedMs: 0, intervalMs: ANTI_ENTROPY_INTERVAL_MS };
      this.cursors.set(peer, cursor);
    }
    return cursor;
  }

  private askSync(peer: number, cursor: PeerCursor): void {
    cursor.inFlight = true;
    cursor.lastAskedMs = this.now();
    this.membership.send(peer, encodeSync(cursor.next, cursor.epoch));
  }

  /** Origin time in ns since the epoch, strictly increasing so ids stay unique on this node. */
  private nextOriginNs(): bigint {
    const nowMs = this.now();
    const wholeMs = Math.floor(nowMs);
    const ns = BigInt(wholeMs) * 1_000_000n + BigInt(Math.floor((nowMs - wholeMs) * 1e6));
    this.lastOriginNs = ns > this.lastOriginNs ? ns : this.lastOriginNs + 1n;
    return this.lastOriginNs;
  }

  private membershipHooks(): MembershipHooks {
    const where = (peer: PeerAddress): string => formatHostPort(peer.host, peer.port);
    return {
      added: (peer, reason) => {
        this.ownPeersChanged();
        this.events.emit('peer.added', { peer: peer.id, address: where(peer), reason });
      },
      dropped: (peer, reason) => {
        this.cursors.delete(peer.id);
        this.members.lostPeer(peer.id, reason);
        this.ownPeersChanged();
        this.events.emit('peer.dropped', { peer: peer.id, address: where(peer), reason });
      },
      aliveMembers: () => this.members.alive(),
      linkUp: (peer) => {
        this.members.linkUp(peer.id);
        this.counters.add('linkConnects');
        this.events.emit('link.up', { peer: peer.id, address: where(peer) });
        // A link that comes up is the moment to catch up on what we missed from this peer.
        const cursor = this.cursorOf(peer.id);
        cursor.inFlight = false;
        cursor.lastAskedMs = 0;
        cursor.intervalMs = ANTI_ENTROPY_INTERVAL_MS;
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
        for (const connection of this.inbound.get(peerId) ?? []) connection.destroy();
        this.inbound.delete(peerId);
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
        this.receiveSync(peer, parsed.page);
        return;
      }
    }
    this.counters.add('peerErrors');
    this.events.emit('peer.reply', { peer, line });
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
