// Who this node's peers are, and keeping that set healthy under churn: the peer table, one link per peer
// (membership-link.ts), probes (a link whose HELLO asks the other side to become a peer), HELLOs taken or
// refused (hello-claims.ts), dropping failed peers (peer-liveness.ts), and repair back to the node's degree
// (overlay-repair.ts). A node never holds more than maxPeers peers and knows only its peers and a few
// candidates, never the whole membership. Only a node that leaves (its own /REMOVE on its own link) is
// forgotten for good; a peer lost any other way (a third party's /REMOVE, an eviction, a failure) may link
// again, and a node with no peers never stops trying.

import { encodeProve, encodeRemove, encodeWalk, type HelloFlags } from '../protocol/relay-line.js';
import { claimProblem, parseHelloReply } from './hello-claims.js';
import { type LinkOwner, type LinkSetup, openLink } from './membership-link.js';
import { decideHello, decideWalk } from './membership-policy.js';
import { OverlayRepair } from './overlay-repair.js';
import type { PeerAddress, PeerLink } from './peer-link.js';
import { forgiveStall, heartbeatDue, type PeerLiveness, peerFailure, stalled } from './peer-liveness.js';

export interface MembershipOptions extends LinkSetup {
  maxPeers: number;
  /** Degree a node repairs back to: its initial number of peers, capped by maxPeers. */
  targetPeers: number;
  /** A peer heard from before and silent this long is declared failed. */
  failureTimeoutMs: number;
  /** What failureTimeoutMs is multiplied by now (local health: see local-health.ts); 1 when absent. */
  timeoutScale?: () => number;
  heartbeatMs: number;
  walkTtl: number;
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

interface Peer extends PeerLiveness {
  address: PeerAddress;
  link: PeerLink;
  home: boolean;
}

interface Probe {
  address: PeerAddress;
  link: PeerLink;
  startedMs: number;
  reason: string;
}

/** A probe not accepted in this time is abandoned (the other side may take CHECK_TIMEOUT_MS to check us). */
const PROBE_TIMEOUT_MS = 4_000;

export class Membership {
  private readonly peers = new Map<number, Peer>();
  private readonly probes = new Map<number, Probe>();
  private readonly homeIds = new Set<number>();
  /** Nodes we were told to remove (/REMOVE): refused until they come back with no peers at all (join). */
  private readonly removedIds = new Set<number>();
  private peerIds: number[] = [];
  private lastTickMs: number;
  /** Lost peers and seeds tried again, and walks: back to the node's degree. */
  private readonly repair: OverlayRepair;
  /** What every link of this membership reports to (one for all links). */
  private readonly linkOwner: LinkOwner;

  constructor(
    initial: readonly PeerAddress[],
    seeds: readonly PeerAddress[],
    private readonly options: MembershipOptions,
    private readonly hooks: MembershipHooks,
  ) {
    this.lastTickMs = options.now();
    this.repair = new OverlayRepair(options, {
      peers: this.peers,
      probes: this.probes,
      homeIds: this.homeIds,
      peerIds: () => this.peerIds,
      probe: (address, reason, flags) => this.probe(address, reason, flags),
      send: (id, line) => this.send(id, line),
      aliveMembers: () => this.hooks.aliveMembers?.() ?? [],
    });
    this.linkOwner = {
      up: (peer) => this.hooks.linkUp(peer),
      down: (peer, reason, wasUp, link) => this.linkDown(peer, reason, wasUp, link),
      overflow: (peer, dropped) => this.hooks.overflow(peer, dropped),
      proved: (peer) => this.heard(peer.id),
      authRefused: (peer, line) => this.hooks.authRefused?.(peer, line),
      reply: (peer, line, link) => this.linkReply(peer, line, link),
    };
    for (const address of initial) {
      this.homeIds.add(address.id);
      this.addPeer(address, this.newLink(address, { home: true, join: false }), 'configured');
    }
    // Seeds are where a joining node knocks first: candidates it may ask to let it in.
    for (const address of seeds) {
      if (!this.peers.has(address.id)) this.repair.seed(address);
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
    return claimProblem(from, flags, this.options.self, {
      linked: this.peers.get(from.id)?.address ?? this.probes.get(from.id)?.address,
      left: this.removedIds.has(from.id),
      cut: this.options.faults?.isCut(from.id) === true,
    });
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
    this.repair.forget(id);
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
    this.repair.forget(old);
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
    this.repair.partitioned(cut);
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
    const ourStall = stalled(this.lastTickMs, now, this.options.failureTimeoutMs);
    this.lastTickMs = now;
    const failureTimeoutMs = this.options.failureTimeoutMs * (this.options.timeoutScale?.() ?? 1);
    for (const peer of [...this.peers.values()]) {
      if (ourStall) forgiveStall(peer, now);
      // Heartbeats are for live links; a link that is down would only queue them up.
      if (peer.link.state === 'up' && heartbeatDue(peer, now, this.options.heartbeatMs)) {
        this.send(peer.address.id, '/PING:\n');
      }
      const failure = peerFailure(peer, now, failureTimeoutMs);
      if (failure !== undefined) this.drop(peer.address.id, failure, true);
    }
    for (const probe of [...this.probes.values()]) {
      if (now - probe.startedMs > PROBE_TIMEOUT_MS) this.abandonProbe(probe.address.id);
    }
    this.repair.tick(now);
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
    this.repair.forget(id);
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
    this.repair.forget(address.id);
    this.hooks.added(address, reason);
    this.repair.added();
  }

  /** Drops a peer; `retry` keeps it as a candidate to try again later (it failed, it may come back). */
  private drop(id: number, reason: string, retry: boolean): boolean {
    const peer = this.peers.get(id);
    if (peer === undefined) return false;
    this.peers.delete(id);
    this.peerIds = [...this.peers.keys()];
    peer.link.close();
    this.hooks.closeInbound(id);
    this.repair.dropped(peer.address, peer.home, retry);
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
    return openLink(address, flags, this.options, this.linkOwner);
  }

  private linkDown(peer: PeerAddress, reason: string, wasUp: boolean, link: PeerLink): void {
    this.hooks.linkDown(peer, reason, wasUp);
    if (this.probes.get(peer.id)?.link === link) this.abandonProbe(peer.id);
    // A link that was up and closed: the peer died or dropped us. Noticed at once.
    else if (wasUp && this.peers.get(peer.id)?.link === link) this.drop(peer.id, reason, true);
  }

  /** A line on our link from a peer or a probe (after its proof of the key): a HELLO answer, or the node's. */
  private linkReply(peer: PeerAddress, line: string, link: PeerLink): void {
    this.heard(peer.id);
    const hello = parseHelloReply(line);
    if (hello === undefined) this.hooks.reply(peer, line);
    else if (this.probes.get(peer.id)?.link === link) this.onHelloReply(peer.id, hello.accepted);
    else if (this.peers.get(peer.id)?.link !== link) return;
    else if (hello.accepted) link.accept();
    else this.drop(peer.id, `refused us: ${hello.reason ?? 'full'}`, true);
  }
}
