// Repair of the overlay back to its degree: lost peers and seeds are tried again with backoff (a lost home
// peer that returns gets its slot back, so an overlay split by a partition merges again), random walks
// find nodes with a free slot, and a node with no peer at all knocks on a member known to be alive.

import { encodeWalk, type HelloFlags } from '../protocol/relay-line.js';
import type { FaultTable } from './faults/fault-table.js';
import { retryDelayMs } from './membership-policy.js';
import type { PeerAddress } from './peer-link.js';

interface Candidate {
  address: PeerAddress;
  attempts: number;
  nextTryMs: number;
  lostAtMs: number;
  /** Home peers and seeds are tried until they answer, however long that takes; others are forgotten. */
  keep: boolean;
}

/** Lost peers other than home peers and seeds are forgotten after this long. */
const CANDIDATE_TTL_MS = 10 * 60_000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 2_000;
const WALK_RETRY_MIN_MS = 200;
/** Repair must finish within about 2 s of detection: walks are cheap, so retry them often. */
const WALK_RETRY_MAX_MS = 1_000;

/** The knobs repair follows (a part of MembershipOptions). */
export interface RepairOptions {
  self: PeerAddress;
  maxPeers: number;
  targetPeers: number;
  walkTtl: number;
  faults?: FaultTable | undefined;
  now(): number;
  random(): number;
}

/** The overlay as repair sees it, and what it may do to it (the membership's state, read live). */
export interface RepairedOverlay {
  readonly peers: ReadonlyMap<number, { readonly home: boolean }>;
  readonly probes: ReadonlyMap<number, unknown>;
  readonly homeIds: ReadonlySet<number>;
  peerIds(): readonly number[];
  probe(address: PeerAddress, reason: string, flags: HelloFlags): void;
  send(id: number, line: string): void;
  /** Members of the cluster known to be alive: whom a node left with no peer at all knocks on. */
  aliveMembers(): PeerAddress[];
}

export class OverlayRepair {
  private readonly candidates = new Map<number, Candidate>();
  private walkAttempts = 0;
  private walkDueMs = 0;

  constructor(
    private readonly options: RepairOptions,
    private readonly overlay: RepairedOverlay,
  ) {}

  /** A seed: where a joining node knocks first, a candidate it may ask to let it in, tried until it answers. */
  seed(address: PeerAddress): void {
    const lostAtMs = this.options.now();
    this.candidates.set(address.id, { address, attempts: 0, nextTryMs: 0, lostAtMs, keep: true });
  }

  /** Not a candidate any more: it is a peer now, it left, or another node took its place. */
  forget(id: number): void {
    this.candidates.delete(id);
  }

  /** A peer was added: once the node has its degree, the next shortfall's walks start without backoff. */
  added(): void {
    if (this.overlay.peers.size >= this.options.targetPeers) this.walkAttempts = 0;
  }

  /** A peer was dropped: walk again at once; `retry` keeps it as a candidate (it failed, it may come back). */
  dropped(address: PeerAddress, home: boolean, retry: boolean): void {
    if (retry) {
      const now = this.options.now();
      this.candidates.set(address.id, {
        address,
        attempts: 0,
        nextTryMs: now + RETRY_MIN_MS,
        lostAtMs: now,
        keep: home,
      });
    }
    this.walkDueMs = 0;
  }

  /** A partition changed: every candidate it does not cut off is tried again at once. */
  partitioned(cut: readonly number[]): void {
    const now = this.options.now();
    for (const candidate of this.candidates.values()) {
      if (!cut.includes(candidate.address.id)) {
        candidate.nextTryMs = now;
        candidate.attempts = 0;
      }
    }
  }

  /** The membership's tick: forget stale candidates, then retry one and walk if the node is short of peers. */
  tick(now: number): void {
    for (const [id, candidate] of this.candidates) {
      if (!candidate.keep && now - candidate.lostAtMs > CANDIDATE_TTL_MS) this.candidates.delete(id);
    }
    this.repair(now);
  }

  private repair(now: number): void {
    const { peers, probes, homeIds } = this.overlay;
    const { maxPeers, targetPeers } = this.options;
    const committed = peers.size + probes.size;
    const hasTemporary = [...peers.values()].some((peer) => !peer.home);
    // Lost original peers are tried again: when they come back they get their slot back (even from a
    // temporary peer). One per tick, and never instead of a walk: a stopped process still accepts TCP
    // connections, so a probe to it only times out.
    for (const candidate of this.candidates.values()) {
      if (candidate.nextTryMs > now || probes.has(candidate.address.id)) continue;
      if (this.options.faults?.isCut(candidate.address.id)) continue;
      const home = homeIds.has(candidate.address.id);
      if (!(committed < maxPeers || (home && hasTemporary))) continue;
      if (!home && committed >= targetPeers) continue;
      candidate.attempts += 1;
      candidate.nextTryMs = now + retryDelayMs(candidate.attempts, RETRY_MIN_MS, RETRY_MAX_MS);
      this.overlay.probe(candidate.address, 'retry', { home, join: peers.size === 0 });
      break;
    }
    if (peers.size >= targetPeers) {
      this.walkAttempts = 0;
      return;
    }
    if (now < this.walkDueMs) return;
    const peerIds = this.overlay.peerIds();
    if (peerIds.length === 0) {
      this.knockOnAMember(now);
      return;
    }
    this.walkAttempts += 1;
    this.walkDueMs = now + retryDelayMs(this.walkAttempts, WALK_RETRY_MIN_MS, WALK_RETRY_MAX_MS);
    // One walk through each peer: independent chances to meet a node with a free slot.
    const line = encodeWalk(this.options.walkTtl, this.options.self);
    for (const to of peerIds) this.overlay.send(to, line);
  }

  /**
   * No peer at all, and no lost peer or seed answering: ask any member the cluster knows to be alive to
   * let us in (one at a time, with the walks' backoff), so a node never stays stranded.
   */
  private knockOnAMember(now: number): void {
    if (this.overlay.probes.size > 0) return;
    const members = this.overlay
      .aliveMembers()
      .filter((member) => !this.candidates.has(member.id) && this.options.faults?.isCut(member.id) !== true);
    const member = members[Math.floor(this.options.random() * members.length)];
    if (member === undefined) return;
    this.walkAttempts += 1;
    this.walkDueMs = now + retryDelayMs(this.walkAttempts, WALK_RETRY_MIN_MS, WALK_RETRY_MAX_MS);
    this.overlay.probe(member, 'member', { home: false, join: true });
  }
}
