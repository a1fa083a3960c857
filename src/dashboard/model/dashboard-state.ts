// What a page starts from (`/api/state`, and the first message of its event stream), and what it gets
// when it asks for one message or one node. Types only: shared by the dashboard server and the page.

import type { Arrival } from '../../propagation/tree.js';
import type { MessageView, StatsReply } from '../../protocol/replies.js';
import type { CounterValues } from './live-counters.js';
import type { MessageSummary } from './message-index.js';
import type { TopologySnapshot } from './topology-view.js';

export interface NetworkInfo {
  home: string;
  description: string;
  seed: number;
  startedAt: string;
  relays: number;
  eventLog: string;
}

export interface DashboardState {
  /** Null while no network runs from the home (it was stopped; a new one is picked up when it starts). */
  network: NetworkInfo | null;
  topology: TopologySnapshot;
  /** Where start-network's layout puts each original node, in the unit square (as in topology.svg). */
  positions: Record<string, { x: number; y: number }>;
  /** The newest messages, newest first. */
  messages: MessageSummary[];
  counters: CounterValues;
}

/** `/api/messages/<id>`: everything needed to replay one message. */
export interface MessageReplay {
  summary: MessageSummary | null;
  id: string;
  text: string;
  origin: number;
  submittedAtMs: number;
  arrivals: Arrival[];
  /** Where the arrivals came from: the dashboard's memory, its event log, or the nodes themselves. */
  source: 'live' | 'event log' | 'nodes';
}

/** `/api/nodes/<id>`: what the node says about itself (the same data as status and get-messages). */
export interface NodeDetails {
  id: number;
  stats: StatsReply | null;
  messages: MessageView[] | null;
  error: string | null;
}
