// Runs a dissemination strategy on one node: which messages are hot rumors, what to push and pull each round,
// and what to answer a partner's digest with. Decisions come from the pure functions in rumor.ts and
// digest.ts; the node records arrivals (delivery.ts) and owns the sockets, a timer at the edge calls round().

import {
  type CarriedMessage,
  encodePull,
  encodePush,
  type PullReply,
} from '../../protocol/strategy-lines.js';
import type { CounterName } from '../counters.js';
import type { ArrivalVia, StoredMessage } from '../message-store.js';
import { digestEntry, digestOf, lacking } from './digest.js';
import { applyFeedback, pickPeers, planPushes, type Rumor } from './rumor.js';
import type { StrategyConfig } from './strategy-config.js';

/** Most messages in one pull reply, and most bytes of ids and paths: the rest comes next round. */
const PULL_REPLY_MESSAGES = 200;
const PULL_REPLY_BYTES = 512 * 1024;

/** What the engine needs from its node. */
export interface StrategyHost {
  /** Peers whose link is up. */
  livePeers(): number[];
  send(peer: number, line: string): void;
  /** Records a message a partner pushed or sent back; returns whether it was news. */
  deliverFrom(message: CarriedMessage, sender: number, via: ArrivalVia): boolean;
  count(name: CounterName, amount?: number): void;
  random(): number;
  /** ms since the epoch on the machine's clock (rounds are its multiples of roundMs). */
  now(): number;
}

export class StrategyEngine {
  /** Hot rumors by message id, each with the message it spreads. */
  private readonly rumors = new Map<string, Rumor & { message: StoredMessage }>();
  /** Digest entries in arrival order. */
  private readonly entries: string[] = [];
  /** The message behind each entry, and the round it arrived in (a digest is answered only with older ones). */
  private readonly byEntry = new Map<string, { message: StoredMessage; round: number }>();

  constructor(
    readonly config: StrategyConfig,
    private readonly host: StrategyHost,
  ) {}

  /** Every message the node holds passes here once (also when replayed from the journal). */
  track(message: StoredMessage): void {
    const entry = digestEntry(message.id);
    if (this.byEntry.has(entry)) return;
    this.byEntry.set(entry, { message, round: this.currentRound() });
    this.entries.push(entry);
  }

  /** The round now: the number of whole round lengths since the epoch. */
  currentRound(): number {
    return Math.floor(this.host.now() / this.config.roundMs);
  }

  /** A message arrived for the first time: with a push strategy it becomes a hot rumor, unless repair brought it. */
  learned(message: StoredMessage, via: ArrivalVia): void {
    const { name } = this.config;
    if ((name === 'push' || name === 'push-pull') && via !== 'catch-up' && via !== 'pull')
      this.rumors.set(message.id, { useless: 0, active: true, learnedRound: this.currentRound(), message });
  }

  /** Messages this node still pushes. */
  hotRumors(): number {
    let hot = 0;
    for (const rumor of this.rumors.values()) if (rumor.active) hot += 1;
    return hot;
  }

  /** One round: push hot rumors, and send digests to partners for a pull or an exchange. */
  round(): void {
    const { name, fanout } = this.config;
    const peers = this.host.livePeers();
    if (peers.length === 0) return;
    if (name === 'push' || name === 'push-pull') this.pushRound(peers);
    if (name === 'pull' || name === 'push-pull' || name === 'anti-entropy') {
      const line = encodePull(name === 'anti-entropy', digestOf(this.entries));
      for (const peer of pickPeers(peers, fanout, () => this.host.random())) {
        this.host.send(peer, line);
        this.host.count('pullsOut');
      }
    }
  }

  /** The pusher heard back: a useless push may end the rumor here. */
  feedback(id: string, useful: boolean): void {
    const rumor = this.rumors.get(id);
    this.host.count(useful ? 'pushesUseful' : 'pushesUseless');
    if (rumor === undefined) return;
    if (applyFeedback(rumor, useful, this.config, () => this.host.random())) {
      this.host.count('rumorsStopped');
      this.rumors.delete(id);
    }
  }

  /** Answers a partner's digest: what it lacks and, for an exchange, which of its entries we lack. */
  servePull(digest: readonly string[], exchange: boolean, self: number): PullReply {
    this.host.count('pullsServed');
    const theirs = new Set(digest);
    const messages: CarriedMessage[] = [];
    const round = this.currentRound();
    let bytes = 0;
    for (const entry of this.entries) {
      if (messages.length >= PULL_REPLY_MESSAGES || bytes >= PULL_REPLY_BYTES) break;
      // What arrived this round is passed on from the next (synchronous rounds; see planPushes).
      const held = this.byEntry.get(entry);
      if (held === undefined || held.round >= round || theirs.has(entry)) continue;
      const carried = carry(held.message);
      messages.push(carried);
      bytes += carried.id.length + carried.path.length * 4 + 32;
    }
    const lacks = exchange ? lacking(digest, this.byEntry) : [];
    return { node: self, messages, lacks };
  }

  /** A partner answered our digest: record what it sent, push what it lacks. */
  receivePull(peer: number, reply: PullReply): void {
    let learned = 0;
    for (const message of reply.messages) {
      if (this.host.deliverFrom(message, peer, 'pull')) learned += 1;
    }
    this.host.count('messagesPulled', learned);
    for (const entry of reply.lacks) {
      const held = this.byEntry.get(entry);
      if (held === undefined) continue;
      this.host.send(peer, encodePush(carry(held.message)));
      this.host.count('pushesOut');
    }
  }

  private pushRound(peers: number[]): void {
    const plan = planPushes(
      this.rumors,
      peers,
      { fanout: this.config.fanout, round: this.currentRound() },
      () => this.host.random(),
    );
    for (const { id, to } of plan) {
      const rumor = this.rumors.get(id);
      if (rumor === undefined) continue;
      const line = encodePush(carry(rumor.message));
      for (const peer of to) this.host.send(peer, line);
      this.host.count('pushesOut', to.length);
    }
  }
}

/** A stored message as a strategy sends it: the first path by which it reached this node. */
function carry(message: StoredMessage): CarriedMessage {
  return {
    id: message.id,
    relays: message.relays,
    path: message.firstPath(),
    clock: message.clock,
  };
}
