// Who this node's peers are, and keeping that set healthy under churn: one link per peer, liveness from
// heartbeats, dropping failed peers, probes (a link whose HELLO asks the other side to become a peer),
// random walks that find nodes with a free slot, and giving lost original ("home") peers their slot back
// when they return, so an overlay split by a partition merges again. A node never holds more than
// maxPeers peers and knows only its peers and a few candidates, never the whole membership. Only a node
// that leaves (its own /REMOVE on its own link) is forgotten for good; a peer lost any other way (a third
// party's /REMOVE, an eviction, a failure) may link again, and a node with no peers never stops trying.

import { formatHostPort } from '../protocol/address.js';
import {
  encodeHello,
  encodeProve,
  encodeRemove,
  encodeWalk,
  type HelloFlags,
} from '../protocol/relay-line.js';
import type { FaultTable } from './faults/fault-table.js';
import { decideHello, decideWalk, retryDelayMs } from './membership-policy.js';
import { type PeerAddress, PeerLink, type PeerLinkOptions } from './peer-link.js';

export interface MembershipOptions {
  self: PeerAddress;
  maxPeers: number;
  /** Degree a node repairs back to: its initial number of peers, capped by maxPeers. */
  targetPeers: number;
  /** A peer heard from before and silent this long is declared failed. */
  failureTimeoutMs: number;
  /** What failureTimeoutMs is multiplied by now (local health: see local-health.ts); 1 when absent. */
  timeoutScale?: () => number;
  heartbeatMs: number;
  walkTtl: number;
  link: Omit<PeerLinkOptions, 'greeting'>;
  /** With a cluster key: authenticates every connection of every link, and checks each peer's proof. */
  auth?: LinkAuthenticator | undefined;
  /** Link faults and the partition (faults/): what every link writes passes through them. */
  faults?: FaultTable | undefined;
  now(): number;
  random(): number;
}

export interface MembershipHooks {
  added(peer: PeerAddress, reason: string): void;
  dropped(peer: PeerAddress, reason: string): void;
  linkUp(peer: PeerAddress): void;
  linkDown(peer: PeerAddress, reason: string, wasUp: boolean): void;
  overflow(peer: PeerAddress, dropped: number): void;
  /** A line a peer sent back on our link that is not a HELLO answer (sync replies, errors). */
  reply(peer: PeerAddress, line: string): void;
  /** Close the connections this peer opened to us (it is no longer a peer). */
  closeInbound(peerId: number): void;
  /** A line on our link that came before (or instead of) a valid proof of the cluster key; it was ignored. */
  authRefused?(peer: PeerAddress, line: string): void;
  /** Members of the cluster known to be alive (members/): whom a node left with no peer at all knocks on. */
  aliveMembers?(): PeerAddress[];
}

/** Makes the `/AUTH` line for a new connection to node `to`, and tells that node's proof from anything else. */
export interface LinkAuthenticator {
  offer(to: number): { line: string; check(reply: string): boolean };
}

interface Peer {
  address: PeerAddress;
  link: PeerLink;
  home: boolean;
  addedAtMs: number;
  lastHeardMs: number;
  heard: boolean;
  lastSentMs: number;
}

interface Probe {
  address: PeerAddress;
  link: PeerLink;
  startedMs: number;
  reason: string;
}

interface Candidate {
  address: PeerAddress;
  attempts: number;
  nextTryMs: number;
  lostAtMs: number;
  /** Home peers and seeds are tried until they answer, however long that takes; others are forgotten. */
  keep: boolean;
}

/** A peer never heard from is given this long (slow start of a big network) before it is given up. */
const NEVER_HEARD_MS = 10_000;
/** A probe not accepted in this time is abandoned (the other side may take CHECK_TIMEOUT_MS to check us). */
const PROBE_TIMEOUT_MS = 4_000;
/** Lost peers other than home peers and seeds are forgotten after this long. */
const CANDIDATE_TTL_MS = 10 * 60_000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 2_000;
const WALK_RETRY_MIN_MS = 200;
/** Repair must finish within about 2 s of detection: walks are cheap, so retry them often. */
const WALK_RETRY_MAX_MS = 1_000;

export class Membership {
  private readonly peers = new Map<number, Peer>();
  private readonly probes = new Map<number, Probe>();
  private readonly candidates = new Map<number, Candidate>();
  private readonly homeIds = new Set<number>();
  /** Nodes we were told to remove (/REMOVE): refused until they come back with no peers at all (join). */
  private readonly removedIds = new Set<number>();
  private peerIds: number[] = [];
  private walkAttempts = 0;
  private walkDueMs = 0;
  private lastTickMs: number;

  constructor(
    initial: readonly PeerAddress[],
    seeds: readonly PeerAddress[],
    private readonly options: MembershipOptions,
    private readonly hooks: MembershipHooks,
  ) {
    this.lastTickMs = options.now();
    for (const address of initial) {
      this.homeIds.add(address.id);
      this.addPeer(address, this.newLink(address, { home: true, join: false }), 'configured');
    }
    // Seeds are where a joining node knocks first: candidates it may ask to let it in.
    for (const address of seeds) {
      if (!this.peers.has(address.id)) {
        const lostAtMs = options.now();
        this.candidates.set(address.id, { address, attempts: 0, nextTryMs: 0, lostAtMs, keep: true });
      }
    }
  }

  /** Current peer ids (the relay rule's `peers`); rebuilt only when membership changes. */
  ids(): readonly number[] {
    return this.peerIds;
  }

  has(id: number): boolean {
    return this.peers.has(id);
  }

  isUp(id: number): boolean {
    return this.peers.get(id)?.link.state === 'up';
  }

  start(): void {
    for (const peer of this.peers.values()) peer.link.start();
  }

  stop(): void {
    for (const peer of this.peers.values()) peer.link.close();
    for (const probe of this.probes.values()) probe.link.close();
    this.peers.clear();
    this.probes.clear();
    this.peerIds = [];
  }

  send(id: number, line: string): void {
    const peer = this.peers.get(id);
    if (peer === undefined) return;
    // Any line is a sign of life: a link that carried one since the last tick needs no heartbeat. (The tick's
    // clock, not a fresh reading: this runs per relay, and an older time only makes a heartbeat come sooner.)
    peer.lastSentMs = this.lastTickMs;
    peer.link.send(line);
  }

  views(): Array<{ id: number; address: string; state: PeerLink['state']; queued: number; home: boolean }> {
    return [...this.peers.values()].map((peer) => ({
      id: peer.address.id,
      address: peer.link.address,
      state: peer.link.state,
      queued: peer.link.queued,
      home: peer.home,
    }));
  }

  linkStats(): { up: number; total: number } {
    let up = 0;
    for (const peer of this.peers.values()) if (peer.link.state === 'up') up += 1;
    return { up, total: this.peers.size };
  }

  /** Any line from a peer shows it is alive. */
  heard(id: number): void {
    const peer = this.peers.get(id);
    if (peer === undefined) return;
    peer.lastHeardMs = this.options.now();
    peer.heard = true;
  }

  /**
   * Why a HELLO claiming to be node `from.id` at `from` is refused whatever its proof, if it is: it is this
   * node, it puts a peer we link to at another address, or it is a node that left and does not join afresh.
   */
  claimProblem(from: PeerAddress, flags: HelloFlags): string | undefined {
    const { self } = this.options;
    if (from.id === self.id || sameAddress(from, self)) return 'that is this node';
    const linked = this.peers.get(from.id)?.address ?? this.probes.get(from.id)?.address;
    if (linked !== undefined && !sameAddress(linked, from))
      return `node ${from.id} is at ${formatHostPort(linked.host, linked.port)}`;
    if (this.removedIds.has(from.id) && !flags.join) return 'it left';
    if (this.options.faults?.isCut(from.id)) return 'cut off by a partition';
    return undefined;
  }

  /** Another node says HELLO (checked: it is the node listening at `from`): it is, or wants to become, our peer. */
  hello(from: PeerAddress, flags: HelloFlags): { accepted: boolean; reason?: string } {
    const problem = this.claimProblem(from, flags);
    if (problem !== undefined) return { accepted: false, reason: problem };
    this.removedIds.delete(from.id);
    const decision = decideHello({
      from: from.id,
      fromHome: this.homeIds.has(from.id) || flags.home,
      force: flags.join,
      peers: [...this.peers.values()].map((peer) => ({ id: peer.address.id, home: peer.home })),
      maxPeers: this.options.maxPeers,
      random: this.options.random,
    });
    if (decision.kind === 'refuse') return { accepted: false, reason: decision.reason };
    if (decision.kind === 'already') {
      this.heard(from.id);
      return { accepted: true };
    }
    if (decision.kind === 'accept-evicting') this.evict(decision.evict, `making room for ${from.id}`);
    const probe = this.probes.get(from.id);
    this.probes.delete(from.id);
    const link = probe?.link ?? this.newLink(from, { home: this.homeIds.has(from.id), join: false });
    this.addPeer(from, link, flags.join ? 'joined' : 'accepted');
    if (probe === undefined) link.start();
    this.heard(from.id);
    return { accepted: true };
  }

  /** A repair walk passes through: join its origin if we have a free slot, else pass it on. */
  walk(ttl: number, origin: PeerAddress, fromPeer: number | undefined): void {
    const decision = decideWalk({
      linked:
        origin.id === this.options.self.id ||
        this.peers.has(origin.id) ||
        this.probes.has(origin.id) ||
        this.removedIds.has(origin.id) ||
        this.options.faults?.isCut(origin.id) === true,
      origin: origin.id,
      ttl,
      from: fromPeer,
      peers: this.peerIds,
      committed: this.peers.size + this.probes.size,
      maxPeers: this.options.maxPeers,
      random: this.options.random,
    });
    if (decision.kind === 'join') this.probe(origin, 'walk', { home: false, join: false });
    else if (decision.kind === 'forward') this.send(decision.to, encodeWalk(decision.ttl, origin));
  }

  /**
   * `/REMOVE:<id>`. Said by that node itself on its own link (`byItself`), it leaves: forget it for good,
   * until it comes back with no peers at all (a restart, a join). Said by anyone else (the CLI after it
   * stopped the node, the reference client, a stranger), drop it but keep trying it: a node that is really
   * gone never answers, and one that is alive links again, so a forged removal cannot strand anybody.
   */
  remove(id: number, byItself: boolean): boolean {
    this.abandonProbe(id);
    if (!byItself) return this.drop(id, 'removed', true);
    this.removedIds.add(id);
    this.candidates.delete(id);
    this.homeIds.delete(id);
    return this.drop(id, 'left', false);
  }

  /**
   * `/SPLICE` (the operator adding a node): `peer` takes our link to `old`, which is no longer one of our
   * original peers nor tried again; `peer` is one from now on, so its HELLO finds a home slot here. The
   * other end is told the same at about the same time, so `old` may already have dropped us: idempotent.
   */
  splice(old: number, peer: PeerAddress): void {
    this.homeIds.delete(old);
    this.candidates.delete(old);
    this.abandonProbe(old);
    this.drop(old, `spliced for ${peer.id}`, false);
    this.homeIds.add(peer.id);
    this.removedIds.delete(peer.id);
  }

  /**
   * A partition: the links to these nodes close and stay closed (their HELLOs are refused, we dial none of
   * them) until a partition without them heals it; they stay candidates, tried again at once then.
   */
  partition(cut: readonly number[]): void {
    this.options.faults?.cut(cut);
    for (const id of cut) {
      this.abandonProbe(id);
      this.drop(id, 'cut off by a partition', true);
    }
    const now = this.options.now();
    for (const candidate of this.candidates.values()) {
      if (!cut.includes(candidate.address.id)) {
        candidate.nextTryMs = now;
        candidate.attempts = 0;
      }
    }
  }

  /** This node leaves for good: tells every peer on its own link (they forget it), then closes the links. */
  leave(): number[] {
    const told = [...this.peerIds];
    for (const id of told) this.send(id, encodeRemove(this.options.self.id));
    this.stop();
    return told;
  }

  /** A /VERIFY from `asker`: if we are dialling it, say the nonce on that link (see handshake.ts). */
  prove(asker: number, nonce: string): boolean {
    const link = this.peers.get(asker)?.link ?? this.probes.get(asker)?.link;
    return link?.prove(encodeProve(nonce)) ?? false;
  }

  /** Periodic upkeep: heartbeats, failure detection, repair, lost-peer retries. */
  tick(): void {
    const now = this.options.now();
    // If this process itself stalled (SIGSTOP, a long pause), silence is ours, not the peers'.
    const stalled = now - this.lastTickMs > this.options.failureTimeoutMs / 2;
    this.lastTickMs = now;
    const failureTimeoutMs = this.options.failureTimeoutMs * (this.options.timeoutScale?.() ?? 1);
    for (const peer of [...this.peers.values()]) {
      if (stalled) {
        peer.lastHeardMs = now;
        if (!peer.heard) peer.addedAtMs = now;
      }
      // Heartbeats are for live links; a link that is down would only queue them up.
      if (peer.link.state === 'up' && now - peer.lastSentMs >= this.options.heartbeatMs) {
        this.send(peer.address.id, '/PING:\n');
      }
      if (peer.heard && now - peer.lastHeardMs > failureTimeoutMs) {
        this.drop(peer.address.id, `silent for ${Math.round(now - peer.lastHeardMs)} ms`, true);
      } else if (!peer.heard && now - peer.addedAtMs > NEVER_HEARD_MS) {
        this.drop(peer.address.id, 'never answered', true);
      }
    }
    for (const probe of [...this.probes.values()]) {
      if (now - probe.startedMs > PROBE_TIMEOUT_MS) this.abandonProbe(probe.address.id);
    }
    for (const [id, candidate] of this.candidates) {
      if (!candidate.keep && now - candidate.lostAtMs > CANDIDATE_TTL_MS) this.candidates.delete(id);
    }
    this.repair(now);
  }

  private repair(now: number): void {
    const committed = this.peers.size + this.probes.size;
    const hasTemporary = [...this.peers.values()].some((peer) => !peer.home);
    // Lost original peers are tried again: when they come back they get their slot back (even from a
    // temporary peer). One per tick, and never instead of a walk: a stopped process still accepts TCP
    // connections, so a probe to it only times out.
    for (const candidate of this.candidates.values()) {
      if (candidate.nextTryMs > now || this.probes.has(candidate.address.id)) continue;
      if (this.options.faults?.isCut(candidate.address.id)) continue;
      const home = this.homeIds.has(candidate.address.id);
      if (!(committed < this.options.maxPeers || (home && hasTemporary))) continue;
      if (!home && committed >= this.options.targetPeers) continue;
      candidate.attempts += 1;
      candidate.nextTryMs = now + retryDelayMs(candidate.attempts, RETRY_MIN_MS, RETRY_MAX_MS);
      this.probe(candidate.address, 'retry', { home, join: this.peers.size === 0 });
      break;
    }
    if (this.peers.size >= this.options.targetPeers) {
      this.walkAttempts = 0;
      return;
    }
    if (now < this.walkDueMs) return;
    if (this.peerIds.length === 0) {
      this.knockOnAMember(now);
      return;
    }
    this.walkAttempts += 1;
    this.walkDueMs = now + retryDelayMs(this.walkAttempts, WALK_RETRY_MIN_MS, WALK_RETRY_MAX_MS);
    // One walk through each peer: independent chances to meet a node with a free slot.
    const line = encodeWalk(this.options.walkTtl, this.options.self);
    for (const to of this.peerIds) this.send(to, line);
  }

  /**
   * No peer at all, and no lost peer or seed answering: ask any member the cluster knows to be alive to
   * let us in (one at a time, with the walks' backoff), so a node never stays stranded.
   */
  private knockOnAMember(now: number): void {
    if (this.probes.size > 0) return;
    const members = (this.hooks.aliveMembers?.() ?? []).filter(
      (member) => !this.candidates.has(member.id) && this.options.faults?.isCut(member.id) !== true,
    );
    const member = members[Math.floor(this.options.random() * members.length)];
    if (member === undefined) return;
    this.walkAttempts += 1;
    this.walkDueMs = now + retryDelayMs(this.walkAttempts, WALK_RETRY_MIN_MS, WALK_RETRY_MAX_MS);
    this.probe(member, 'member', { home: false, join: true });
  }

  private probe(address: PeerAddress, reason: string, flags: HelloFlags): void {
    if (this.peers.has(address.id) || this.probes.has(address.id) || address.id === this.options.self.id)
      return;
    const link = this.newLink(address, flags);
    this.probes.set(address.id, { address, link, startedMs: this.options.now(), reason });
    link.start();
  }

  private onHelloReply(id: number, accepted: boolean): void {
    const probe = this.probes.get(id);
    if (probe === undefined) return;
    this.probes.delete(id);
    if (!accepted) {
      probe.link.close();
      return;
    }
    if (this.peers.size >= this.options.maxPeers) {
      const temporary = [...this.peers.values()].find((peer) => !peer.home);
      // Full meanwhile: the other side finds out when its own link to us is refused, and drops us.
      if (temporary === undefined || !this.homeIds.has(id)) {
        probe.link.close();
        return;
      }
      this.evict(temporary.address.id, `making room for ${id}`);
    }
    this.candidates.delete(id);
    this.addPeer(probe.address, probe.link, probe.reason);
    probe.link.accept();
    this.heard(id);
  }

  private abandonProbe(id: number): void {
    const probe = this.probes.get(id);
    if (probe === undefined) return;
    this.probes.delete(id);
    probe.link.close();
  }

  private addPeer(address: PeerAddress, link: PeerLink, reason: string): void {
    const now = this.options.now();
    this.peers.set(address.id, {
      address,
      link,
      home: this.homeIds.has(address.id),
      addedAtMs: now,
      lastHeardMs: now,
      heard: false,
      lastSentMs: 0,
    });
    this.peerIds = [...this.peers.keys()];
    this.candidates.delete(address.id);
    this.hooks.added(address, reason);
    if (this.peers.size >= this.options.targetPeers) this.walkAttempts = 0;
  }

  /** Drops a peer; `retry` keeps it as a candidate to try again later (it failed, it may come back). */
  private drop(id: number, reason: string, retry: boolean): boolean {
    const peer = this.peers.get(id);
    if (peer === undefined) return false;
    this.peers.delete(id);
    this.peerIds = [...this.peers.keys()];
    peer.link.close();
    this.hooks.closeInbound(id);
    if (retry) {
      const now = this.options.now();
      this.candidates.set(id, {
        address: peer.address,
        attempts: 0,
        nextTryMs: now + RETRY_MIN_MS,
        lostAtMs: now,
        keep: peer.home,
      });
    }
    this.walkDueMs = 0;
    this.hooks.dropped(peer.address, reason);
    return true;
  }

  /**
   * Gives up a temporary peer to make room. Its links close; it finds a slot elsewhere, and may ask us
   * again later (only our leaving would tell it to forget us).
   */
  private evict(id: number, reason: string): void {
    this.drop(id, `evicted, ${reason}`, false);
  }

  private newLink(address: PeerAddress, flags: HelloFlags): PeerLink {
    const hello = encodeHello(this.options.self, flags);
    const { auth } = this.options;
    // Per connection: nothing the other end says counts until it proved it holds the cluster key.
    // The check the next reply must pass; undefined once it has (or with no key).
    let pendingProof: ((reply: string) => boolean) | undefined = auth === undefined ? undefined : () => false;
    const greeting = (): string => {
      if (auth === undefined) return hello;
      const offer = auth.offer(address.id);
      pendingProof = offer.check;
      return offer.line + hello;
    };
    const { faults } = this.options;
    const shape =
      faults === undefined
        ? undefined
        : (line: string, deliver: (line: string) => void): void => {
            if (faults.active) faults.send(address.id, line, deliver);
            else deliver(line);
          };
    const link = new PeerLink(
      address,
      { ...this.options.link, greeting, shape },
      {
        up: (peer) => this.hooks.linkUp(peer),
        down: (peer, reason, wasUp) => {
          this.hooks.linkDown(peer, reason, wasUp);
          if (this.probes.get(peer.id)?.link === link) this.abandonProbe(peer.id);
          // A link that was up and closed: the peer died or dropped us. Noticed at once.
          else if (wasUp && this.peers.get(peer.id)?.link === link) this.drop(peer.id, reason, true);
        },
        overflow: (peer, dropped) => this.hooks.overflow(peer, dropped),
        reply: (peer, line) => {
          if (pendingProof !== undefined) {
            if (pendingProof(line)) {
              pendingProof = undefined;
              this.heard(peer.id);
            } else this.hooks.authRefused?.(peer, line);
            return;
          }
          this.heard(peer.id);
          const hello = parseHelloReply(line);
          if (hello === undefined) this.hooks.reply(peer, line);
          else if (this.probes.get(peer.id)?.link === link) this.onHelloReply(peer.id, hello.accepted);
          else if (this.peers.get(peer.id)?.link !== link) return;
          else if (hello.accepted) link.accept();
          else this.drop(peer.id, `refused us: ${hello.reason ?? 'full'}`, true);
        },
      },
    );
    return link;
  }
}

function parseHelloReply(line: string): { accepted: boolean; reason?: string } | undefined {
  if (!line.startsWith('{"hello"')) return undefined;
  try {
    const parsed = JSON.parse(line) as { hello?: { accepted?: unknown; reason?: unknown } };
    const accepted = parsed.hello?.accepted === true;
    return typeof parsed.hello?.reason === 'string'
      ? { accepted, reason: parsed.hello.reason }
      : { accepted };
  } catch {
    return undefined;
  }
}

function sameAddress(a: { host: string; port: number }, b: { host: string; port: number }): boolean {
  return a.port === b.port && a.host === b.host;
}
