// The terminal picture of `gossip trace`: a header, then the propagation tree with each node's first
// arrival (ms after submission, hop, the link it came over), its redundant copies marked `×`, and a
// footer on the nodes the message did not reach or that did not answer.

import type { LookupFailure } from '../../client/lookup-everywhere.js';
import type { PropagationTree, TreeNode } from '../../propagation/tree.js';
import { nodeName } from '../../protocol/replies.js';
import { formatPath } from './messages.js';
import { renderTable } from './table.js';

export interface TraceReport {
  id: string;
  text: string;
  tree: PropagationTree;
  /** Nodes that answered and do not hold the message. */
  notReached: number[];
  failed: LookupFailure[];
  removed: number[];
  /** Ids of other messages with the same text, newest first. */
  others: string[];
}

function formatMs(ms: number | undefined): string {
  return ms === undefined ? '?' : `${ms.toFixed(2)} ms`;
}

export function formatTrace(report: TraceReport, clockTime: (ms: number) => string): string {
  const { tree } = report;
  const total = tree.reached + report.notReached.length;
  const last =
    tree.last === undefined
      ? ''
      : `, the last after ${formatMs(tree.last.afterMs)} at hop ${tree.last.hop} (node ${tree.last.node})`;
  const lines = [
    `• ${report.text}   (${report.id})`,
    `  submitted to ${nodeName(tree.origin)} at ${clockTime(tree.submittedAtMs)}; reached ${tree.reached}/${total} nodes${last}`,
    `  ${tree.arrivals} arrivals: ${tree.reached} first copies, ${tree.redundant} redundant (marked ×)`,
    '',
  ];
  const rows: string[][] = [];
  const byId = new Map(tree.nodes.map((node) => [node.node, node]));
  const walk = (node: TreeNode, lead: string, branch: string): void => {
    rows.push([`${lead}${branch}${node.node}`, formatAfter(node.afterMs), String(node.hop), describe(node)]);
    const inner = lead + (branch === '' ? '' : branch === '└─ ' ? '   ' : '│  ');
    const marker = node.children.length > 0 ? '│  ' : '   ';
    for (const copy of node.redundant) {
      const how = `redundant${copy.via === 'catch-up' ? ' (catch-up)' : ''}: ${formatPath(copy.path)}`;
      const label = `${inner}${marker}× from ${copy.from ?? '?'}`;
      rows.push([label, formatAfter(copy.afterMs), String(copy.hop), how]);
    }
    node.children.forEach((child, index) => {
      const next = byId.get(child);
      if (next !== undefined) walk(next, inner, index === node.children.length - 1 ? '└─ ' : '├─ ');
    });
  };
  const root = byId.get(tree.origin);
  if (root !== undefined) walk(root, '', '');
  // The tree left-aligned, times and hops right-aligned.
  const table = renderTable(['NODE', 'AFTER', 'HOP', 'HOW'], rows, [1, 2]);
  lines.push(...table.split('\n').map((row) => `  ${row}`));
  lines.push('', ...footer(report));
  return lines.join('\n').trimEnd();
}

function describe(node: TreeNode): string {
  if (node.afterMs === undefined) return 'held it, but did not answer (down or removed)';
  if (node.parent === undefined) return 'submitted here';
  const how = node.via === 'catch-up' ? ' by catch-up' : '';
  const hop = node.hopMs === undefined ? '' : `, ${formatMs(node.hopMs)} after ${node.parent} got it`;
  return `from ${node.parent}${how}${hop}`;
}

function formatAfter(ms: number | undefined): string {
  return ms === undefined ? '?' : `+${formatMs(ms)}`;
}

function footer(report: TraceReport): string[] {
  const lines: string[] = [];
  if (report.notReached.length > 0) lines.push(`  not reached: ${report.notReached.join(', ')}`);
  for (const { node, reason } of report.failed) lines.push(`  node ${node} did not answer: ${reason}`);
  if (report.removed.length > 0) lines.push(`  removed from the network: ${report.removed.join(', ')}`);
  if (report.others.length > 0) {
    lines.push(
      `  ${report.others.length} older message(s) have the same text; trace one by id: ${report.others.slice(0, 5).join(', ')}${report.others.length > 5 ? ', ...' : ''}`,
    );
  }
  return lines;
}
