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
  events.on('peer.added', ({ peer, address, reason }) =>
    logger.info({ peer, address, reason }, 'peer.added'),
  );
  events.on('peer.dropped', ({ peer, address, reason }) =>
    logger.warn({ peer, address, reason }, 'peer.dropped'),
  );
  events.on('link.overflow', ({ peer, dropped }) => logger.warn({ peer, dropped }, 'peer.queue-overflow'));
  events.on('link.auth-refused', ({ peer, line }) =>
    logger.warn({ peer, reply: line.slice(0, 500) }, 'peer.auth-refused'),
  );
  events.on('peer.reply', ({ peer, line }) =>
    logger.warn({ peer, reply: line.slice(0, 500) }, 'peer.rejected-line'),
  );
  // A stranger can send HELLOs as fast as its rate limit allows: a few lines a second say enough.
  const helloRefused = throttled(5, (fields: Record<string, unknown>) =>
    logger.warn(fields, 'hello.refused'),
  );
  events.on('hello.refused', (refusal) => helloRefused(refusal));
  events.on('sync.received', ({ peer, learned, more }) => {
    if (learned > 0) logger.info({ peer, learned, more }, 'sync.caught-up');
  });
  if (!logger.isLevelEnabled('debug')) return;
  events.on('message.delivered', ({ id, path, first, via }) =>
    logger.debug({ msgId: id, path, hops: path.length - 1, first, via }, 'message.delivered'),
  );
  events.on('message.relayed', ({ id, to }) => logger.debug({ msgId: id, to }, 'message.relayed'));
  events.on('relay.over-limit', ({ id, sender }) => logger.debug({ msgId: id, sender }, 'relay.over-limit'));
}

/** At most `perSecond` calls a second; the next one that passes carries how many were left out. */
export function throttled<Fields extends object>(
  perSecond: number,
  write: (fields: Fields & { suppressed?: number }) => void,
): (fields: Fields) => void {
  let windowStartMs = 0;
  let written = 0;
  let suppressed = 0;
  return (fields) => {
    const now = performance.now();
    if (now - windowStartMs >= 1_000) {
      windowStartMs = now;
      written = 0;
    }
    if (written >= perSecond) {
      suppressed += 1;
      return;
    }
    written += 1;
    write(suppressed > 0 ? { ...fields, suppressed } : fields);
    suppressed = 0;
  };
}
