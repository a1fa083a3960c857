// Cluster membership spread by gossip over the peer links (never all-to-all): every node keeps the whole
// member table (member-table.ts) and, on each link, sends what changed as soon as it changes, every member's
// heartbeat once a second, and the whole table when the link comes up and every FULL_SYNC_MS. A node's
// neighbours notice its failure first (its link goes silent or closes: suspect; nothing listens at its
// address any more: dead), and the rest of the cluster hears of it from them. Timers live at the edge: a
// tick drives this.

import {
  encodeGossip,
  type GossipEntry,
  type HeartbeatRecord,
  type MemberRecord,
} from '../../protocol/member-lines.js';
import { type ExpiryRules, type Member, MemberTable } from './member-table.js';

/** Our heartbeat goes up, and every link carries the heartbeats it has not carried yet, this often. */
export const HEARTBEAT_INTERVAL_MS = 1_000;
/** Every link carries the whole table this often (and when it comes up): repairs whatever a lost line missed. */
export const FULL_SYNC_MS = 15_000;
/** Dead and left members are remembered this long, so that old news of them cannot bring them back. */
export const TOMBSTONE_MS = 60 * 60_000;
/** Most entries in one /GOSSIP line we send. */
const ENTRIES_PER_LINE = 64;

/**
 * Suspicion and staleness grow with log N, as in SWIM: news takes longer to cross a larger cluster; and with
 * `scale` while this node is short of CPU (local health, as in Lifeguard).
 */
export function expiryRules(members: number, scale = 1): ExpiryRules {
  const rounds = Math.max(3, Math.ceil(Math.log2(members + 1))) * scale;
  return { suspicionMs: 1_000 * rounds, staleMs: 4_000 * rounds, tombstoneMs: TOMBSTONE_MS };
}

export interface ClusterMembersHost {
  /** Writes a line on our link to `peer`. */
  send(peer: number, line: string): void;
  /** Peers whose links are up. */
  upPeers(): readonly number[];
  /** ms on this node's clock. */
  now(): number;
  /** What suspicion and staleness timeouts are multiplied by now (local health); 1 while healthy. */
  timeoutScale(): number;
  /** A member's record changed here (for logs and event streams). */
  changed(member: Member): void;
  /** Lines and bytes of gossip sent, for /STATS. */
  sent(lines: number, bytes: number): void;
}

interface LinkGossip {
  /** Members whose full record this link has not carried since it changed. */
  dirty: Set<number>;
  /** The heartbeat of each member this link carried last. */
  beats: Map<number, number>;
  lastBeatMs: number;
  /** When this link carried the whole table; 0: never (it does next). */
  lastFullMs: number;
}

export class ClusterMembers {
  readonly table: MemberTable;
  private readonly links = new Map<number, LinkGossip>();
  private lastHeartbeatMs: number;

  constructor(
    self: Omit<MemberRecord, 'state' | 'heartbeat'>,
    private readonly host: ClusterMembersHost,
  ) {
    this.lastHeartbeatMs = host.now();
    this.table = new MemberTable(self, this.lastHeartbeatMs);
  }

  /** A /GOSSIP line from peer `from`. */
  receive(from: number, entries: readonly GossipEntry[]): void {
    const now = this.host.now();
    for (const entry of entries) {
      if ('beat' in entry) {
        this.table.beat(entry.beat, now);
        continue;
      }
      const outcome = this.table.merge(entry.full, now);
      if (outcome === 'news') this.spread(entry.full.id, from);
      else if (outcome === 'refuted') this.spread(this.table.self.id);
    }
  }

  /** Periodic upkeep (every tick): our heartbeat, suspicions and staleness, then what each link is owed. */
  tick(): void {
    const now = this.host.now();
    if (now - this.lastHeartbeatMs >= HEARTBEAT_INTERVAL_MS) {
      this.lastHeartbeatMs = now;
      this.table.tickHeartbeat(now);
    }
    const up = this.host.upPeers();
    const rules = expiryRules(this.table.size, this.host.timeoutScale());
    for (const id of this.table.expire(now, rules, new Set(up))) this.spread(id);
    for (const peer of up) this.flush(peer, now);
  }

  /** A link came up: it carries the whole table next. */
  linkUp(peer: number): void {
    this.links.set(peer, { dirty: new Set(), beats: new Map(), lastBeatMs: 0, lastFullMs: 0 });
  }

  /** We lost a peer: if its link failed, it is suspected; a closed door at its address means it is dead. */
  lostPeer(peer: number, reason: string): void {
    this.links.delete(peer);
    if (
      /^(silent|connection closed|never answered)/.test(reason) &&
      this.table.suspect(peer, this.host.now())
    )
      this.spread(peer);
  }

  /** Connecting to it was refused: nothing listens at its address. */
  unreachable(peer: number): void {
    if (this.table.declareDead(peer, this.host.now())) this.spread(peer);
  }

  /** It left for good (its own /REMOVE on its own link). */
  left(peer: number): void {
    if (this.table.markLeft(peer, this.host.now())) this.spread(peer);
  }

  /** Our peers changed: our record says so. */
  peersChanged(peers: readonly number[]): void {
    if (this.table.setPeers(peers, this.host.now())) this.spread(this.table.self.id);
  }

  /** We leave for good: our record says so, on every link at once (before they close). */
  leave(): void {
    const now = this.host.now();
    this.table.markLeft(this.table.self.id, now);
    this.spread(this.table.self.id);
    for (const peer of this.host.upPeers()) this.flush(peer, now);
  }

  /** Alive members other than us, with their addresses: whom a node with no peer can knock on. */
  alive(): Member[] {
    return this.table.list().filter((member) => member.state === 'alive' && member.id !== this.table.self.id);
  }

  /** Marks a member's record as news for every link but the one it came from. */
  private spread(id: number, except?: number): void {
    const member = this.table.get(id);
    if (member !== undefined) this.host.changed(member);
    for (const [peer, link] of this.links) if (peer !== except) link.dirty.add(id);
  }

  private flush(peer: number, now: number): void {
    let link = this.links.get(peer);
    if (link === undefined) {
      this.linkUp(peer);
      link = this.links.get(peer) as LinkGossip;
    }
    const full: number[] = [];
    if (link.lastFullMs === 0 || now - link.lastFullMs >= FULL_SYNC_MS) {
      link.lastFullMs = now;
      link.dirty.clear();
      full.push(...this.table.list().map((member) => member.id));
    } else {
      for (const id of link.dirty) full.push(id);
      link.dirty.clear();
    }
    const entries: GossipEntry[] = [];
    for (const id of full) {
      const member = this.table.get(id);
      if (member === undefined) continue;
      entries.push({ full: record(member) });
      link.beats.set(id, member.heartbeat);
    }
    if (now - link.lastBeatMs >= HEARTBEAT_INTERVAL_MS) {
      link.lastBeatMs = now;
      for (const member of this.table.list()) {
        if (member.state === 'dead' || member.state === 'left') continue;
        if ((link.beats.get(member.id) ?? -1) >= member.heartbeat) continue;
        entries.push({ beat: beat(member) });
        link.beats.set(member.id, member.heartbeat);
      }
    }
    for (let start = 0; start < entries.length; start += ENTRIES_PER_LINE) {
      const line = encodeGossip(entries.slice(start, start + ENTRIES_PER_LINE));
      this.host.send(peer, line);
      this.host.sent(1, line.length);
    }
  }
}

function record(member: Member): MemberRecord {
  const { id, host, port, state, incarnation, heartbeat, peers } = member;
  return { id, host, port, state, incarnation, heartbeat, peers };
}

function beat(member: Member): HeartbeatRecord {
  return { id: member.id, incarnation: member.incarnation, heartbeat: member.heartbeat };
}
