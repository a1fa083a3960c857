// The dashboard's state, fed by every node's events: the live topology, message summaries (with their
// arrivals) and counters. Each event also goes to the event log and to the open pages. A new network in
// the same home starts everything afresh.

import path from 'node:path';
import type { HomePaths } from '../network/home.js';
import type { NetworkState } from '../network/state.js';
import type { Arrival } from '../propagation/tree.js';
import { makeGraph } from '../topology/graph.js';
import { layoutGraph } from '../topology/layout.js';
import { EventLog } from './event-log.js';
import type { DashboardState, NetworkInfo } from './model/dashboard-state.js';
import type { FeedEvent } from './model/feed-events.js';
import { LiveCounters } from './model/live-counters.js';
import { MessageIndex } from './model/message-index.js';
import { TopologyView } from './model/topology-view.js';
import type { PageStreams } from './page-streams.js';

/** Messages listed in a page's state. */
const STATE_MESSAGES = 100;
/** How often the pages get fresh counters. */
export const COUNTERS_INTERVAL_MS = 1_000;

export class DashboardHub {
  topology = new TopologyView();
  messages = new MessageIndex();
  private counters = new LiveCounters();
  private network: NetworkInfo | undefined;
  private positions: DashboardState['positions'] = {};
  private log: EventLog | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    /** The home it reports, and its event log file. */
    private readonly where: { home: string; eventLog: string },
    private readonly pages: PageStreams,
  ) {
    this.timer = setInterval(
      () => this.pages.broadcast('counters', this.countersNow()),
      COUNTERS_INTERVAL_MS,
    );
  }

  get eventLogFile(): string {
    return this.where.eventLog;
  }

  /** Switches to the network in the state file (or to none): fresh models, that network's event log. */
  async useNetwork(state: NetworkState | undefined): Promise<void> {
    if (state === undefined) {
      this.network = undefined;
      this.pages.broadcast('network', null);
      return;
    }
    await this.log?.close();
    this.log = await EventLog.open(this.eventLogFile, state.startedAt);
    this.topology = new TopologyView();
    this.messages = new MessageIndex();
    this.counters = new LiveCounters();
    // Messages of this network from before the dashboard started: listed, and replayable from the log.
    for await (const event of this.log.read()) this.messages.observe(event);
    this.network = {
      home: this.where.home,
      description: state.topology.description,
      seed: state.topology.seed,
      startedAt: state.startedAt,
      relays: state.relays,
      eventLog: this.eventLogFile,
    };
    this.positions = layoutPositions(state);
    this.pages.broadcast('network', this.network);
  }

  ingest(event: FeedEvent): void {
    this.topology.apply(event);
    this.messages.observe(event);
    this.counters.observe(event);
    this.log?.append(event);
    this.pages.push(event);
  }

  state(): DashboardState {
    return {
      network: this.network ?? null,
      topology: this.topology.toSnapshot(),
      positions: this.positions,
      messages: this.messages.recent(STATE_MESSAGES),
      counters: this.countersNow(),
    };
  }

  /** The arrivals of a message from memory or the event log; undefined if neither has it. */
  async arrivals(id: string): Promise<{ arrivals: Arrival[]; source: 'live' | 'event log' } | undefined> {
    const live = this.messages.arrivals(id);
    if (live !== undefined && live.length > 0) return { arrivals: [...live], source: 'live' };
    const logged = (await this.log?.arrivals(id)) ?? [];
    return logged.length > 0 ? { arrivals: logged, source: 'event log' } : undefined;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.log?.close();
    this.log = undefined;
  }

  private countersNow() {
    return this.counters.values(Date.now(), this.messages);
  }
}

export function eventLogFile(paths: HomePaths): string {
  return path.join(paths.logsDir, 'events.ndjson');
}

/** The picture start-network draws (topology.svg), for the nodes of the original topology. */
function layoutPositions(state: NetworkState): DashboardState['positions'] {
  const n = Math.max(0, ...state.topology.edges.flat());
  if (n === 0) return {};
  const points = layoutGraph(makeGraph(n, state.topology.edges), state.topology.seed);
  const positions: DashboardState['positions'] = {};
  points.forEach((point, id) => {
    if (id > 0 && point !== undefined) positions[id] = { x: point.x, y: point.y };
  });
  return positions;
}
