// Turns one validated request into the reply a connection sends. The reference replies to /GET and
// /PEERS are bare JSON followed by a close; our own replies are one JSON line on a connection that stays open.

import { encodeError, encodeLine } from '../protocol/encode.js';
import { type WireError, wireError } from '../protocol/errors.js';
import type { Request } from '../protocol/requests.js';
import type { GossipNode, InboundConnection } from './gossip-node.js';

export interface Reply {
  text: string;
  /** Close the connection after this reply (reference /GET and /PEERS). */
  close: boolean;
  /** Turn the connection into an event stream (/EVENTS): the server's feed sends the snapshot. */
  subscribe?: true;
}

export function handleRequest(
  node: GossipNode,
  request: Request,
  connection: InboundConnection,
): Reply | Promise<Reply> | undefined {
  switch (request.type) {
    case 'new': {
      // The submitter hears back once the message is on disk here (and its relays went out).
      const { id, durable } = node.submit(request.text, request.relays);
      return durable.then(
        () => ({ text: encodeLine({ id, node: node.id }), close: false }),
        (error: Error) => ({
          text: encodeError(
            wireError('UNAVAILABLE', `message ${id} was relayed but not persisted: ${error.message}`),
          ),
          close: false,
        }),
      );
    }
    case 'relay': {
      const error = node.relay(request.id, request.path, request.relays, request.clock);
      return error === undefined ? undefined : refused(node, error);
    }
    case 'push': {
      const result = node.push(request);
      if ('code' in result) return refused(node, result);
      return {
        text: encodeLine({ push: { node: node.id, id: request.id, useful: result.useful } }),
        close: false,
      };
    }
    case 'pull': {
      const result = node.servePull(request.digest, request.exchange);
      if ('code' in result) return refused(node, result);
      return { text: encodeLine({ pull: result }), close: false };
    }
    case 'get':
      return { text: JSON.stringify(node.referenceListing(request.filter, request.paths)), close: true };
    case 'peers':
      return { text: JSON.stringify(node.referencePeers()), close: true };
    case 'hello': {
      node.registerInbound(connection, request.nodeId);
      if (request.address === undefined) {
        node.membership.heard(request.nodeId);
        return undefined;
      }
      const result = node.membership.hello(request.address, { home: request.home, join: request.join });
      return { text: encodeLine({ hello: { node: node.id, ...result } }), close: false };
    }
    case 'walk':
      node.membership.walk(request.ttl, request.origin, connection.peerId);
      return undefined;
    case 'ping':
      return undefined;
    case 'sync':
      return {
        text: encodeLine({ sync: node.serveSync(request.from, request.epoch, connection) }),
        close: false,
      };
    case 'remove':
      // The reference sends no reply; forgetting a node we do not know is not an error.
      node.membership.remove(request.nodeId);
      return undefined;
    case 'messages':
      return {
        text: encodeLine({
          node: node.id,
          messages: node.listMessages(request.filter, request.paths, request.peek),
        }),
        close: false,
      };
    case 'lookup':
      return {
        text: encodeLine({ node: node.id, messages: node.lookupMessages(request.query) }),
        close: false,
      };
    case 'events':
      return { text: '', close: false, subscribe: true };
    case 'stats': {
      const { rss, heapUsed } = process.memoryUsage();
      const memory = { rssBytes: rss, heapUsedBytes: heapUsed };
      return { text: encodeLine({ ...node.stats(process.pid), memory }), close: false };
    }
    case 'health':
      return {
        text: encodeLine({
          ok: true,
          node: node.id,
          pid: process.pid,
          uptimeMs: node.uptimeMs(),
          links: node.membership.linkStats(),
        }),
        close: false,
      };
    case 'auth':
      // Checked at the socket edge (server.ts), where the connection's state lives.
      return undefined;
  }
}

/** A request the node turned down: counted, and answered with its error line. */
export function refused(node: GossipNode, error: WireError): Reply {
  node.counters.addError(error.code);
  return { text: encodeError(error), close: false };
}
