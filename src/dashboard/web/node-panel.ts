// The panel of a clicked node: what it says about itself (/STATS), its peers and link states, and its
// messages with every path (the same data as `gossip get-messages`, read without marking anything read).

import { originMs } from '../../propagation/from-listings.js';
import { describeFault, isNoFault } from '../../protocol/fault-spec.js';
import type { NodeDetails } from '../model/dashboard-state.js';
import type { NodeState } from '../model/topology-view.js';
import { h, ms, pathText } from './dom.js';

export function renderNodePanel(
  panel: HTMLElement,
  node: NodeState | undefined,
  details: NodeDetails | 'loading' | undefined,
  close: () => void,
): void {
  if (node === undefined) {
    panel.hidden = true;
    return;
  }
  panel.hidden = false;
  const parts: Node[] = [
    h('button', { class: 'close', text: '×', title: 'close', onClick: close }),
    h('h2', { text: `Node ${node.id}` }, [h('span', { class: 'muted', text: ` ${node.address}` })]),
  ];
  const facts = [`stream ${node.status}`];
  if (typeof details === 'object' && details.stats !== null) {
    facts.push(
      `pid ${details.stats.pid}`,
      `up ${Math.round(details.stats.uptimeMs / 1000)} s`,
      `${details.stats.messages} message${details.stats.messages === 1 ? '' : 's'}`,
    );
  }
  parts.push(h('div', { class: 'node-facts', text: facts.join(' · ') }));
  parts.push(h('h3', { text: `Peers (${node.peers.length})` }));
  parts.push(
    node.peers.length === 0
      ? h('div', {
          class: 'empty',
          text: node.status === 'removed' ? 'removed from the network' : 'no peers',
        })
      : h(
          'ul',
          { class: 'peer-list' },
          node.peers.map((peer) =>
            h('li', {}, [
              `Gossip-Node-${peer.id} (${peer.address})`,
              h('span', { class: `badge ${peer.state}`, text: peer.state }),
            ]),
          ),
        ),
  );
  const faults = describeNodeFaults(node);
  if (faults.length > 0) {
    parts.push(h('h3', { text: 'Faults (what it sends)' }));
    parts.push(
      h(
        'ul',
        { class: 'fault-list' },
        faults.map((text) => h('li', { text })),
      ),
    );
  }
  parts.push(h('h3', { text: 'Messages and their paths' }));
  if (details === 'loading' || details === undefined)
    parts.push(h('div', { class: 'empty', text: 'asking the node…' }));
  else if (details.error !== null) parts.push(h('div', { class: 'empty', text: details.error }));
  else if ((details.messages ?? []).length === 0)
    parts.push(h('div', { class: 'empty', text: '(no messages)' }));
  else {
    parts.push(
      h(
        'ul',
        { class: 'node-messages' },
        (details.messages ?? []).map((message) => {
          const submitted = originMs(message);
          return h('li', {}, [
            h('div', { class: 'text', text: `• ${message.text}` }),
            ...message.paths.map((record) =>
              h('div', {
                class: 'path',
                text: `↳ ${pathText(record.path)}  +${ms(record.atMs - submitted)}${record.via === 'catch-up' ? ' (catch-up)' : ''}`,
              }),
            ),
          ]);
        }),
      ),
    );
  }
  panel.replaceChildren(...parts);
}

/** `to 3: loss 30%`, `every other link: delay 100 ms`, `cut off from 5,6,7 (partition)`. */
function describeNodeFaults(node: NodeState): string[] {
  const faults = node.faults;
  if (faults === undefined) return [];
  return [
    ...faults.links.map((link) => `to ${link.peer}: ${link.description}`),
    ...(isNoFault(faults.all)
      ? []
      : [`${faults.links.length > 0 ? 'every other link' : 'every link'}: ${describeFault(faults.all)}`]),
    ...(faults.cut.length > 0 ? [`cut off from ${faults.cut.join(',')} (partition)`] : []),
  ];
}
