// Keeps the dashboard subscribed to every node of the network (in the state file, or in the membership
// table of the node --via names): follows added nodes, stops following removed ones, and notices when the
// network is stopped or a new one starts in the home. A node that restarts is picked up by its follower,
// which reconnects by itself.

import { type EventFollower, followEvents } from '../client/event-stream.js';
import type { NetworkState, NodeEntry } from '../network/state.js';
import { formatHostPort } from '../protocol/address.js';
import type { DashboardHub } from './hub.js';
import type { NodeStatus } from './model/feed-events.js';

/** Reads the network now: undefined when there is none. */
export type NetworkSource = () => Promise<NetworkState | undefined>;

/** How often the network is read again. */
export const WATCH_INTERVAL_MS = 1_000;

export class NetworkWatch {
  private readonly followers = new Map<number, { follower: EventFollower; address: string }>();
  private startedAt: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private syncing = false;

  constructor(
    private readonly readNetwork: NetworkSource,
    private readonly hub: DashboardHub,
  ) {}

  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync(), WATCH_INTERVAL_MS);
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.unfollowAll();
  }

  private unfollowAll(): void {
    for (const { follower } of this.followers.values()) follower.close();
    this.followers.clear();
  }

  private async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      // A damaged or half-written state file (or a --via node that did not answer) is read again next time.
      const state = await this.readNetwork().catch(() => 'unreadable' as const);
      if (state === 'unreadable') return;
      if (state?.startedAt !== this.startedAt) {
        this.unfollowAll();
        this.startedAt = state?.startedAt;
        await this.hub.useNetwork(state);
      }
      if (state !== undefined) this.follow(state);
    } finally {
      this.syncing = false;
    }
  }

  private follow(state: NetworkState): void {
    for (const entry of state.nodes) {
      const address = formatHostPort(entry.host, entry.port);
      const known = this.followers.get(entry.id);
      if (entry.removed) {
        if (known !== undefined || this.hub.topology.get(entry.id) === undefined) {
          known?.follower.close();
          this.followers.delete(entry.id);
          this.status(entry, 'removed');
        }
        continue;
      }
      if (known !== undefined && known.address === address) continue;
      known?.follower.close();
      if (this.hub.topology.get(entry.id)?.status !== 'up') this.status(entry, 'connecting');
      const follower = followEvents(entry, {
        event: (event) => this.hub.ingest(event),
        lost: () => this.status(entry, 'down'),
      });
      this.followers.set(entry.id, { follower, address });
    }
  }

  private status(entry: NodeEntry, status: NodeStatus): void {
    const address = formatHostPort(entry.host, entry.port);
    this.hub.ingest({ event: 'node.status', node: entry.id, atMs: Date.now(), status, address });
  }
}
