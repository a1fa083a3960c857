// The propagation tree of the message being replayed, as nested lists: each node under the node that
// delivered its first copy, with ms after submission and the hop's own time; redundant copies marked ×.
// Entries light up as the replay reaches them.

import type { ReplayFrame } from '../../propagation/replay.js';
import type { PropagationTree, TreeNode } from '../../propagation/tree.js';
import { h, ms, pathText } from './dom.js';

export function renderTree(
  container: HTMLElement,
  tree: PropagationTree | undefined,
  frame: ReplayFrame,
): void {
  if (tree === undefined || tree.nodes.length === 0) {
    container.replaceChildren(h('div', { class: 'empty', text: 'no arrivals recorded yet' }));
    return;
  }
  const byId = new Map(tree.nodes.map((node) => [node.node, node]));
  // A copy has happened once the replay got to its time.
  const happened = (afterMs: number): boolean =>
    frame.current !== undefined && afterMs <= frame.current.afterMs;
  const item = (node: TreeNode): HTMLLIElement => {
    const reached = frame.reached.has(node.node);
    const current = frame.current?.node === node.node && frame.current.first;
    const how =
      node.afterMs === undefined
        ? ' did not answer (down or removed)'
        : node.parent === undefined
          ? ' submitted here'
          : ` from ${node.parent}${node.via === 'catch-up' ? ' by catch-up' : ''}${node.hopMs === undefined ? '' : `, hop ${node.hop} took ${ms(node.hopMs)}`}`;
    const entry = h(
      'div',
      {
        class: `entry${reached ? ' reached' : ''}${current ? ' current' : ''}`,
        data: { node: String(node.node) },
      },
      [
        h('span', { class: 'id', text: String(node.node) }),
        h('span', { class: 'time', text: node.afterMs === undefined ? '?' : `+${ms(node.afterMs)}` }),
        how,
      ],
    );
    const copies = node.redundant.map((copy) =>
      h('div', {
        class: `copy${happened(copy.afterMs) ? '' : ' pending'}`,
        text: `× +${ms(copy.afterMs)} from ${copy.from ?? '?'}: ${pathText(copy.path)}`,
        title: 'a redundant copy: the node already had the message',
      }),
    );
    const children = node.children.map((child) => byId.get(child)).filter((child) => child !== undefined);
    const list = children.length > 0 ? [h('ul', {}, children.map(item))] : [];
    return h('li', {}, [entry, ...copies, ...list]);
  };
  const root = byId.get(tree.origin);
  container.replaceChildren(
    root === undefined ? h('div', { class: 'empty', text: 'origin unknown' }) : h('ul', {}, [item(root)]),
  );
  const current = container.querySelector('.entry.current');
  if (current instanceof HTMLElement) current.scrollIntoView({ block: 'nearest' });
}
