// Seeded pseudo-random numbers for the topology generators and the SVG layout.
// Every random choice in src/topology goes through here, so a seed fully determines the output.

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: a tiny, well-known 32-bit generator. Not cryptographic, but fast, well distributed
 * and identical on every platform, which is what reproducible topologies need.
 * The seed is reduced to 32 bits (ToUint32), so seeds that differ by a multiple of 2^32 collide.
 */
export function createPrng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, maxExclusive). */
export function randomInt(rng: Rng, maxExclusive: number): number {
  if (!Number.isInteger(maxExclusive) || maxExclusive < 1) {
    throw new RangeError(`randomInt needs a positive integer bound, got ${maxExclusive}`);
  }
  return Math.floor(rng() * maxExclusive);
}

/** Fisher-Yates shuffle in place; returns the same array for chaining. */
export function shuffle<T>(rng: Rng, array: T[]): T[] {
  for (let i = array.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const a = array[i] as T;
    array[i] = array[j] as T;
    array[j] = a;
  }
  return array;
}

/** A uniformly chosen element; the array must not be empty. */
export function pick<T>(rng: Rng, array: readonly T[]): T {
  if (array.length === 0) throw new RangeError('pick needs a non-empty array');
  return array[randomInt(rng, array.length)] as T;
}
