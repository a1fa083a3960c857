import { describe, expect, it } from 'vitest';
import { LocalHealth, MAX_SCORE } from '../../src/node/local-health.js';

describe('local health', () => {
  it('stays at 1 while ticks run on time', () => {
    const health = new LocalHealth(100);
    for (let at = 0; at <= 10_000; at += 100) health.observe(at + (at % 300 === 0 ? 40 : 0));
    expect(health.multiplier).toBe(1);
  });

  it('stretches timeouts with how late its ticks run, up to a cap, and recovers one step per 10 on-time ticks', () => {
    const health = new LocalHealth(100);
    let at = 0;
    const later = (ms: number): number => {
      at += ms;
      return at;
    };
    health.observe(at);
    // 150 ms late: one point; 350 ms late: two more.
    health.observe(later(250));
    expect(health.multiplier).toBe(2);
    health.observe(later(450));
    expect(health.multiplier).toBe(4);
    // A stall of seconds stretches them to the cap at once.
    health.observe(later(2_000));
    expect(health.multiplier).toBe(1 + MAX_SCORE);
    for (let tick = 0; tick < 10; tick += 1) health.observe(later(100));
    expect(health.multiplier).toBe(MAX_SCORE);
    for (let tick = 0; tick < 10 * MAX_SCORE; tick += 1) health.observe(later(100));
    expect(health.multiplier).toBe(1);
  });
});
