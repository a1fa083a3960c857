import { describe, expect, it } from 'vitest';
import {
  decideHello,
  decideWalk,
  type HelloInput,
  type PeerSlot,
  retryDelayMs,
  type WalkInput,
} from '../../src/node/membership-policy.js';
import { createPrng } from '../../src/topology/prng.js';

const home = (id: number): PeerSlot => ({ id, home: true });
const temp = (id: number): PeerSlot => ({ id, home: false });

const hello = (input: Partial<HelloInput>): HelloInput => ({
  from: 9,
  fromHome: false,
  force: false,
  peers: [],
  maxPeers: 3,
  random: () => 0,
  ...input,
});

describe('decideHello', () => {
  it('answers "already" for a node that is already a peer, even when full', () => {
    expect(decideHello(hello({ from: 2, peers: [home(1), home(2), home(3)] }))).toEqual({ kind: 'already' });
  });

  it('accepts a stranger while there is a free slot', () => {
    expect(decideHello(hello({ peers: [home(1), temp(2)] }))).toEqual({ kind: 'accept' });
  });

  it('keeps the cap even for a node it is probing: a full node of home peers refuses a stranger', () => {
    expect(decideHello(hello({ peers: [home(1), home(2), home(3)] })).kind).toBe('refuse');
  });

  it('gives a returning home peer the slot of a temporary peer, never a home one', () => {
    const peers = [home(1), temp(2), home(3), temp(4)];
    for (const r of [0, 0.3, 0.49, 0.5, 0.99]) {
      const decision = decideHello(hello({ fromHome: true, peers, random: () => r }));
      expect(decision.kind).toBe('accept-evicting');
      if (decision.kind === 'accept-evicting') expect([2, 4]).toContain(decision.evict);
    }
  });

  it('picks the evicted peer with the injected random', () => {
    const peers = [temp(5), temp(6), temp(7)];
    expect(decideHello(hello({ fromHome: true, peers, random: () => 0 }))).toEqual({
      kind: 'accept-evicting',
      evict: 5,
    });
    expect(decideHello(hello({ fromHome: true, peers, random: () => 0.5 }))).toEqual({
      kind: 'accept-evicting',
      evict: 6,
    });
    expect(decideHello(hello({ fromHome: true, peers, random: () => 0.999 }))).toEqual({
      kind: 'accept-evicting',
      evict: 7,
    });
  });

  it('refuses a home peer when every slot is held by a home peer', () => {
    const decision = decideHello(hello({ fromHome: true, peers: [home(1), home(2), home(3)] }));
    expect(decision.kind).toBe('refuse');
  });

  it("never gives a home peer's slot to a joining node (a stranger could cut the overlay that way)", () => {
    const peers = [home(1), home(2), home(3)];
    expect(decideHello(hello({ force: true, peers, random: () => 0.7 }))).toEqual({
      kind: 'refuse',
      reason: 'full (3/3 peers)',
    });
  });

  it('prefers a temporary peer as the victim of a forced join', () => {
    const peers = [home(1), temp(2), home(3)];
    for (const r of [0, 0.5, 0.99]) {
      expect(decideHello(hello({ force: true, peers, random: () => r }))).toEqual({
        kind: 'accept-evicting',
        evict: 2,
      });
    }
  });

  it('refuses a stranger when full, naming the counts', () => {
    expect(decideHello(hello({ peers: [temp(1), temp(2), home(3)] }))).toEqual({
      kind: 'refuse',
      reason: 'full (3/3 peers)',
    });
  });
});

const walk = (input: Partial<WalkInput>): WalkInput => ({
  linked: false,
  origin: 9,
  ttl: 5,
  from: undefined,
  peers: [],
  committed: 0,
  maxPeers: 3,
  random: () => 0,
  ...input,
});

describe('decideWalk', () => {
  it('joins the origin when not linked to it and a slot is free', () => {
    expect(decideWalk(walk({ peers: [1, 2], committed: 2 }))).toEqual({ kind: 'join' });
  });

  it('forwards when already linked, to a peer that is neither the sender nor the origin', () => {
    const input = walk({ linked: true, from: 1, origin: 2, peers: [1, 2, 3], committed: 3 });
    for (const r of [0, 0.5, 0.99]) {
      expect(decideWalk({ ...input, random: () => r })).toEqual({ kind: 'forward', to: 3, ttl: 4 });
    }
  });

  it('forwards when full, with ttl - 1', () => {
    expect(decideWalk(walk({ ttl: 7, from: 1, peers: [1, 4], committed: 3 }))).toEqual({
      kind: 'forward',
      to: 4,
      ttl: 6,
    });
  });

  it('sends a walk back to its sender when that is the only peer other than the origin', () => {
    expect(decideWalk(walk({ linked: true, from: 1, origin: 2, peers: [1, 2] }))).toEqual({
      kind: 'forward',
      to: 1,
      ttl: 4,
    });
  });

  it('drops a walk whose ttl is used up', () => {
    expect(decideWalk(walk({ ttl: 1, linked: true, peers: [1, 2] }))).toEqual({ kind: 'drop' });
  });

  it('drops a walk with nowhere to go', () => {
    expect(decideWalk(walk({ linked: true, peers: [] }))).toEqual({ kind: 'drop' });
    expect(decideWalk(walk({ linked: true, origin: 2, peers: [2] }))).toEqual({ kind: 'drop' });
  });

  it('keeps its invariants over many random inputs', () => {
    const random = createPrng(20_240_611);
    const pick = (n: number) => Math.floor(random() * n);
    let forwards = 0;
    let joins = 0;
    for (let round = 0; round < 5_000; round += 1) {
      const maxPeers = 1 + pick(6);
      const peers = [...new Set(Array.from({ length: pick(maxPeers + 1) }, () => 1 + pick(10)))];
      const input = walk({
        linked: random() < 0.5,
        origin: 1 + pick(10),
        ttl: pick(8),
        from: random() < 0.3 ? undefined : 1 + pick(10),
        peers,
        committed: peers.length + pick(3),
        maxPeers,
        random,
      });
      const decision = decideWalk(input);
      if (decision.kind === 'join') {
        joins += 1;
        expect(input.linked).toBe(false);
        expect(input.committed).toBeLessThan(maxPeers);
      } else if (decision.kind === 'forward') {
        forwards += 1;
        expect(peers).toContain(decision.to);
        expect(decision.to).not.toBe(input.origin);
        expect(decision.ttl).toBe(input.ttl - 1);
        expect(decision.ttl).toBeGreaterThanOrEqual(1);
        const alternatives = peers.filter((p) => p !== input.from && p !== input.origin);
        if (alternatives.length > 0) expect(decision.to).not.toBe(input.from);
      } else {
        expect(input.linked || input.committed >= maxPeers).toBe(true);
      }
    }
    // The loop must actually exercise both outcomes, or it proves nothing.
    expect(forwards).toBeGreaterThan(100);
    expect(joins).toBeGreaterThan(100);
  });
});

describe('retryDelayMs', () => {
  it('starts at the minimum and doubles per attempt', () => {
    expect([0, 1, 2, 3].map((n) => retryDelayMs(n, 250, 10_000))).toEqual([250, 500, 1_000, 2_000]);
  });

  it('is capped at the maximum', () => {
    expect(retryDelayMs(3, 250, 2_000)).toBe(2_000);
    expect(retryDelayMs(4, 250, 2_000)).toBe(2_000);
  });

  it('never exceeds the maximum for huge attempt counts', () => {
    for (const attempts of [30, 1_000, 1e9, Number.MAX_SAFE_INTEGER]) {
      const delay = retryDelayMs(attempts, 250, 2_000);
      expect(delay).toBe(2_000);
      expect(Number.isFinite(delay)).toBe(true);
    }
  });
});
