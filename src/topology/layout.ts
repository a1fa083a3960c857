// Node positions for drawing a graph: a seeded Fruchterman-Reingold force layout, or a plain circle
// for rings, where a force layout would only crumple the obvious picture.

import { adjacency, degrees, type Graph, isConnected } from './graph.js';
import { createPrng } from './prng.js';

export interface Point {
  x: number;
  y: number;
}

/** Positions in the unit square [0, 1] x [0, 1], indexed by node id (index 0 unused). */
export function layoutGraph(g: Graph, seed: number): Point[] {
  const cycle = ringOrder(g);
  const positions = cycle ?? forceLayout(g, seed);
  return fitToUnitSquare(positions);
}

// The nodes in walking order when the graph is one cycle (every degree 2, connected), else undefined.
function ringOrder(g: Graph): Point[] | undefined {
  if (g.n < 3 || ![...degrees(g).values()].every((d) => d === 2) || !isConnected(g)) return undefined;
  const adj = adjacency(g);
  const order = [1];
  let prev = 1;
  let cur = adj.get(1)?.[0] ?? 1;
  while (cur !== 1) {
    order.push(cur);
    const [p, q] = adj.get(cur) ?? [];
    [prev, cur] = [cur, p === prev ? (q ?? 1) : (p ?? 1)];
  }
  const points: Point[] = [{ x: 0, y: 0 }];
  order.forEach((id, i) => {
    points[id] = onCircle(i, g.n);
  });
  return points;
}

function onCircle(i: number, n: number): Point {
  const angle = (2 * Math.PI * i) / n - Math.PI / 2;
  return { x: 0.5 + 0.5 * Math.cos(angle), y: 0.5 + 0.5 * Math.sin(angle) };
}

// Fruchterman-Reingold from a jittered circle, with linear cooling and a weak pull to the centre so
// disconnected pieces do not drift off. Iterations shrink for big graphs: each one is O(n^2).
function forceLayout(g: Graph, seed: number): Point[] {
  const rng = createPrng(seed);
  const n = g.n;
  const k = Math.sqrt(1 / n);
  const pos = Array.from({ length: n + 1 }, (_, id) => {
    const p = onCircle(id - 1, n);
    return { x: p.x + (rng() - 0.5) * k * 0.1, y: p.y + (rng() - 0.5) * k * 0.1 };
  });
  const iterations = Math.max(30, Math.min(200, Math.floor(4e7 / (n * n))));
  for (let it = 0; it < iterations; it++) {
    const temperature = 0.1 * (1 - it / iterations);
    const disp = Array.from({ length: n + 1 }, () => ({ x: 0, y: 0 }));
    const push = (a: number, b: number, scale: (d: number) => number): void => {
      const pa = pos[a] as Point;
      const pb = pos[b] as Point;
      const dx = pa.x - pb.x;
      const dy = pa.y - pb.y;
      const d = Math.max(Math.hypot(dx, dy), 0.01 * k);
      const f = scale(d) / d;
      const da = disp[a] as Point;
      const db = disp[b] as Point;
      da.x += dx * f;
      da.y += dy * f;
      db.x -= dx * f;
      db.y -= dy * f;
    };
    for (let a = 1; a <= n; a++) for (let b = a + 1; b <= n; b++) push(a, b, (d) => (k * k) / d);
    for (const [a, b] of g.edges) push(a, b, (d) => -(d * d) / k);
    for (let id = 1; id <= n; id++) {
      const p = pos[id] as Point;
      const v = disp[id] as Point;
      v.x -= (p.x - 0.5) * k;
      v.y -= (p.y - 0.5) * k;
      const len = Math.hypot(v.x, v.y);
      if (len > 0) {
        p.x += (v.x / len) * Math.min(len, temperature);
        p.y += (v.y / len) * Math.min(len, temperature);
      }
    }
  }
  return pos;
}

// Keeps the aspect ratio and centres the drawing, so the renderer only has to scale.
function fitToUnitSquare(points: Point[]): Point[] {
  const real = points.slice(1);
  const minX = Math.min(...real.map((p) => p.x));
  const minY = Math.min(...real.map((p) => p.y));
  const span = Math.max(...real.map((p) => p.x - minX), ...real.map((p) => p.y - minY));
  if (!(span > 0)) return points.map(() => ({ x: 0.5, y: 0.5 }));
  const width = Math.max(...real.map((p) => p.x)) - minX;
  const height = Math.max(...real.map((p) => p.y)) - minY;
  return points.map((p) => ({
    x: (p.x - minX + (span - width) / 2) / span,
    y: (p.y - minY + (span - height) / 2) / span,
  }));
}
