// The header (network, connection, faults in force, counters) and the list of messages.

import type { NetworkInfo } from '../model/dashboard-state.js';
import type { CounterValues } from '../model/live-counters.js';
import type { MessageSummary } from '../model/message-index.js';
import { describeLinkFaults, type TopologyView } from '../model/topology-view.js';
import { byId, h, ms } from './dom.js';

export type Connection = 'live' | 'connecting' | 'none';

export function renderHeader(network: NetworkInfo | null, view: TopologyView, connection: Connection): void {
  const nodes = view.list().filter((node) => node.status !== 'removed');
  const up = nodes.filter((node) => node.status === 'up').length;
  const removed = view.list().length - nodes.length;
  byId('network').textContent =
    network === null
      ? 'no network is running in this home (start one with gossip start-network)'
      : `${network.description} · seed ${network.seed} · ${up}/${nodes.length} nodes up${removed > 0 ? ` · ${removed} removed` : ''} · relays ${network.relays}`;
  const badge = byId('connection');
  badge.className = `connection ${network === null ? 'none' : connection}`;
  badge.textContent = network === null ? 'no network' : connection === 'live' ? 'live' : 'reconnecting';
}

/** Links faulted one by one in the banner; beyond, only how many (the graph shows them all). */
const FAULTS_LISTED = 4;

/** The banner under the network line: the partition's sides and the faulted links, while any are in force. */
export function renderFaults(view: TopologyView): void {
  const sides = view.partition();
  const faulted = view.links().filter((link) => link.faults.length > 0);
  const listed = faulted.slice(0, FAULTS_LISTED).map((link) => `${link.key} ${describeLinkFaults(link)}`);
  const parts = [
    ...(sides === undefined
      ? []
      : [`partition ${sides.map((side) => `{${side.join(',')}}`).join(' | ')}: links across are cut`]),
    ...(faulted.length === 0
      ? []
      : [
          `${faulted.length} faulted link${faulted.length === 1 ? '' : 's'}: ${listed.join(', ')}${faulted.length > FAULTS_LISTED ? ', …' : ''}`,
        ]),
  ];
  const banner = byId('faults');
  banner.hidden = parts.length === 0;
  banner.textContent = parts.join(' · ');
}

export function renderCounters(counters: CounterValues): void {
  byId('c-rate').textContent = counters.messagesPerSecond.toFixed(1);
  byId('c-relays').textContent =
    counters.relaysPerMessage === undefined ? '–' : counters.relaysPerMessage.toFixed(1);
  const newest = counters.newest;
  byId('c-ldh').textContent = newest?.last === undefined ? '–' : String(newest.last.hop);
  byId('c-newest').textContent =
    newest === undefined
      ? '–'
      : `${newest.reached} node${newest.reached === 1 ? '' : 's'} in ${newest.last === undefined ? '–' : ms(newest.last.afterMs)}`;
  byId('c-newest-label').textContent = newest === undefined ? 'newest message' : `newest: “${newest.text}”`;
}

export function renderMessages(
  list: HTMLElement,
  messages: readonly MessageSummary[],
  selected: string | undefined,
  pick: (id: string) => void,
): void {
  if (messages.length === 0) {
    list.replaceChildren(h('li', { class: 'empty', text: 'no messages yet: send one above' }));
    return;
  }
  list.replaceChildren(
    ...messages.map((message) =>
      h(
        'li',
        {
          class: message.id === selected ? 'selected' : '',
          data: { id: message.id },
          title: message.id,
          onClick: () => pick(message.id),
        },
        [
          h('span', { class: 'text', text: message.text }),
          h('span', { class: 'reach', text: `${message.reached} nodes`, title: 'nodes that recorded it' }),
          h('span', {
            class: 'meta',
            text: `from node ${message.origin} · ${new Date(message.submittedAtMs).toLocaleTimeString()} · ${message.arrivals} arrivals, ${message.relayLines} relays${message.last === undefined ? '' : ` · last +${ms(message.last.afterMs)} at hop ${message.last.hop}`}`,
          }),
        ],
      ),
    ),
  );
}
