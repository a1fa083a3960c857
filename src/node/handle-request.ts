// Turns one validated request into the reply a connection sends. The reference replies to /GET and
// /PEERS are bare JSON followed by a close; our own replies are one JSON line on a connection that stays open.
// Peer-only commands are taken only on a peer's own link, and relays only with that peer as the last hop,
// so every recorded path ends with the node that really delivered it.

import { encodeError, encodeLine } from '../protocol/encode.js';
import { type WireError, type WireErrorCode, wireError } from '../protocol/errors.js';
import type { MessageView } from '../protocol/replies.js';
import type { Request } from '../protocol/request-types.js';
import type { GossipNode } from './gossip-node.js';
import type { HelloAnswer } from './handshake.js';
import type { InboundConnection } from './inbound-links.js';
import { jsonChunks } from './reply-stream.js';

export interface Reply {
  /** The reply, or its first part when `rest` follows. */
  text: string;
  /** The rest of a reply that grows with the store, a piece at a time (see reply-stream.ts). */
  rest?: Iterator<string>;
  /** Close the connection after this reply (reference /GET and /PEERS). */
  close: boolean;
  /** Turn the connection into an event stream (/EVENTS): the server's feed sends the snapshot. */
  subscribe?: true;
  /** The request was turned down with this code (the text is its error line). */
  refusal?: WireErrorCode;
  /** Runs once the reply has been handed to the socket. */
  after?: () => void;
}

export function handleRequest(
  node: GossipNode,
  request: Request,
  connection: InboundConnection,
): Reply | Promise<Reply> | undefined {
  switch (request.type) {
    case 'new': {
      // The submitter hears back once the message's record is kept here as the fsync policy says, in the
      // same turn as its relays (at once, ahead of them, when there is no fdatasync to wait for).
      const { id, durable } = node.submit(request.text, request.relays);
      const accepted = (): Reply => ({ text: encodeLine({ id, node: node.id }), close: false });
      if (durable === undefined) return accepted();
      return durable.then(accepted, (error: Error) => ({
        text: encodeError(
          wireError('UNAVAILABLE', `message ${id} was relayed but not persisted: ${error.message}`),
        ),
        close: false,
      }));
    }
    case 'relay': {
      const error =
        notAPeer(node, connection, request.path.at(-1)) ??
        node.relay(request.id, request.path, request.relays, request.clock, request.idJson, request.pathText);
      return error === undefined ? undefined : refused(node, error);
    }
    case 'push': {
      const denied = notAPeer(node, connection, request.path.at(-1));
      if (denied !== undefined) return refused(node, denied);
      const result = node.push(request);
      if ('code' in result) return refused(node, result);
      return {
        text: encodeLine({ push: { node: node.id, id: request.id, useful: result.useful } }),
        close: false,
      };
    }
    case 'pull': {
      const denied = notAPeer(node, connection);
      if (denied !== undefined) return refused(node, denied);
      const result = node.servePull(request.digest, request.exchange);
      if ('code' in result) return refused(node, result);
      return { text: encodeLine({ pull: result }), close: false };
    }
    case 'get': {
      // The reference bytes: one JSON object, no newline, then the close.
      const entries = node.referenceListing(request.filter, request.paths);
      const entry = ([id, paths]: [string, number[][]]) => `${JSON.stringify(id)}:${JSON.stringify(paths)}`;
      return streamed(
        jsonChunks('{', entries, entry, () => '}'),
        true,
      );
    }
    case 'peers':
      return { text: JSON.stringify(node.referencePeers()), close: true };
    case 'hello': {
      const { address, home, join } = request;
      const answer = node.hello(address, { home, join }, connection);
      const reply = (result: HelloAnswer): Reply => ({
        text: encodeLine({ hello: { node: node.id, ...result } }),
        close: false,
      });
      return answer instanceof Promise ? answer.then(reply) : reply(answer);
    }
    case 'verify':
      // Sent by a node checking our HELLO back, on a connection of its own: the answer goes on our link.
      node.verify(request.asker, request.nonce);
      return undefined;
    case 'prove':
      return node.proved(request.nonce, connection)
        ? undefined
        : refused(node, wireError('BAD_ARGUMENT', 'no HELLO on this connection waits for this proof'));
    case 'walk': {
      const denied = notAPeer(node, connection);
      if (denied !== undefined) return refused(node, denied);
      node.membership.walk(request.ttl, request.origin, connection.peerId);
      return undefined;
    }
    case 'ping':
      // A sign of life only on a peer's link (the server counts it there); nothing to answer.
      return undefined;
    case 'sync': {
      const denied = notAPeer(node, connection);
      if (denied !== undefined) return refused(node, denied);
      return {
        text: encodeLine({ sync: node.serveSync(request.from, request.epoch, connection) }),
        close: false,
      };
    }
    case 'remove': {
      // The reference sends no reply; forgetting a node we do not know is not an error. Only the node itself,
      // on its own link, makes its removal final (it leaves); anyone else's /REMOVE lets it link again.
      const byItself = connection.peerId === request.nodeId;
      node.membership.remove(request.nodeId, byItself);
      if (byItself) node.members.left(request.nodeId);
      return undefined;
    }
    case 'gossip': {
      const denied = notAPeer(node, connection);
      if (denied !== undefined) return refused(node, denied);
      node.counters.add('gossipLinesIn');
      node.counters.add('peerErrors', request.refused);
      // notAPeer saw to it that the connection is a peer's link.
      node.members.receive(connection.peerId as number, request.entries);
      return undefined;
    }
    case 'members':
      return streamed(
        jsonChunks(
          `{"members":{"node":${node.id},"members":[`,
          node.memberViews(),
          encodeJson,
          () => ']}}\n',
        ),
        false,
      );
    case 'splice': {
      const denied = notAdmin(connection);
      if (denied !== undefined) return refused(node, denied);
      node.membership.splice(request.old, request.peer);
      const spliced = { node: node.id, dropped: request.old, peer: request.peer.id };
      return { text: encodeLine({ spliced }), close: false };
    }
    case 'fault': {
      const denied = notAdmin(connection) ?? faultsForbidden(node);
      if (denied !== undefined) return refused(node, denied);
      const faults = node.setFault(request.target, request.fault, request.seed);
      return { text: encodeLine({ faults: { node: node.id, ...faults } }), close: false };
    }
    case 'partition': {
      const denied = notAdmin(connection) ?? faultsForbidden(node);
      if (denied !== undefined) return refused(node, denied);
      return {
        text: encodeLine({ faults: { node: node.id, ...node.partition(request.cut) } }),
        close: false,
      };
    }
    case 'faults':
      return { text: encodeLine({ faults: { node: node.id, ...node.faults.view() } }), close: false };
    case 'leave': {
      const denied = notAdmin(connection);
      if (denied !== undefined) return refused(node, denied);
      const told = node.leave();
      return {
        text: encodeLine({ left: { node: node.id, told } }),
        close: true,
        after: () => node.events.emit('node.left', { told }),
      };
    }
    case 'messages':
      return listingReply(node.id, node.listMessages(request.filter, request.paths, request.peek));
    case 'lookup':
      return listingReply(node.id, node.lookupMessages(request.query));
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

/** A reply made a piece at a time. */
function streamed(pieces: Iterator<string>, close: boolean): Reply {
  return { text: '', rest: pieces, close };
}

/** `{"node": N, "messages": [...]}` and a newline, the messages made as the socket drains. */
function listingReply(node: number, messages: Iterable<MessageView>): Reply {
  return streamed(
    jsonChunks(`{"node":${node},"messages":[`, messages, encodeJson, () => ']}\n'),
    false,
  );
}

const encodeJson = (value: unknown): string => JSON.stringify(value);

/** A request the node turned down: counted, and answered with its error line. */
export function refused(node: GossipNode, error: WireError): Reply {
  node.counters.addError(error.code);
  return { text: encodeError(error), close: false, refusal: error.code };
}

/**
 * Why a peer-only command is refused on this connection, if it is: it must be a current peer's own link
 * (checked HELLO, or the cluster key), and a relay's last hop must be that peer.
 */
function notAPeer(node: GossipNode, connection: InboundConnection, lastHop?: number): WireError | undefined {
  const peer = connection.peerId;
  if (peer === undefined)
    return wireError(
      'NOT_A_PEER',
      'this connection is no peer link: a node says /HELLO (checked back) first',
    );
  if (lastHop !== undefined && lastHop !== peer)
    return wireError('NOT_A_PEER', `the path ends with ${lastHop}, but this is node ${peer}'s link`);
  if (!node.membership.has(peer)) return wireError('NOT_A_PEER', `node ${peer} is not a peer of this node`);
  return undefined;
}

/** Fault requests are taken only by a node started to take them (--allow-faults; start-network passes it). */
function faultsForbidden(node: GossipNode): WireError | undefined {
  if (node.allowFaults) return undefined;
  return wireError('FORBIDDEN', 'this node takes no fault requests: start it with --allow-faults');
}

/**
 * Administrative commands (leaving the cluster): with a cluster key the connection has authenticated (the
 * guard saw to that); without one they are taken only from this machine.
 */
function notAdmin(connection: InboundConnection): WireError | undefined {
  if (connection.authenticated || connection.fromLoopback) return undefined;
  return wireError(
    'FORBIDDEN',
    'without a cluster key this node takes administrative commands only over loopback (127.0.0.0/8, ::1)',
  );
}
