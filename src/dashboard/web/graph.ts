// The topology drawn with cytoscape: nodes where start-network's layout puts them, links up or down, new
// (repair) links highlighted for a while, faulted links dashed in the colour of their fault (described on
// hover), the sides of a partition tinted, and during a replay the copies that crossed each link so far.

import cytoscape from 'cytoscape';
import type { ReplayFrame } from '../../propagation/replay.js';
import {
  type DirectedFault,
  describeLinkFaults,
  type LinkState,
  type NodeState,
  type TopologyView,
} from '../model/topology-view.js';
import { ms } from './dom.js';

/** How long a link that appeared (repair, a node joining) stays highlighted. */
const FRESH_LINK_MS = 6_000;
/** Size of the drawing area the unit-square layout is scaled to. */
const WIDTH = 900;
const HEIGHT = 640;
/** Badges (the line under a node) sit this far below its centre. */
const BADGE_OFFSET = 30;

/** Halo colours of the sides of a partition (more sides than colours share them). */
const PARTITION_TINTS = ['#fab005', '#12b886', '#f06595', '#4c6ef5'];

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: 'node.gossip',
    style: {
      width: 36,
      height: 36,
      label: 'data(label)',
      'text-valign': 'center',
      'text-halign': 'center',
      'font-size': 14,
      'font-weight': 'bold',
      color: '#ffffff',
      'background-color': '#3b6ea8',
      'border-width': 2,
      'border-color': '#ffffff',
      'transition-property': 'background-color, border-color, border-width',
      'transition-duration': 0.25,
    },
  },
  { selector: 'node.gossip.connecting', style: { 'background-color': '#9aa5b1' } },
  { selector: 'node.gossip.down', style: { 'background-color': '#d64545' } },
  {
    selector: 'node.gossip.removed',
    style: {
      'background-color': '#eef0f2',
      'border-style': 'dashed',
      'border-color': '#8995a1',
      color: '#8995a1',
    },
  },
  { selector: 'node.gossip.reached', style: { 'background-color': '#2f9e44' } },
  // A node removed since still shows what it did in a replay, faded.
  { selector: 'node.gossip.removed.reached', style: { 'background-opacity': 0.45, color: '#1b5e20' } },
  { selector: 'node.gossip.origin', style: { 'border-color': '#1b5e20', 'border-width': 5 } },
  { selector: 'node.gossip.current', style: { 'border-color': '#f59f00', 'border-width': 6 } },
  {
    selector: 'node.gossip.selected',
    style: {
      'overlay-color': '#1f2f45',
      'overlay-opacity': 0.18,
      'overlay-padding': 7,
      'overlay-shape': 'ellipse',
    },
  },
  {
    selector: 'node.badge',
    style: {
      width: 1,
      height: 1,
      'background-opacity': 0,
      label: 'data(label)',
      'font-size': 11,
      color: '#41505f',
      'text-valign': 'center',
      'text-halign': 'center',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
      events: 'no',
    },
  },
  { selector: 'node.badge.reached', style: { color: '#1b5e20', 'font-weight': 'bold' } },
  {
    selector: 'edge.link',
    style: { width: 2, 'line-color': '#8a99ab', 'curve-style': 'straight', opacity: 0.9 },
  },
  { selector: 'edge.link.down', style: { 'line-color': '#d64545', 'line-style': 'dashed' } },
  { selector: 'edge.link.fresh', style: { 'line-color': '#7048e8', width: 4 } },
  {
    selector: 'edge.link.faulted',
    style: {
      width: 4,
      // Dash-dot, unlike the plain dashes of a link down or a redundant copy.
      'line-style': 'dashed',
      'line-dash-pattern': [10, 4, 2, 4],
      'font-size': 11,
      color: '#212529',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.9,
      'text-background-padding': '2px',
    },
  },
  { selector: 'edge.link.fault-loss', style: { 'line-color': '#c2255c' } },
  { selector: 'edge.link.fault-delay', style: { 'line-color': '#1c7ed6' } },
  { selector: 'edge.link.fault-rate', style: { 'line-color': '#0b7285' } },
  { selector: 'edge.link.fault-down', style: { 'line-color': '#212529', 'line-style': 'dotted' } },
  { selector: 'edge.link.faulted.hover', style: { label: 'data(fault)', 'z-index': 20 } },
  // The sides of a partition: a halo in the colour of the node's side.
  ...PARTITION_TINTS.map(
    (color, side): cytoscape.StylesheetJsonBlock => ({
      selector: `node.gossip.side-${side}`,
      style: {
        'underlay-color': color,
        'underlay-opacity': 0.4,
        'underlay-padding': 8,
        'underlay-shape': 'ellipse',
      },
    }),
  ),
  {
    selector: 'edge.copy',
    style: {
      width: 2,
      'line-color': '#f08c00',
      'line-style': 'dashed',
      'target-arrow-shape': 'triangle',
      'target-arrow-color': '#f08c00',
      'curve-style': 'bezier',
      'arrow-scale': 0.9,
    },
  },
  {
    selector: 'edge.copy.first',
    style: {
      width: 4,
      'line-color': '#2f9e44',
      'line-style': 'solid',
      'target-arrow-color': '#2f9e44',
    },
  },
  { selector: 'edge.copy.muted', style: { display: 'none' } },
  {
    selector: 'edge.copy.current',
    style: { width: 6, 'line-color': '#f59f00', 'target-arrow-color': '#f59f00', 'z-index': 10 },
  },
];

export interface GraphSnapshot {
  /** `at`: where the node is drawn, in page pixels relative to the graph's container. */
  nodes: Array<{ id: number; classes: string[]; badge: string; at: { x: number; y: number } }>;
  links: Array<{ key: string; classes: string[]; fault: string }>;
}

export class GraphView {
  private readonly cy: cytoscape.Core;
  private readonly freshUntil = new Map<string, number>();
  private synced = false;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  private replay: { frame: ReplayFrame; origin: number } | undefined;
  private selected: number | undefined;
  private redundantShown = true;

  constructor(container: HTMLElement, onSelect: (id: number) => void) {
    this.cy = cytoscape({
      container,
      style: STYLE,
      autoungrabify: true,
      boxSelectionEnabled: false,
      minZoom: 0.3,
      maxZoom: 3,
    });
    this.cy.on('tap', 'node.gossip', (event) => onSelect(Number(event.target.data('node'))));
    this.cy.on('mouseover', 'edge.faulted', (event) => event.target.addClass('hover'));
    this.cy.on('mouseout', 'edge.link', (event) => event.target.removeClass('hover'));
    window.addEventListener('resize', () => this.fit());
  }

  /** Brings the drawing up to date with the topology. */
  sync(view: TopologyView, positions: Record<string, { x: number; y: number }>): void {
    const nodes = view.list();
    const now = Date.now();
    this.cy.batch(() => {
      for (const node of nodes) this.placeNode(node, positions);
      const keep = new Set<string>();
      for (const link of view.links()) {
        const id = `l${link.key}`;
        keep.add(id);
        let edge = this.cy.getElementById(id);
        if (edge.empty()) {
          edge = this.cy.add({ group: 'edges', data: { id, source: `n${link.a}`, target: `n${link.b}` } });
          edge.addClass('link');
          if (this.synced) this.freshUntil.set(id, now + FRESH_LINK_MS);
        }
        edge.toggleClass('down', link.state === 'down');
        edge.toggleClass('fresh', (this.freshUntil.get(id) ?? 0) > now);
        paintFaults(edge, link);
      }
      const sides = view.partition() ?? [];
      for (const node of nodes) {
        const side = sides.findIndex((group) => group.includes(node.id));
        const element = this.cy.getElementById(`n${node.id}`);
        PARTITION_TINTS.forEach((_, tint) => {
          element.toggleClass(`side-${tint}`, side !== -1 && side % PARTITION_TINTS.length === tint);
        });
      }
      this.cy.edges('.link').forEach((edge) => {
        if (!keep.has(edge.id())) edge.remove();
      });
      this.paintReplay(view);
    });
    if (!this.synced && nodes.length > 0) {
      this.synced = true;
      this.fit();
    }
    // Fresh links fade back to normal even if nothing else changes.
    this.scheduleExpiry();
  }

  showReplay(frame: ReplayFrame | undefined, origin: number | undefined, view: TopologyView): void {
    this.replay = frame === undefined || origin === undefined ? undefined : { frame, origin };
    this.cy.batch(() => this.paintReplay(view));
  }

  /** Redundant copies make a busy picture: they can be hidden (the current step always shows). */
  showRedundant(shown: boolean, view: TopologyView): void {
    this.redundantShown = shown;
    this.cy.batch(() => this.paintReplay(view));
  }

  select(id: number | undefined): void {
    this.selected = id;
    this.cy.nodes('.gossip').forEach((node) => {
      node.toggleClass('selected', Number(node.data('node')) === id);
    });
  }

  /** What is drawn, for tests and debugging (window.dashboard.graph()). */
  snapshot(): GraphSnapshot {
    return {
      nodes: this.cy.nodes('.gossip').map((node) => ({
        id: Number(node.data('node')),
        classes: node.classes(),
        badge: String(this.cy.getElementById(`b${node.data('node')}`).data('label') ?? ''),
        at: node.renderedPosition(),
      })),
      links: this.cy.edges('.link').map((edge) => ({
        key: edge.id().slice(1),
        classes: edge.classes(),
        fault: String(edge.data('fault') ?? ''),
      })),
    };
  }

  fit(): void {
    this.cy.resize();
    this.cy.fit(undefined, 40);
  }

  private placeNode(node: NodeState, positions: Record<string, { x: number; y: number }>): void {
    const id = `n${node.id}`;
    let element = this.cy.getElementById(id);
    if (element.empty()) {
      const at = this.positionFor(node, positions);
      element = this.cy.add({
        group: 'nodes',
        data: { id, node: node.id, label: String(node.id) },
        position: at,
      });
      element.addClass('gossip');
      const badge = this.cy.add({
        group: 'nodes',
        data: { id: `b${node.id}`, label: '' },
        position: { x: at.x, y: at.y + BADGE_OFFSET },
      });
      badge.addClass('badge');
      badge.unselectify();
    }
    for (const status of ['connecting', 'up', 'down', 'removed'] as const)
      element.toggleClass(status, node.status === status);
    element.toggleClass('selected', node.id === this.selected);
  }

  /** An original node takes its layout position; a node that joined later goes next to its peers. */
  private positionFor(
    node: NodeState,
    positions: Record<string, { x: number; y: number }>,
  ): cytoscape.Position {
    const known = positions[String(node.id)];
    if (known !== undefined) return { x: known.x * WIDTH, y: known.y * HEIGHT };
    const around = node.peers
      .map((peer) => this.cy.getElementById(`n${peer.id}`))
      .filter((element) => !element.empty())
      .map((element) => element.position());
    const angle = node.id * 2.399;
    if (around.length === 0)
      return {
        x: WIDTH / 2 + Math.cos(angle) * WIDTH * 0.62,
        y: HEIGHT / 2 + Math.sin(angle) * HEIGHT * 0.62,
      };
    const x = around.reduce((sum, point) => sum + point.x, 0) / around.length;
    const y = around.reduce((sum, point) => sum + point.y, 0) / around.length;
    return { x: x + Math.cos(angle) * 70, y: y + Math.sin(angle) * 70 };
  }

  private paintReplay(view: TopologyView): void {
    const replay = this.replay;
    for (const node of view.list()) {
      const element = this.cy.getElementById(`n${node.id}`);
      const badge = this.cy.getElementById(`b${node.id}`);
      const reachedMs = replay?.frame.reached.get(node.id);
      element.toggleClass('reached', reachedMs !== undefined);
      element.toggleClass('origin', replay?.origin === node.id);
      element.toggleClass('current', replay?.frame.current?.node === node.id);
      badge.toggleClass('reached', reachedMs !== undefined);
      const label =
        replay === undefined
          ? node.status === 'removed'
            ? 'removed'
            : `${node.messages} msg${node.messages === 1 ? '' : 's'}`
          : reachedMs === undefined
            ? ''
            : `+${ms(reachedMs)}`;
      badge.data('label', label);
    }
    const keep = new Set<string>();
    const current = replay?.frame.current;
    for (const copy of replay?.frame.crossed.values() ?? []) {
      const id = `c${copy.from}-${copy.to}`;
      keep.add(id);
      let edge = this.cy.getElementById(id);
      if (edge.empty()) {
        if (this.cy.getElementById(`n${copy.from}`).empty() || this.cy.getElementById(`n${copy.to}`).empty())
          continue;
        edge = this.cy.add({ group: 'edges', data: { id, source: `n${copy.from}`, target: `n${copy.to}` } });
        edge.addClass('copy');
      }
      const isCurrent = current?.from === copy.from && current.node === copy.to;
      edge.toggleClass('first', copy.first);
      edge.toggleClass('current', isCurrent);
      edge.toggleClass('muted', !copy.first && !isCurrent && !this.redundantShown);
    }
    this.cy.edges('.copy').forEach((edge) => {
      if (!keep.has(edge.id())) edge.remove();
    });
  }

  /** One timer at a time, due when the earliest fresh link fades (a sync runs ten times a second). */
  private scheduleExpiry(): void {
    if (this.expiryTimer !== undefined || this.freshUntil.size === 0) return;
    const due = Math.min(...this.freshUntil.values()) - Date.now() + 50;
    this.expiryTimer = setTimeout(
      () => {
        this.expiryTimer = undefined;
        this.expireFresh();
        this.scheduleExpiry();
      },
      Math.max(0, due),
    );
  }

  private expireFresh(): void {
    const now = Date.now();
    for (const [id, until] of this.freshUntil) {
      if (until > now) continue;
      this.freshUntil.delete(id);
      this.cy.getElementById(id).removeClass('fresh');
    }
  }
}

/** A faulted link: dashed, in the colour of its worst fault; its description (per direction) on hover. */
function paintFaults(edge: cytoscape.EdgeSingular, link: LinkState): void {
  const worst = FAULT_ORDER.find((kind) => link.faults.some((fault) => fault.kind === kind));
  edge.toggleClass('faulted', worst !== undefined);
  for (const kind of FAULT_ORDER) edge.toggleClass(`fault-${kind}`, kind === worst);
  edge.data('fault', describeLinkFaults(link));
}

/** The fault a link is coloured by when its directions differ. */
const FAULT_ORDER: ReadonlyArray<DirectedFault['kind']> = ['down', 'loss', 'delay', 'rate'];
