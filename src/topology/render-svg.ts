// A standalone SVG picture of a topology (no fonts, scripts or links to fetch), for `gossip topology`
// output and docs: edges as lines, nodes as numbered circles, a title and a one-line summary.

import { diameter, type Graph } from './graph.js';
import { layoutGraph } from './layout.js';

/** Width and height of the picture in px. */
const SIZE = 800;
const MARGIN = 40;
/** Space at the top for the title and legend. */
const HEADER = 70;

export interface RenderSvgOptions {
  title: string;
  /** Seeds the force layout, so the same graph and seed always draw the same picture. */
  seed: number;
  /** Text inside each circle; defaults to the node id. */
  labels?: (id: number) => string;
}

export function renderTopologySvg(g: Graph, options: RenderSvgOptions): string {
  const points = layoutGraph(g, options.seed);
  const label = options.labels ?? String;
  // Circles shrink with n so ~256 nodes still fit without overlapping much.
  const radius = Math.max(4, Math.min(16, 150 / Math.sqrt(g.n)));
  const box = SIZE - 2 * MARGIN - HEADER;
  const at = (id: number): { x: string; y: string } => {
    const p = points[id] ?? { x: 0.5, y: 0.5 };
    return { x: (MARGIN + p.x * box + HEADER / 2).toFixed(1), y: (HEADER + MARGIN + p.y * box).toFixed(1) };
  };
  const d = diameter(g);
  const legend = [
    `${g.n} ${g.n === 1 ? 'node' : 'nodes'}`,
    `${g.edges.length} ${g.edges.length === 1 ? 'edge' : 'edges'}`,
    Number.isFinite(d) ? `diameter ${d}` : 'disconnected',
  ].join(' · ');

  const lines = g.edges.map(([a, b]) => {
    const p = at(a);
    const q = at(b);
    return `<line x1="${p.x}" y1="${p.y}" x2="${q.x}" y2="${q.y}"/>`;
  });
  const circles: string[] = [];
  const texts: string[] = [];
  for (let id = 1; id <= g.n; id++) {
    const p = at(id);
    const text = label(id);
    // Longer labels get a smaller font so they stay inside the circle.
    const font = Math.max(5, Math.min(radius, (2.4 * radius) / Math.max(2, text.length)));
    circles.push(`<circle cx="${p.x}" cy="${p.y}" r="${radius.toFixed(1)}"/>`);
    texts.push(`<text x="${p.x}" y="${p.y}" font-size="${font.toFixed(1)}">${escapeXml(text)}</text>`);
  }

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">`,
    `<rect width="${SIZE}" height="${SIZE}" fill="#ffffff"/>`,
    `<text x="${SIZE / 2}" y="32" font-family="sans-serif" font-size="22" text-anchor="middle">${escapeXml(options.title)}</text>`,
    `<text x="${SIZE / 2}" y="58" font-family="sans-serif" font-size="14" fill="#555555" text-anchor="middle">${escapeXml(legend)}</text>`,
    `<g stroke="#8899aa" stroke-width="1.2" stroke-opacity="0.8">`,
    ...lines,
    '</g>',
    `<g fill="#2b6cb0" stroke="#1a365d" stroke-width="1">`,
    ...circles,
    '</g>',
    `<g font-family="sans-serif" fill="#ffffff" text-anchor="middle" dominant-baseline="central">`,
    ...texts,
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}

/** Makes any string safe as SVG text or attribute content. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => XML_ENTITIES[c] ?? c);
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
};
