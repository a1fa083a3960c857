// What this node knows of every member of the cluster, and the rules that merge what others say: SWIM's
// (Das et al., 2002, as memberlist runs it). A higher incarnation always wins; within one, dead and left
// beat suspect, which beats alive, and among alive records the higher heartbeat is newer. Only a member
// raises its own incarnation, when it restarts or when it hears it is suspected, which refutes the
// suspicion. Dead and left members stay as tombstones, so old news cannot bring them back. Pure: the
// clock is passed in.

import type { HeartbeatRecord, MemberRecord, MemberState } from '../../protocol/member-lines.js';

export interface Member extends MemberRecord {
  /** When news of it last arrived here (its heartbeat went up, or its record changed), ms on our clock. */
  heardMs: number;
  /** When it entered its current state, ms on our clock. */
  sinceMs: number;
}

/** What a record heard from a peer changed here. */
export type MergeOutcome =
  /** Something others should hear of (a new member, another state, incarnation, address or peers). */
  | 'news'
  /** Only its heartbeat went up. */
  | 'beat'
  /** It was about us, wrong, and we refuted it: our own record is the news. */
  | 'refuted'
  /** Nothing we did not know, or older than what we know. */
  | 'stale';

export interface ExpiryRules {
  /** A suspect not refuted within this long is declared dead. */
  suspicionMs: number;
  /** An alive member whose heartbeat has not gone up for this long is suspected (unless watched directly). */
  staleMs: number;
  /** Dead and left members are forgotten after this long. */
  tombstoneMs: number;
}

const RANK: Record<MemberState, number> = { alive: 0, suspect: 1, dead: 2, left: 3 };

export class MemberTable {
  private readonly members = new Map<number, Member>();
  private readonly selfId: number;

  constructor(self: Omit<MemberRecord, 'state' | 'heartbeat'>, nowMs: number) {
    this.selfId = self.id;
    this.members.set(self.id, { ...self, state: 'alive', heartbeat: 0, heardMs: nowMs, sinceMs: nowMs });
  }

  get self(): Member {
    return this.members.get(this.selfId) as Member;
  }

  get size(): number {
    return this.members.size;
  }

  get(id: number): Member | undefined {
    return this.members.get(id);
  }

  list(): Member[] {
    return [...this.members.values()].sort((a, b) => a.id - b.id);
  }

  /** Merges a full record heard from a peer. */
  merge(record: MemberRecord, nowMs: number): MergeOutcome {
    if (record.id === this.selfId) return this.aboutSelf(record, nowMs);
    const known = this.members.get(record.id);
    if (known === undefined) {
      this.members.set(record.id, { ...record, peers: [...record.peers], heardMs: nowMs, sinceMs: nowMs });
      return 'news';
    }
    if (record.incarnation < known.incarnation) return 'stale';
    const newer =
      record.incarnation > known.incarnation ||
      RANK[record.state] > RANK[known.state] ||
      (record.state === known.state && record.heartbeat > known.heartbeat);
    if (!newer) return 'stale';
    const changed =
      record.incarnation !== known.incarnation ||
      record.state !== known.state ||
      record.host !== known.host ||
      record.port !== known.port ||
      !samePeers(record.peers, known.peers);
    if (record.state !== known.state) known.sinceMs = nowMs;
    // A higher rank can come with an older heartbeat (whoever suspected it knew less): keep the highest.
    const heartbeat =
      record.incarnation === known.incarnation
        ? Math.max(record.heartbeat, known.heartbeat)
        : record.heartbeat;
    Object.assign(known, { ...record, heartbeat, peers: [...record.peers], heardMs: nowMs });
    return changed ? 'news' : 'beat';
  }

  /** A heartbeat heard from a peer: whether it was news of the member's life. */
  beat(record: HeartbeatRecord, nowMs: number): boolean {
    const known = this.members.get(record.id);
    if (known === undefined || record.id === this.selfId) return false;
    if (record.incarnation !== known.incarnation || record.heartbeat <= known.heartbeat) return false;
    known.heartbeat = record.heartbeat;
    known.heardMs = nowMs;
    return true;
  }

  /** Our own heartbeat goes up (a timer at the edge calls this). */
  tickHeartbeat(nowMs: number): void {
    const self = this.self;
    self.heartbeat += 1;
    self.heardMs = nowMs;
  }

  /** Our peers changed: our record says so, with a higher heartbeat so it is the newer one. */
  setPeers(peers: readonly number[], nowMs: number): boolean {
    const self = this.self;
    const sorted = [...peers].sort((a, b) => a - b);
    if (samePeers(sorted, self.peers)) return false;
    self.peers = sorted;
    this.tickHeartbeat(nowMs);
    return true;
  }

  /** We saw it fail (its link went silent or closed): suspected until it refutes. Whether that was news. */
  suspect(id: number, nowMs: number): boolean {
    const known = this.members.get(id);
    if (known === undefined || id === this.selfId || known.state !== 'alive') return false;
    known.state = 'suspect';
    known.sinceMs = nowMs;
    return true;
  }

  /** Nothing listens at its address any more (connection refused): dead. Whether that was news. */
  declareDead(id: number, nowMs: number): boolean {
    const known = this.members.get(id);
    if (known === undefined || id === this.selfId || RANK[known.state] >= RANK.dead) return false;
    known.state = 'dead';
    known.sinceMs = nowMs;
    return true;
  }

  /** It left for good (its own /REMOVE on its own link). Whether that was news. */
  markLeft(id: number, nowMs: number): boolean {
    const known = this.members.get(id);
    if (known === undefined || known.state === 'left') return false;
    known.state = 'left';
    known.sinceMs = nowMs;
    if (id === this.selfId) this.tickHeartbeat(nowMs);
    return true;
  }

  /**
   * Suspects not refuted in time become dead; alive members not heard of for too long become suspects
   * (except those in `watched`, our own peers, whose links say whether they live); old tombstones go.
   * Returns the ids whose state changed (news).
   */
  expire(nowMs: number, rules: ExpiryRules, watched: ReadonlySet<number>): number[] {
    const changed: number[] = [];
    for (const member of this.members.values()) {
      if (member.id === this.selfId) continue;
      const inState = nowMs - member.sinceMs;
      if (member.state === 'suspect' && inState >= rules.suspicionMs) {
        member.state = 'dead';
        member.sinceMs = nowMs;
        changed.push(member.id);
      } else if (
        member.state === 'alive' &&
        !watched.has(member.id) &&
        nowMs - member.heardMs >= rules.staleMs
      ) {
        member.state = 'suspect';
        member.sinceMs = nowMs;
        changed.push(member.id);
      } else if ((member.state === 'dead' || member.state === 'left') && inState >= rules.tombstoneMs) {
        this.members.delete(member.id);
      }
    }
    return changed;
  }

  /** Someone says we are suspect, dead or left, or knows a newer us: we are here, so we refute it. */
  private aboutSelf(record: MemberRecord, nowMs: number): MergeOutcome {
    const self = this.self;
    if (self.state === 'left') return 'stale';
    const wrong = record.state !== 'alive' || record.incarnation > self.incarnation;
    if (!wrong || record.incarnation < self.incarnation) return 'stale';
    self.incarnation = record.incarnation + 1;
    this.tickHeartbeat(nowMs);
    return 'refuted';
  }
}

function samePeers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}
