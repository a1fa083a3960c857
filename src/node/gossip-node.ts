// The state of one gossip node: its messages, its peer links and the relay rule between them.
// Sockets live in server.ts and peer-link.ts; this class decides and records, and emits events for logs
// (and later dashboards) to subscribe to.

import { EventEmitter } from 'node:events';
import { type WireError, wireError } from '../protocol/errors.js';
import { formatMessageId, parseMessageId } from '../protocol/message-id.js';
import { encodeRelay } from '../protocol/relay-line.js';
import type { MessageView, PeerView, StatsReply } from '../protocol/replies.js';
import { peerLabel } from '../protocol/replies.js';
import type { PathSelection, ReadFilter } from '../protocol/requests.js';
import { Counters } from './counters.js';
import { MessageStore, type StoredMessage } from './message-store.js';
import { selectPaths } from './path-select.js';
import { type PeerAddress, PeerLink, type PeerLinkHooks, type PeerLinkOptions } from './peer-link.js';
import {
  applyRelayDecision,
  decideRelay,
  emptyRelayCounts,
  type MutableRelayCounts,
} from './relay-policy.js';

export interface GossipNodeOptions {
  id: number;
  /** The address this node advertises in listings (`host:port`). */
  address: string;
  peers: readonly PeerAddress[];
  link: PeerLinkOptions;
  /** ms since the epoch, sub-ms precision. */
  now?: () => number;
}

export interface NodeEvents {
  'message.accepted': [{ id: string; relays: number }];
  'message.delivered': [{ id: string; path: readonly number[]; atMs: number; first: boolean }];
  'message.relayed': [{ id: string; to: readonly number[] }];
  'relay.over-limit': [{ id: string; sender: number }];
  'link.up': [{ peer: number; address: string }];
  'link.down': [{ peer: number; address: string; reason: string; wasUp: boolean }];
  'link.overflow': [{ peer: number; dropped: number }];
  'peer.reply': [{ peer: number; line: string }];
  'peer.removed': [{ peer: number }];
}

export class GossipNode {
  readonly id: number;
  readonly address: string;
  readonly events = new EventEmitter<NodeEvents>();
  readonly counters = new Counters();
  readonly startedAtMs: number;
  private readonly store = new MessageStore();
  private readonly relayCounts = new Map<string, MutableRelayCounts>();
  private readonly links = new Map<number, PeerLink>();
  private readonly now: () => number;
  private lastOriginNs = 0n;

  constructor(options: GossipNodeOptions) {
    this.id = options.id;
    this.address = options.address;
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
    this.startedAtMs = this.now();
    const hooks = this.linkHooks();
    for (const peer of options.peers) this.links.set(peer.id, new PeerLink(peer, options.link, hooks));
  }

  startLinks(): void {
    for (const link of this.links.values()) link.start();
  }

  stopLinks(): void {
    for (const link of this.links.values()) link.close();
  }

  /** A client submitted a message here: give it a unique id, record it, send it to every peer. */
  submit(text: string, relays: number): string {
    const id = formatMessageId(text, this.nextOriginNs());
    this.counters.add('messagesSubmitted');
    this.events.emit('message.accepted', { id, relays });
    this.deliver(id, [this.id], relays, undefined);
    return id;
  }

  /** A peer relayed a message: the path so far ends with the sender. */
  relay(id: string, path: readonly number[], relays: number): WireError | undefined {
    this.counters.add('relaysIn');
    const sender = path[path.length - 1];
    if (sender === undefined) return wireError('BAD_PATH', 'path is empty');
    if (sender === this.id)
      return wireError('BAD_PATH', `the last hop of the path is this node (${this.id})`);
    this.deliver(id, [...path, this.id], relays, sender);
    return undefined;
  }

  /** The rich listing behind /MESSAGES and the CLI; fetching `all` or `unread` marks everything read. */
  listMessages(filter: ReadFilter, selection: PathSelection): MessageView[] {
    const picked = this.store.select(filter);
    if (filter !== 'read') this.store.markAllRead();
    return picked.map((message) => toView(message, selection));
  }

  /** The reference /GET reply: id -> paths. */
  referenceListing(filter: ReadFilter, selection: PathSelection): Record<string, number[][]> {
    const listing: Record<string, number[][]> = {};
    for (const view of this.listMessages(filter, selection)) {
      listing[view.id] = view.paths.map((record) => record.path);
    }
    return listing;
  }

  peers(): PeerView[] {
    return [...this.links.values()].map((link) => ({
      id: link.peer.id,
      address: link.address,
      state: link.state,
      queued: link.queued,
    }));
  }

  /** The reference /PEERS reply. */
  referencePeers(): Array<[number, string]> {
    return [...this.links.values()].map((link) => [link.peer.id, peerLabel(link.peer.id, link.address)]);
  }

  /** A peer opened its link to us; if ours to it is waiting out a backoff, dial now. */
  greeted(peerId: number): void {
    this.links.get(peerId)?.retryNow();
  }

  /** How many of this node's peer links are up, for readiness checks. */
  linksUp(): { up: number; total: number } {
    let up = 0;
    for (const link of this.links.values()) if (link.state === 'up') up += 1;
    return { up, total: this.links.size };
  }

  removePeer(peerId: number): boolean {
    const link = this.links.get(peerId);
    if (link === undefined) return false;
    link.close();
    this.links.delete(peerId);
    this.events.emit('peer.removed', { peer: peerId });
    return true;
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
      peers: this.peers(),
      counters: { ...this.counters.values },
      errors: { ...this.counters.errors },
    };
  }

  uptimeMs(): number {
    return this.now() - this.startedAtMs;
  }

  private deliver(id: string, path: number[], relaysAsked: number, sender: number | undefined): void {
    const atMs = this.now();
    let message = this.store.get(id);
    let counts = this.relayCounts.get(id);
    if (counts === undefined) {
      counts = emptyRelayCounts();
      this.relayCounts.set(id, counts);
    }
    // The relay limit is the one the message arrived with first, so a later line cannot amplify it.
    const relays = message?.relays ?? relaysAsked;
    const decision = decideRelay(counts, { sender, peers: [...this.links.keys()], relays });
    applyRelayDecision(counts, sender, decision);
    if (!decision.accept) {
      this.counters.add('relaysOverLimit');
      if (sender !== undefined) this.events.emit('relay.over-limit', { id, sender });
      return;
    }
    if (sender !== undefined) this.counters.add('relaysAccepted');
    const first = message === undefined;
    if (message === undefined) {
      const parsed = parseMessageId(id);
      message = this.store.add(
        {
          id,
          text: parsed?.text ?? id,
          originNs: parsed?.originNs ?? 0n,
          origin: path[0] ?? this.id,
          relays,
        },
        { path, atMs },
      );
      this.counters.add('messagesLearned');
    } else {
      this.store.addPath(message, { path, atMs });
    }
    this.events.emit('message.delivered', { id, path, atMs, first });
    if (decision.forwardTo.length === 0) return;
    const line = encodeRelay(relays, id, path);
    for (const peer of decision.forwardTo) {
      this.links.get(peer)?.send(line);
    }
    this.counters.add('relaysOut', decision.forwardTo.length);
    this.counters.add('relayBytesOut', Buffer.byteLength(line) * decision.forwardTo.length);
    this.events.emit('message.relayed', { id, to: decision.forwardTo });
  }

  /** Origin time in ns since the epoch, strictly increasing so ids stay unique on this node. */
  private nextOriginNs(): bigint {
    const nowMs = this.now();
    const wholeMs = Math.floor(nowMs);
    const ns = BigInt(wholeMs) * 1_000_000n + BigInt(Math.floor((nowMs - wholeMs) * 1e6));
    this.lastOriginNs = ns > this.lastOriginNs ? ns : this.lastOriginNs + 1n;
    return this.lastOriginNs;
  }

  private linkHooks(): PeerLinkHooks {
    return {
      up: (peer) => {
        this.counters.add('linkConnects');
        this.events.emit('link.up', { peer: peer.id, address: `${peer.host}:${peer.port}` });
      },
      down: (peer, reason, wasUp) => {
        this.counters.add('linkFailures');
        this.events.emit('link.down', { peer: peer.id, address: `${peer.host}:${peer.port}`, reason, wasUp });
      },
      overflow: (peer, dropped) => {
        this.counters.add('queueOverflows', dropped);
        this.events.emit('link.overflow', { peer: peer.id, dropped });
      },
      reply: (peer, line) => {
        this.counters.add('peerErrors');
        this.events.emit('peer.reply', { peer: peer.id, line });
      },
    };
  }
}

function toView(message: StoredMessage, selection: PathSelection): MessageView {
  return {
    id: message.id,
    text: message.text,
    origin: message.origin,
    originNs: message.originNs.toString(),
    relays: message.relays,
    read: message.read,
    paths: selectPaths(message.paths, selection).map((record) => ({
      path: [...record.path],
      atMs: record.atMs,
    })),
  };
}
