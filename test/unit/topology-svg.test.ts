import { describe, expect, it } from 'vitest';
import { generateTopology } from '../../src/topology/generators.js';
import { type Graph, makeGraph } from '../../src/topology/graph.js';
import { escapeXml, renderTopologySvg } from '../../src/topology/render-svg.js';

const count = (svg: string, pattern: RegExp): number => svg.match(pattern)?.length ?? 0;
const numbers = (svg: string, attribute: string): number[] =>
  [...svg.matchAll(new RegExp(` ${attribute}="([^"]*)"`, 'g'))].map((m) => Number(m[1]));

const ring = generateTopology({ kind: 'circular' }, { n: 12, seed: 1, maxPeers: 2 });
const random = generateTopology({ kind: 'random', degree: 3 }, { n: 40, seed: 9, maxPeers: 3 });
const powerlaw = generateTopology({ kind: 'powerlaw', m: 3, p: 0.5 }, { n: 256, seed: 2, maxPeers: 100 });

describe('renderTopologySvg', () => {
  it.each([
    ['ring', ring],
    ['random', random],
    ['powerlaw 256', powerlaw],
  ] as const)(
    '%s: one circle per node, one line per edge, all inside the 800x800 canvas',
    (_name, g: Graph) => {
      const svg = renderTopologySvg(g, { title: 'test', seed: 1 });
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(count(svg, /<circle /g)).toBe(g.n);
      expect(count(svg, /<line /g)).toBe(g.edges.length);
      expect(count(svg, /<g[ >]/g)).toBe(count(svg, /<\/g>/g));
      for (const value of ['cx', 'cy', 'x1', 'y1', 'x2', 'y2'].flatMap((a) => numbers(svg, a))) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(800);
      }
    },
  );

  it('is standalone: no links, images, scripts or styles to fetch', () => {
    const svg = renderTopologySvg(random, { title: 'x', seed: 1 });
    expect(svg).not.toMatch(/href|<image|<script|<style|@import|url\(/);
    expect(count(svg, /http/g)).toBe(1); // the xmlns declaration only
  });

  it('escapes XML in the title and in labels', () => {
    const svg = renderTopologySvg(ring, { title: 'a < b & "c"', seed: 1, labels: (id) => `<${id}>` });
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(svg).not.toContain('a < b');
    expect(svg).toContain('&lt;7&gt;');
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });

  it('labels nodes with their number by default and summarises the graph', () => {
    const svg = renderTopologySvg(ring, { title: 'ring', seed: 1 });
    for (const id of [1, 6, 12]) expect(svg).toContain(`>${id}</text>`);
    expect(svg).toContain('12 nodes · 12 edges · diameter 6');
  });

  it('says so when the graph is disconnected', () => {
    const split = makeGraph(4, [
      [1, 2],
      [3, 4],
    ]);
    expect(renderTopologySvg(split, { title: 't', seed: 1 })).toContain('4 nodes · 2 edges · disconnected');
  });

  it('draws a ring as a circle', () => {
    const svg = renderTopologySvg(ring, { title: 'ring', seed: 1 });
    const xs = numbers(svg, 'cx');
    const ys = numbers(svg, 'cy');
    const cx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const cy = ys.reduce((a, b) => a + b, 0) / ys.length;
    const radii = xs.map((x, i) => Math.hypot(x - cx, (ys[i] ?? 0) - cy));
    expect(Math.max(...radii) - Math.min(...radii)).toBeLessThan(1);
  });

  it('lays out the same way for the same seed and differently for another', () => {
    const a = renderTopologySvg(random, { title: 't', seed: 4 });
    expect(renderTopologySvg(random, { title: 't', seed: 4 })).toBe(a);
    expect(renderTopologySvg(random, { title: 't', seed: 5 })).not.toBe(a);
  });

  it('handles the smallest graphs without NaN', () => {
    for (const g of [makeGraph(1, []), makeGraph(2, [[1, 2]])]) {
      const svg = renderTopologySvg(g, { title: 't', seed: 1 });
      expect(svg).not.toContain('NaN');
      expect(count(svg, /<circle /g)).toBe(g.n);
    }
  });
});
