// Watches the nodes while the nemesis works: every node's /EVENTS stream (peer lists, peer changes,
// catch-ups) turned into history records, and a liveness watch that notices a process the nemesis did not
// end. Sockets and timers live here; what the records mean is the checker's business.

import { type EventFollower, followEvents } from '../client/event-stream.js';
import { isAlive } from '../network/processes.js';
import type { NodeEntry } from '../network/state.js';
import type { NodeEvent } from '../protocol/events.js';
import type { ChaosCluster } from './cluster.js';
import type { HistoryRecord } from './history.js';

/** How often the liveness watch looks at the processes that should run. */
const LIVENESS_INTERVAL_MS = 250;

export class ChaosObserver {
  private readonly followers = new Map<number, EventFollower>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly record: (record: HistoryRecord) => void,
  ) {
    this.timer = setInterval(() => this.checkLiveness(), LIVENESS_INTERVAL_MS);
  }

  /** Follows a node's events (again, after it was removed and restarted, or added). */
  follow(entry: NodeEntry): void {
    this.followers.get(entry.id)?.close();
    this.followers.set(
      entry.id,
      followEvents(entry, {
        event: (event) => this.onEvent(event),
        // The follower reconnects by itself; the node's log covers what the gap misses.
        lost: () => {},
      }),
    );
  }

  unfollow(id: number): void {
    this.followers.get(id)?.close();
    this.followers.delete(id);
  }

  close(): void {
    clearInterval(this.timer);
    for (const follower of this.followers.values()) follower.close();
    this.followers.clear();
  }

  /** A process that should run (up, or stopped by the nemesis) and does not: it died by itself. */
  checkLiveness(): void {
    for (const { entry, status } of this.cluster.list()) {
      if ((status !== 'up' && status !== 'stopped') || isAlive(entry.pid)) continue;
      this.cluster.setStatus(entry.id, 'dead');
      this.record({ type: 'process', atMs: Date.now(), node: entry.id, pid: entry.pid, event: 'exited' });
    }
  }

  private onEvent(event: NodeEvent): void {
    const { node, atMs } = event;
    switch (event.event) {
      case 'snapshot':
        this.record({
          type: 'peers',
          atMs,
          node,
          source: 'events',
          peers: event.peers.map((peer) => peer.id).sort((a, b) => a - b),
        });
        return;
      case 'peer.added':
      case 'peer.dropped': {
        const change = event.event === 'peer.added' ? 'added' : 'dropped';
        this.record({
          type: 'peer',
          atMs,
          node,
          source: 'events',
          change,
          peer: event.peer,
          reason: event.reason,
        });
        return;
      }
      case 'sync.received':
        this.record({ type: 'sync', atMs, node, peer: event.peer, learned: event.learned });
        return;
      default:
        return;
    }
  }
}
