// Cluster membership as pure state: the /GOSSIP wire entries, the SWIM merge rules of the member table,
// and what ClusterMembers sends on each link, driven by a fake clock and a recording host.

import { beforeEach, describe, expect, it } from 'vitest';
import {
  ClusterMembers,
  expiryRules,
  FULL_SYNC_MS,
  HEARTBEAT_INTERVAL_MS,
} from '../../src/node/members/cluster-members.js';
import { type Member, MemberTable } from '../../src/node/members/member-table.js';
import {
  encodeGossip,
  type GossipEntry,
  type MemberRecord,
  parseGossip,
} from '../../src/protocol/member-lines.js';

const record = (id: number, parts: Partial<MemberRecord> = {}): MemberRecord => ({
  id,
  host: '127.0.0.1',
  port: 7000 + id,
  state: 'alive',
  incarnation: 100,
  heartbeat: 1,
  peers: [],
  ...parts,
});

describe('/GOSSIP entries', () => {
  it('round-trip full records and heartbeats', () => {
    const entries: GossipEntry[] = [
      { full: record(3, { state: 'suspect', peers: [1, 2] }) },
      { full: { ...record(4), host: '::1' } },
      { beat: { id: 5, incarnation: 9, heartbeat: 12 } },
    ];
    const line = encodeGossip(entries);
    expect(line).toBe(
      '/GOSSIP:[[3,"127.0.0.1:7003","s",100,1,[1,2]],[4,"[::1]:7004","a",100,1,[]],[5,9,12]]\n',
    );
    expect(parseGossip(line.slice('/GOSSIP:'.length, -1))).toEqual({ entries, refused: 0 });
  });

  it('leave out malformed entries, counted, and refuse what is no list', () => {
    const body = JSON.stringify([
      [3, '127.0.0.1:7003', 'x', 1, 1, []],
      [0, 1, 1],
      [3, 'nowhere', 'a', 1, 1, []],
      [3, '127.0.0.1:7003', 'a', -1, 1, []],
      [3, '127.0.0.1:7003', 'a', 1, 1, [0]],
      'text',
      [3, 1, 2],
    ]);
    expect(parseGossip(body)).toEqual({
      entries: [{ beat: { id: 3, incarnation: 1, heartbeat: 2 } }],
      refused: 6,
    });
    expect(parseGossip('{}')).toBeUndefined();
    expect(parseGossip('not json')).toBeUndefined();
    expect(parseGossip(JSON.stringify(Array.from({ length: 300 }, () => [1, 1, 1])))).toBeUndefined();
  });
});

describe('MemberTable', () => {
  let table: MemberTable;
  beforeEach(() => {
    table = new MemberTable({ id: 1, host: '127.0.0.1', port: 7001, incarnation: 100, peers: [] }, 0);
  });

  it('takes a new member, then only newer news of it', () => {
    expect(table.merge(record(2, { heartbeat: 5 }), 10)).toBe('news');
    expect(table.merge(record(2, { heartbeat: 4 }), 20)).toBe('stale');
    expect(table.merge(record(2, { heartbeat: 6 }), 30)).toBe('beat');
    expect(table.merge(record(2, { heartbeat: 7, peers: [1] }), 40)).toBe('news');
    expect(table.get(2)).toMatchObject({ heartbeat: 7, peers: [1], heardMs: 40 });
  });

  it('ranks left over dead over suspect over alive within an incarnation; a higher incarnation wins', () => {
    table.merge(record(2), 0);
    expect(table.merge(record(2, { state: 'suspect', heartbeat: 0 }), 1)).toBe('news');
    // An older heartbeat does not take the known one back.
    expect(table.get(2)?.heartbeat).toBe(1);
    expect(table.merge(record(2, { state: 'alive', heartbeat: 9 }), 2)).toBe('stale');
    expect(table.merge(record(2, { state: 'dead' }), 3)).toBe('news');
    expect(table.merge(record(2, { state: 'suspect' }), 4)).toBe('stale');
    expect(table.merge(record(2, { state: 'left' }), 5)).toBe('news');
    expect(table.merge(record(2, { state: 'alive', incarnation: 99 }), 6)).toBe('stale');
    // It restarted: a new incarnation brings it back.
    expect(table.merge(record(2, { state: 'alive', incarnation: 200, heartbeat: 0 }), 7)).toBe('news');
    expect(table.get(2)).toMatchObject({ state: 'alive', incarnation: 200, sinceMs: 7 });
  });

  it('refutes a suspicion of itself with a higher incarnation, and ignores what is old', () => {
    expect(table.merge(record(1, { state: 'alive', incarnation: 100 }), 0)).toBe('stale');
    expect(table.merge(record(1, { state: 'suspect', incarnation: 99 }), 0)).toBe('stale');
    expect(table.merge(record(1, { state: 'dead', incarnation: 100 }), 0)).toBe('refuted');
    expect(table.self).toMatchObject({ state: 'alive', incarnation: 101 });
    expect(table.merge(record(1, { state: 'suspect', incarnation: 105 }), 0)).toBe('refuted');
    expect(table.self.incarnation).toBe(106);
  });

  it('does not refute when it is the one leaving', () => {
    table.markLeft(1, 0);
    expect(table.merge(record(1, { state: 'dead', incarnation: 100 }), 0)).toBe('stale');
    expect(table.self.state).toBe('left');
  });

  it('counts heartbeats of the incarnation it knows only', () => {
    table.merge(record(2, { heartbeat: 5 }), 0);
    expect(table.beat({ id: 2, incarnation: 100, heartbeat: 6 }, 50)).toBe(true);
    expect(table.beat({ id: 2, incarnation: 100, heartbeat: 6 }, 60)).toBe(false);
    expect(table.beat({ id: 2, incarnation: 101, heartbeat: 9 }, 60)).toBe(false);
    expect(table.beat({ id: 9, incarnation: 1, heartbeat: 1 }, 60)).toBe(false);
    expect(table.get(2)?.heardMs).toBe(50);
  });

  it('turns an unrefuted suspect dead, suspects the long silent (but its own peers), and forgets tombstones', () => {
    const rules = { suspicionMs: 5_000, staleMs: 20_000, tombstoneMs: 60_000 };
    table.merge(record(2), 0);
    table.merge(record(3), 0);
    table.merge(record(4), 0);
    table.suspect(2, 0);
    expect(table.expire(4_999, rules, new Set())).toEqual([]);
    expect(table.expire(5_000, rules, new Set())).toEqual([2]);
    expect(table.get(2)?.state).toBe('dead');
    // 3 is a peer of ours: its link says whether it lives. 4 is heard of by gossip only.
    expect(table.expire(20_000, rules, new Set([3]))).toEqual([4]);
    expect(table.get(3)?.state).toBe('alive');
    expect(table.expire(65_000, rules, new Set([3]))).toEqual([4]);
    expect(table.get(2)).toBeUndefined();
    expect(table.get(4)?.state).toBe('dead');
  });

  it('says its peers with a higher heartbeat, so that record is the newer one', () => {
    expect(table.setPeers([3, 2], 10)).toBe(true);
    expect(table.self).toMatchObject({ peers: [2, 3], heartbeat: 1 });
    expect(table.setPeers([2, 3], 20)).toBe(false);
  });
});

describe('ClusterMembers', () => {
  let clock: number;
  let lines: Array<{ peer: number; entries: GossipEntry[] }>;
  let up: number[];
  let changed: Member[];
  let members: ClusterMembers;
  let scale: number;

  beforeEach(() => {
    clock = 1_000;
    scale = 1;
    lines = [];
    up = [2, 3];
    changed = [];
    members = new ClusterMembers(
      { id: 1, host: '127.0.0.1', port: 7001, incarnation: 100, peers: [] },
      {
        send: (peer, line) =>
          lines.push({ peer, entries: parseGossip(line.slice('/GOSSIP:'.length, -1))?.entries ?? [] }),
        upPeers: () => up,
        now: () => clock,
        timeoutScale: () => scale,
        changed: (member) => changed.push({ ...member }),
        sent: () => {},
      },
    );
  });

  const sentTo = (peer: number) => lines.filter((line) => line.peer === peer).flatMap((line) => line.entries);
  const fullIds = (entries: GossipEntry[]) =>
    entries.flatMap((entry) => ('full' in entry ? [entry.full.id] : []));

  it('sends the whole table on a link that comes up, then only news and heartbeats', () => {
    members.receive(2, [{ full: record(5) }, { full: record(6) }]);
    members.tick();
    expect(fullIds(sentTo(3)).sort()).toEqual([1, 5, 6]);
    lines = [];
    members.receive(2, [{ full: record(5, { state: 'suspect' }) }]);
    clock += 100;
    members.tick();
    // News goes to every link but the one it came from.
    expect(fullIds(sentTo(3))).toEqual([5]);
    expect(fullIds(sentTo(2))).toEqual([]);
    lines = [];
    clock += HEARTBEAT_INTERVAL_MS;
    members.tick();
    // Our own heartbeat went up: a heartbeat entry, no full record.
    expect(sentTo(2)).toEqual([{ beat: { id: 1, incarnation: 100, heartbeat: 1 } }]);
    lines = [];
    clock += FULL_SYNC_MS;
    members.tick();
    expect(fullIds(sentTo(2)).sort()).toEqual([1, 5, 6]);
  });

  it('suspects a peer whose link failed, declares dead one that refuses connections, and spreads both', () => {
    members.receive(2, [{ full: record(4) }, { full: record(5) }]);
    members.tick();
    lines = [];
    members.lostPeer(4, 'silent for 1600 ms');
    members.lostPeer(5, 'evicted, making room for 9');
    members.unreachable(6);
    clock += 100;
    members.tick();
    expect(members.table.get(4)?.state).toBe('suspect');
    expect(members.table.get(5)?.state).toBe('alive');
    expect(fullIds(sentTo(3))).toEqual([4]);
    members.unreachable(4);
    expect(members.table.get(4)?.state).toBe('dead');
    expect(changed.map((member) => [member.id, member.state])).toEqual([
      [4, 'alive'],
      [5, 'alive'],
      [4, 'suspect'],
      [4, 'dead'],
    ]);
    // Suspicion grows with the size of the cluster.
    expect(expiryRules(16).suspicionMs).toBeLessThan(expiryRules(64).suspicionMs);
  });

  it('waits longer before it turns a suspect dead while it is short of CPU itself (local health)', () => {
    members.receive(2, [{ full: record(4) }]);
    members.lostPeer(4, 'silent for 1600 ms');
    const { suspicionMs } = expiryRules(members.table.size);
    scale = 3;
    clock += suspicionMs + 1;
    members.tick();
    expect(members.table.get(4)?.state).toBe('suspect');
    clock += 2 * suspicionMs;
    members.tick();
    expect(members.table.get(4)?.state).toBe('dead');
    expect(expiryRules(16, 3).staleMs).toBe(3 * expiryRules(16).staleMs);
  });

  it('leaves at once on every link: its record says left before the links close', () => {
    members.tick();
    lines = [];
    members.leave();
    expect(sentTo(2).find((entry) => 'full' in entry && entry.full.id === 1)).toMatchObject({
      full: { state: 'left' },
    });
    expect(fullIds(sentTo(3))).toEqual([1]);
  });
});
