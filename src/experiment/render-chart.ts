// A standalone SVG line chart of coverage over rounds: one solid line per strategy measured, its mean-field
// prediction dashed in the same colour. Hand-written SVG, no fonts or scripts to fetch.

import { escapeXml } from '../topology/render-svg.js';

export interface ChartSeries {
  label: string;
  /** Fraction of nodes informed after each round (index 0: round 0). */
  measured: readonly number[];
  /** The model's fractions, if there is a model. */
  predicted?: readonly number[] | undefined;
}

const WIDTH = 760;
const HEIGHT = 440;
const LEFT = 60;
const RIGHT = 170;
const TOP = 50;
const BOTTOM = 50;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

export function renderCoverageChart(title: string, series: readonly ChartSeries[]): string {
  const rounds = Math.max(
    2,
    ...series.map((line) => line.measured.length - 1),
    ...series.map((line) => Math.min(line.predicted?.length ?? 0, line.measured.length + 5) - 1),
  );
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const x = (round: number): string => (LEFT + (round / rounds) * plotWidth).toFixed(1);
  const y = (fraction: number): string => (TOP + (1 - fraction) * plotHeight).toFixed(1);
  const points = (values: readonly number[]): string =>
    values
      .slice(0, rounds + 1)
      .map((value, round) => `${x(round)},${y(value)}`)
      .join(' ');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${LEFT}" y="28" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let tick = 0; tick <= 4; tick += 1) {
    const fraction = tick / 4;
    parts.push(
      `<line x1="${LEFT}" y1="${y(fraction)}" x2="${LEFT + plotWidth}" y2="${y(fraction)}" stroke="#ddd"/>`,
      `<text x="${LEFT - 8}" y="${y(fraction)}" text-anchor="end" dominant-baseline="middle">${tick * 25}%</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(rounds / 10));
  for (let round = 0; round <= rounds; round += step) {
    parts.push(`<text x="${x(round)}" y="${TOP + plotHeight + 18}" text-anchor="middle">${round}</text>`);
  }
  parts.push(
    `<line x1="${LEFT}" y1="${TOP + plotHeight}" x2="${LEFT + plotWidth}" y2="${TOP + plotHeight}" stroke="#333"/>`,
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotHeight}" stroke="#333"/>`,
    `<text x="${LEFT + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle">round</text>`,
    `<text x="16" y="${TOP + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 16 ${TOP + plotHeight / 2})">nodes informed</text>`,
  );
  series.forEach((line, index) => {
    const colour = COLOURS[index % COLOURS.length];
    if (line.predicted !== undefined && line.predicted.length > 0) {
      parts.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="1.5" stroke-dasharray="5 4" points="${points(line.predicted)}"/>`,
      );
    }
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2.5" points="${points(line.measured)}"/>`,
    );
    const legendY = TOP + 10 + index * 20;
    parts.push(
      `<line x1="${LEFT + plotWidth + 15}" y1="${legendY}" x2="${LEFT + plotWidth + 40}" y2="${legendY}" stroke="${colour}" stroke-width="2.5"/>`,
      `<text x="${LEFT + plotWidth + 46}" y="${legendY}" dominant-baseline="middle">${escapeXml(line.label)}</text>`,
    );
  });
  const noteY = TOP + 10 + series.length * 20 + 10;
  parts.push(
    `<line x1="${LEFT + plotWidth + 15}" y1="${noteY}" x2="${LEFT + plotWidth + 40}" y2="${noteY}" stroke="#333" stroke-dasharray="5 4"/>`,
    `<text x="${LEFT + plotWidth + 46}" y="${noteY}" dominant-baseline="middle">mean-field model</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
