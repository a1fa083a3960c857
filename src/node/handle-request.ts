// Turns one validated request into the reply a connection sends. The reference replies to /GET and
// /PEERS are bare JSON followed by a close; our own replies are one JSON line on a connection that stays open.

import { encodeError, encodeLine } from '../protocol/replies.js';
import type { Request } from '../protocol/requests.js';
import type { GossipNode } from './gossip-node.js';

export interface Reply {
  text: string;
  /** Close the connection after this reply (reference /GET and /PEERS). */
  close: boolean;
}

export function handleRequest(node: GossipNode, request: Request): Reply | undefined {
  switch (request.type) {
    case 'new':
      return {
        text: encodeLine({ id: node.submit(request.text, request.relays), node: node.id }),
        close: false,
      };
    case 'relay': {
      const error = node.relay(request.id, request.path, request.relays);
      if (error === undefined) return undefined;
      node.counters.addError(error.code);
      return { text: encodeError(error), close: false };
    }
    case 'get':
      return { text: JSON.stringify(node.referenceListing(request.filter, request.paths)), close: true };
    case 'peers':
      return { text: JSON.stringify(node.referencePeers()), close: true };
    case 'hello':
      node.greeted(request.nodeId);
      return undefined;
    case 'remove':
      // The reference sends no reply; dropping a peer we do not have is not an error.
      node.removePeer(request.nodeId);
      return undefined;
    case 'messages':
      return {
        text: encodeLine({ node: node.id, messages: node.listMessages(request.filter, request.paths) }),
        close: false,
      };
    case 'stats':
      return { text: encodeLine(node.stats(process.pid)), close: false };
    case 'health':
      return {
        text: encodeLine({
          ok: true,
          node: node.id,
          pid: process.pid,
          uptimeMs: node.uptimeMs(),
          links: node.linksUp(),
        }),
        close: false,
      };
  }
}
