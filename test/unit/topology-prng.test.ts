import { describe, expect, it } from 'vitest';
import { createPrng, pick, randomInt, shuffle } from '../../src/topology/prng.js';

// The published mulberry32, verbatim in spirit, to prove createPrng is that generator and not a look-alike.
function referenceMulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a += 0x6d2b79f5;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const take = (rng: () => number, count: number): number[] => Array.from({ length: count }, rng);

describe('createPrng', () => {
  it('is mulberry32', () => {
    for (const seed of [0, 1, 42, 123456789]) {
      expect(take(createPrng(seed), 1000)).toEqual(take(referenceMulberry32(seed), 1000));
    }
  });

  it('repeats per seed and differs across seeds', () => {
    expect(take(createPrng(7), 20)).toEqual(take(createPrng(7), 20));
    expect(take(createPrng(7), 20)).not.toEqual(take(createPrng(8), 20));
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const values = take(createPrng(99), 20_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });
});

describe('randomInt', () => {
  it('covers exactly 0..max-1', () => {
    const rng = createPrng(3);
    const seen = new Set(Array.from({ length: 2000 }, () => randomInt(rng, 7)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('rejects a bound below 1', () => {
    expect(() => randomInt(createPrng(1), 0)).toThrow(RangeError);
  });
});

describe('shuffle and pick', () => {
  it('permutes in place, deterministically per seed', () => {
    const a = shuffle(
      createPrng(5),
      Array.from({ length: 50 }, (_, i) => i),
    );
    const b = shuffle(
      createPrng(5),
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('picks members only and refuses an empty array', () => {
    const rng = createPrng(11);
    expect(['a', 'b', 'c']).toContain(pick(rng, ['a', 'b', 'c']));
    expect(() => pick(rng, [])).toThrow(RangeError);
  });
});
