// A real GossipNode that is never started (no links are dialled, no timers run), for unit tests that drive
// its request handling, feed or journal hooks directly.

import { GossipNode, type GossipNodeOptions } from '../../src/node/gossip-node.js';

export function unstartedNode(options: Partial<GossipNodeOptions> = {}): GossipNode {
  return new GossipNode({
    self: { id: 1, host: '127.0.0.1', port: 1 },
    peers: [],
    membership: {
      maxPeers: 3,
      failureTimeoutMs: 1_500,
      heartbeatMs: 300,
      walkTtl: 5,
      link: {
        maxQueue: 10,
        backoffMinMs: 10,
        backoffMaxMs: 40,
        connectTimeoutMs: 1_000,
        random: Math.random,
      },
    },
    ...options,
  });
}
