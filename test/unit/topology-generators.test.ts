import { describe, expect, it } from 'vitest';
import { turanPartSizes } from '../../src/topology/generate-turan.js';
import { generateTopology, type TopologySpec } from '../../src/topology/generators.js';
import { adjacency, degrees, type Graph, isConnected } from '../../src/topology/graph.js';

const SEEDS = Array.from({ length: 50 }, (_, i) => i * 7919 + 1);
const SIZES = [4, 5, 6, 8, 13, 16, 31, 32, 64];

/** What every topology promises, checked on the raw edge list rather than trusting makeGraph. */
function expectUsable(g: Graph, n: number, maxPeers: number): void {
  const problems: string[] = [];
  const seen = new Set<number>();
  let previous = 0;
  for (const [a, b] of g.edges) {
    const key = a * (n + 1) + b;
    if (!(a >= 1 && a < b && b <= n)) problems.push(`bad edge ${a}-${b}`);
    if (seen.has(key)) problems.push(`duplicate edge ${a}-${b}`);
    if (key <= previous) problems.push(`edge ${a}-${b} out of order`);
    seen.add(key);
    previous = key;
  }
  if (!isConnected(g)) problems.push('disconnected');
  const most = Math.max(...degrees(g).values());
  if (most > maxPeers) problems.push(`a node has ${most} peers`);
  expect(g.n).toBe(n);
  expect(problems).toEqual([]);
}

const generate = (spec: TopologySpec, n: number, seed: number, maxPeers = 100): Graph =>
  generateTopology(spec, { n, seed, maxPeers });
const fingerprint = (g: Graph): string => g.edges.map(([a, b]) => `${a}-${b}`).join(',');

describe('random d-regular', () => {
  const cases = [2, 3, 4, 5].flatMap((d) =>
    SIZES.filter((n) => n > d && (n * d) % 2 === 0).map((n) => [d, n]),
  );

  it.each(cases)('degree %i on %i nodes: n*d/2 edges, every node exactly d peers, connected', (d, n) => {
    for (const seed of SEEDS) {
      const g = generate({ kind: 'random', degree: d }, n, seed, d);
      expectUsable(g, n, d);
      expect(g.edges.length).toBe((n * d) / 2);
      expect([...degrees(g).values()].every((x) => x === d)).toBe(true);
    }
  });

  it.each([256, 1000])('degree 3 on %i nodes', (n) => {
    for (const seed of SEEDS.slice(0, 5)) {
      const g = generate({ kind: 'random', degree: 3 }, n, seed, 3);
      expectUsable(g, n, 3);
      expect([...degrees(g).values()].every((x) => x === 3)).toBe(true);
    }
  });

  it('dense degrees (built via the complement) are regular and connected', () => {
    for (const [d, n] of [
      [7, 8],
      [9, 12],
      [20, 30],
    ] as const) {
      const g = generate({ kind: 'random', degree: d }, n, 3);
      expectUsable(g, n, d);
      expect([...degrees(g).values()].every((x) => x === d)).toBe(true);
    }
  });

  it('degree 1 on 2 nodes is the single link', () => {
    expect(generate({ kind: 'random', degree: 1 }, 2, 1).edges).toEqual([[1, 2]]);
  });

  it('is the same graph for the same seed and a different one for other seeds', () => {
    const spec: TopologySpec = { kind: 'random', degree: 3 };
    expect(generate(spec, 64, 42)).toEqual(generate(spec, 64, 42));
    expect(new Set(SEEDS.map((seed) => fingerprint(generate(spec, 20, seed)))).size).toBe(SEEDS.length);
  });
});

describe('circular', () => {
  it.each(SIZES)('ring on %i nodes: i links to i+1 and n links back to 1', (n) => {
    const g = generate({ kind: 'circular' }, n, 1, 2);
    expectUsable(g, n, 2);
    expect(g.edges.length).toBe(n);
    for (let id = 1; id <= n; id++) {
      expect(adjacency(g).get(id)).toEqual(
        [id === 1 ? n : id - 1, id === n ? 1 : id + 1].sort((a, b) => a - b),
      );
    }
    expect(generate({ kind: 'circular' }, n, 999, 2)).toEqual(g);
  });

  it('two nodes are one link, even with --max-peers 1', () => {
    expect(generate({ kind: 'circular' }, 2, 1, 1).edges).toEqual([[1, 2]]);
  });
});

describe('turan', () => {
  const cases = SIZES.flatMap((n) => [2, 3, 4, 5, n].filter((k) => k <= n).map((k) => [n, k]));

  it.each(cases)('%i nodes in %i parts: complete multipartite with the right edge count', (n, k) => {
    const sizes = turanPartSizes(n, k);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    const g = generate({ kind: 'turan', partitions: k }, n, 1, n);
    expectUsable(g, n, n - Math.min(...sizes));
    expect(g.edges.length).toBe((n * n - sizes.reduce((sum, s) => sum + s * s, 0)) / 2);
    // Each node's degree is n minus its own part's size, so both part sizes show up as degrees.
    const observed = new Set(degrees(g).values());
    expect(observed).toEqual(new Set(sizes.map((s) => n - s)));
  });

  it('turan n is the complete graph', () => {
    expect(generate({ kind: 'turan', partitions: 6 }, 6, 1, 5).edges.length).toBe(15);
  });
});

describe('powerlaw (Holme-Kim)', () => {
  const spec: TopologySpec = { kind: 'powerlaw', m: 3, p: 0.5 };

  it.each(SIZES)('uncapped on %i nodes: seed K4 plus 3 links per later node', (n) => {
    for (const seed of SEEDS) {
      const g = generate(spec, n, seed, 100);
      expectUsable(g, n, 100);
      expect(g.edges.length).toBe(6 + (n - 4) * 3);
      expect(Math.min(...degrees(g).values())).toBe(3);
    }
  });

  it.each([2, 3, 4, 5, 8])('every degree stays at or below --max-peers %i', (maxPeers) => {
    for (const n of [...SIZES, 200]) {
      for (const seed of SEEDS.slice(0, 10)) expectUsable(generate(spec, n, seed, maxPeers), n, maxPeers);
    }
  });

  it('grows hubs when the cap is high', () => {
    for (const seed of SEEDS.slice(0, 5)) {
      const g = generate(spec, 1000, seed, 100);
      expect(Math.max(...degrees(g).values())).toBeGreaterThanOrEqual(30);
    }
  });

  it('closes more triangles with p=0.5 than with p=0', () => {
    const triangles = (g: Graph): number => {
      const adj = adjacency(g);
      return g.edges.reduce(
        (sum, [a, b]) => sum + (adj.get(a) ?? []).filter((c) => adj.get(b)?.includes(c)).length,
        0,
      );
    };
    const total = (p: number): number =>
      SEEDS.slice(0, 10).reduce(
        (sum, seed) => sum + triangles(generate({ kind: 'powerlaw', m: 3, p }, 200, seed)),
        0,
      );
    expect(total(0.5)).toBeGreaterThan(2 * total(0));
  });

  it('is deterministic per seed and varies across seeds', () => {
    expect(generate(spec, 64, 5)).toEqual(generate(spec, 64, 5));
    expect(new Set(SEEDS.map((seed) => fingerprint(generate(spec, 20, seed)))).size).toBe(SEEDS.length);
  });

  it('with fewer nodes than m+1 it is the complete graph', () => {
    expect(generate(spec, 3, 1).edges).toEqual([
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
  });
});
