import { describe, expect, it } from 'vitest';
import { aggregate, arrivalRound, messageMetrics, type NodeReport } from '../../src/experiment/metrics.js';
import { renderCoverageChart } from '../../src/experiment/render-chart.js';
import {
  coinResidue,
  contactOdds,
  DEMERS_COUNTER_RESIDUE,
  demersResidue,
  IDEAL,
  liveNodes,
  logBase,
  meanFieldCoverage,
  modelRounds,
  pittelPushRounds,
  roundsPerGeneration,
  theoryFor,
} from '../../src/experiment/theory.js';
import type { MessageView, StatsReply } from '../../src/protocol/replies.js';
import { parseXml } from '../helpers/xml.js';

describe('theory', () => {
  it('log_k N and Pittel: log2 N + ln N for push with one target', () => {
    expect(logBase(2, 1024)).toBeCloseTo(10);
    expect(logBase(4, 256)).toBeCloseTo(4);
    expect(pittelPushRounds(1024, 1)).toBeCloseTo(10 + Math.log(1024));
  });

  it("Demers' coin residue solves s = e^{-(n+1)(1-s)}: about 0.20 for n=1 and 0.06 for n=2", () => {
    expect(coinResidue(1)).toBeCloseTo(0.2032, 3);
    expect(coinResidue(2)).toBeCloseTo(0.0595, 3);
    for (const n of [1, 2, 3, 5, 10]) {
      const s = coinResidue(n);
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThan(1);
      expect(Math.exp(-(n + 1) * (1 - s))).toBeCloseTo(s, 9);
    }
  });

  it("the counter variant uses Demers' published table, and falls silent beyond it", () => {
    expect(demersResidue('counter', 1)).toBe(DEMERS_COUNTER_RESIDUE[0]);
    expect(demersResidue('counter', 2)).toBe(0.037);
    expect(demersResidue('counter', 6)).toBeUndefined();
    expect(demersResidue('coin', 1)).toBeCloseTo(0.2032, 3);
  });

  it('the mean-field model: exchange beats push and pull; more fanout, fewer rounds', () => {
    const n = 256;
    const push = modelRounds('push', n, 1) ?? 0;
    const pull = modelRounds('pull', n, 1) ?? 0;
    const both = modelRounds('anti-entropy', n, 1) ?? 0;
    expect(both).toBeLessThan(push);
    expect(both).toBeLessThanOrEqual(pull);
    expect(modelRounds('push', n, 3) ?? 0).toBeLessThan(push);
    expect(push).toBeGreaterThan(logBase(2, n));
    expect(modelRounds('flood', n, 2)).toBeUndefined();
    const coverage = meanFieldCoverage('pull', 64, 2, 10);
    expect(coverage[0]).toBeCloseTo(1 / 64);
    for (let round = 1; round < coverage.length; round += 1)
      expect(coverage[round] ?? 0).toBeGreaterThanOrEqual(coverage[round - 1] ?? 1);
  });

  it('collects the theory of a strategy', () => {
    const push = theoryFor({ name: 'push', fanout: 2, stop: 'coin', stopAfter: 2 }, 64);
    expect(push.logKRounds).toBeCloseTo(6);
    expect(push.residue).toBeCloseTo(0.0595, 3);
    expect(theoryFor({ name: 'pull', fanout: 1, stop: 'counter', stopAfter: 2 }, 64)).toMatchObject({
      logKRounds: 6,
      pittelRounds: undefined,
      residue: 0,
    });
  });
});

describe('theory under loss, delay and failures', () => {
  const bad = (lossPercent: number, delayMs = 0, failFraction = 0) => ({
    lossPercent,
    delayMs,
    failFraction,
  });

  it('changes nothing on an ideal network', () => {
    for (const strategy of ['push', 'pull', 'push-pull', 'anti-entropy'] as const) {
      expect(meanFieldCoverage(strategy, 64, 2, 12, IDEAL)).toEqual(meanFieldCoverage(strategy, 64, 2, 12));
      expect(modelRounds(strategy, 64, 2, bad(0))).toBe(modelRounds(strategy, 64, 2));
    }
  });

  it('scales a contact by what gets through: one line for a push, two for a pull, three for an exchange push', () => {
    expect(contactOdds(bad(10))).toEqual({
      push: 0.9,
      pull: expect.closeTo(0.81),
      exchangePush: expect.closeTo(0.729),
    });
    expect(contactOdds(bad(0, 0, 0.25)).push).toBe(0.75);
    // With s the uninformed share, one round of push is s e^{-k p i} with p the push odds.
    const [, first] = meanFieldCoverage('push', 100, 2, 1, bad(30));
    const s0 = 1 - 1 / 100;
    expect(first).toBeCloseTo(1 - s0 * Math.exp(-2 * 0.7 * (1 / 100)), 12);
  });

  it('loss and failures slow every strategy; pull, which needs two lines, suffers more from loss than push', () => {
    for (const strategy of ['push', 'pull', 'push-pull', 'anti-entropy'] as const) {
      const ideal = modelRounds(strategy, 64, 2) ?? 0;
      expect(modelRounds(strategy, 64, 2, bad(30)) ?? 0).toBeGreaterThan(ideal);
      expect(modelRounds(strategy, 64, 2, bad(0, 0, 0.5)) ?? 0).toBeGreaterThanOrEqual(ideal);
    }
    const slowdown = (strategy: 'push' | 'pull') =>
      (modelRounds(strategy, 256, 1, bad(30)) ?? 0) / (modelRounds(strategy, 256, 1) ?? 1);
    expect(slowdown('pull')).toBeGreaterThan(slowdown('push'));
  });

  it('counts coverage among the live nodes: failed ones neither receive nor spread', () => {
    expect(liveNodes(32, bad(0, 0, 0.25))).toBe(24);
    expect(liveNodes(10, bad(0, 0, 0.25))).toBe(8);
    expect(meanFieldCoverage('pull', 32, 2, 3, bad(0, 0, 0.25))[0]).toBeCloseTo(1 / 24);
    expect(
      theoryFor({ name: 'pull', fanout: 2, stop: 'counter', stopAfter: 2 }, 64, bad(0, 0, 0.5)).logKRounds,
    ).toBe(5);
  });

  it('stretches rounds by the delay a contact spends on the way', () => {
    expect(roundsPerGeneration('push', 40, 100)).toBe(1);
    expect(roundsPerGeneration('push', 250, 100)).toBe(3);
    expect(roundsPerGeneration('pull', 250, 100)).toBe(6);
    const coverage = meanFieldCoverage('push', 64, 2, 9, bad(0, 250));
    const ideal = meanFieldCoverage('push', 64, 2, 3);
    expect(coverage.slice(0, 7)).toEqual([
      ideal[0],
      ideal[0],
      ideal[0],
      ideal[1],
      ideal[1],
      ideal[1],
      ideal[2],
    ]);
    expect(modelRounds('push', 64, 2, bad(0, 250))).toBe(3 * (modelRounds('push', 64, 2) ?? 0));
  });

  it("lowers Demers' residue under loss: a lost push or answer gives no feedback", () => {
    const coin = { name: 'push', fanout: 2, stop: 'coin', stopAfter: 2 } as const;
    expect(theoryFor(coin, 64, bad(20)).residue).toBeCloseTo(coinResidue(2 / 0.8), 12);
    const counter = { ...coin, stop: 'counter' } as const;
    expect(theoryFor(counter, 64, bad(0, 0, 0.5)).residue).toBe(0.037);
    // Counter 2 at 20% loss is counter 2.5: between the table's 3.7% and 1.1%, geometrically.
    expect(theoryFor(counter, 64, bad(20)).residue).toBeCloseTo(Math.sqrt(0.037 * 0.011), 12);
    expect(demersResidue('counter', 5.5)).toBeUndefined();
  });
});

function report(node: number, messages: MessageView[], counters: Record<string, number> = {}): NodeReport {
  const stats = { node, counters } as unknown as StatsReply;
  return { node, messages, stats };
}

function view(
  id: string,
  paths: Array<{ path: number[]; atMs: number; via: MessageView['paths'][number]['via'] }>,
) {
  return {
    id,
    text: 'x',
    origin: paths[0]?.path[0] ?? 0,
    originNs: '1',
    relays: 1,
    clock: 1,
    read: false,
    paths,
  };
}

describe('experiment metrics', () => {
  it('counts round boundaries between submission and first arrival (hops for flood)', () => {
    expect(arrivalRound(false, 100, 1_050, { path: [1, 2], atMs: 1_101 })).toBe(1);
    expect(arrivalRound(false, 100, 1_050, { path: [1, 2], atMs: 1_099 })).toBe(0);
    expect(arrivalRound(true, 100, 1_050, { path: [1, 2, 3], atMs: 9_999 })).toBe(2);
    expect(arrivalRound(true, 100, 1_050, { path: [1, 2, 3, 4], atMs: 9_999 }, 1)).toBe(1);
  });

  it('coverage, rounds to full, RMR and residue from the recorded paths', () => {
    const id = 'm_1';
    const reports = [
      report(1, [view(id, [{ path: [1], atMs: 1_050, via: 'origin' }])], { pushesOut: 4 }),
      report(2, [
        view(id, [
          { path: [1, 2], atMs: 1_110, via: 'push' },
          { path: [1, 3, 2], atMs: 1_210, via: 'push' },
        ]),
      ]),
      report(3, [view(id, [{ path: [1, 3], atMs: 1_120, via: 'push' }])]),
      report(4, [view(id, [{ path: [1, 3, 4], atMs: 1_390, via: 'catch-up' }])]),
    ];
    const metrics = messageMetrics(id, reports, { n: 4, roundMs: 100, flood: false });
    expect(metrics).toMatchObject({
      origin: 1,
      reached: 4,
      reachedByStrategy: 3,
      coverage: [1, 3, 3, 4],
      roundsToFull: 3,
      deliveries: 4,
      residue: 0.25,
    });
    expect(metrics.timeToFullMs).toBeCloseTo(340);
    expect(metrics.rmr).toBeCloseTo(4 / 3 - 1);
    const missing = messageMetrics(id, reports.slice(0, 3), { n: 4, roundMs: 100, flood: false });
    expect(missing.roundsToFull).toBeUndefined();
    const total = aggregate([metrics], reports, 4);
    expect(total.coverage).toEqual([0.25, 0.75, 0.75, 1]);
    expect(total.roundsToLast).toBe(3);
    expect(aggregate([missing], reports, 4)).toMatchObject({ roundsToFull: undefined, roundsToLast: 1 });
    expect(total.sentPerNodePerMessage).toBe(1);
    expect(total.counters.pushesOut).toBe(4);
  });

  it('draws a chart with one line per strategy, its texts escaped as XML', () => {
    const svg = renderCoverageChart('t <1> & "2"', [
      { label: 'push <fast>', measured: [0.1, 0.5, 1], predicted: [0.1, 0.4, 0.9, 1] },
      { label: "pull 'n' push", measured: [0.1, 0.3, 1] },
    ]);
    // Parsed as XML: well-formed, and the texts a viewer shows are the ones given, whichever escapes are used.
    const elements = parseXml(svg);
    expect(elements[0]?.name).toBe('svg');
    const texts = elements.filter((element) => element.name === 'text').map((element) => element.text);
    expect(texts).toEqual(expect.arrayContaining(['t <1> & "2"', 'push <fast>', "pull 'n' push"]));
    expect(elements.filter((element) => element.name === 'polyline')).toHaveLength(3);
  });
});
