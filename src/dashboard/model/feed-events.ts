// What the dashboard passes on to the page and keeps in its event log: every node's events, plus the
// dashboard's own view of each node's stream (connected, lost, removed).

import type { NodeEvent } from '../../protocol/events.js';

/** How the dashboard sees a node: its event stream is live, being (re)connected, lost, or removed for good. */
export type NodeStatus = 'connecting' | 'up' | 'down' | 'removed';

export interface NodeStatusEvent {
  event: 'node.status';
  node: number;
  atMs: number;
  status: NodeStatus;
  address: string;
}

export type FeedEvent = NodeEvent | NodeStatusEvent;
