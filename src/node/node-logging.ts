// Subscribes a node's events to its logger: one NDJSON line per event, event name in `msg`.
// Per-message events are at debug level so a busy node does not spend its time logging.

import type { Logger } from 'pino';
import type { GossipNode } from './gossip-node.js';

export function attachNodeLogging(node: GossipNode, logger: Logger): void {
  const { events } = node;
  events.on('message.accepted', ({ id, relays }) => logger.info({ msgId: id, relays }, 'message.accepted'));
  events.on('link.up', ({ peer, address }) => logger.info({ peer, address }, 'peer.connected'));
  events.on('link.down', ({ peer, address, reason, wasUp }) => {
    if (wasUp) logger.warn({ peer, address, reason }, 'peer.disconnected');
    else logger.debug({ peer, address, reason }, 'peer.connect-failed');
  });
  events.on('link.overflow', ({ peer, dropped }) => logger.warn({ peer, dropped }, 'peer.queue-overflow'));
  events.on('peer.reply', ({ peer, line }) =>
    logger.warn({ peer, reply: line.slice(0, 500) }, 'peer.rejected-relay'),
  );
  events.on('peer.removed', ({ peer }) => logger.info({ peer }, 'peer.removed'));
  if (!logger.isLevelEnabled('debug')) return;
  events.on('message.delivered', ({ id, path, first }) =>
    logger.debug({ msgId: id, path, hops: path.length - 1, first }, 'message.delivered'),
  );
  events.on('message.relayed', ({ id, to }) => logger.debug({ msgId: id, to }, 'message.relayed'));
  events.on('relay.over-limit', ({ id, sender }) => logger.debug({ msgId: id, sender }, 'relay.over-limit'));
}
