import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/node/token-bucket.js';

const takeAll = (bucket: TokenBucket, nowMs: number, tries: number): number => {
  let taken = 0;
  for (let i = 0; i < tries; i += 1) if (bucket.take(nowMs)) taken += 1;
  return taken;
};

describe('TokenBucket', () => {
  it('lets a full burst through at once, then refuses', () => {
    const bucket = new TokenBucket(100, 100, 0);
    expect(takeAll(bucket, 0, 150)).toBe(100);
    expect(bucket.take(0)).toBe(false);
  });

  it('refills at the rate, never above the burst', () => {
    const bucket = new TokenBucket(100, 100, 0);
    takeAll(bucket, 0, 100);
    expect(takeAll(bucket, 250, 1_000)).toBe(25);
    expect(takeAll(bucket, 60_250, 1_000)).toBe(100);
  });

  it('does not refill when the clock goes backwards', () => {
    const bucket = new TokenBucket(10, 10, 1_000);
    takeAll(bucket, 1_000, 10);
    expect(takeAll(bucket, 500, 10)).toBe(0);
    expect(takeAll(bucket, 1_100, 10)).toBe(1);
  });
});
