// The TCP edge of a node: frames each connection into lines, validates every line in one place
// (parseRequest), and writes replies. Nothing that arrives here can throw out of the socket loop.

import net from 'node:net';
import { encodeError } from '../protocol/encode.js';
import { wireError } from '../protocol/errors.js';
import { LineSplitter } from '../protocol/framing.js';
import { parseRequest } from '../protocol/requests.js';
import { EventFeed, MAX_SUBSCRIBERS } from './event-feed.js';
import type { GossipNode, InboundConnection } from './gossip-node.js';
import { handleRequest, type Reply } from './handle-request.js';

export interface ServerOptions {
  maxLineBytes: number;
  onInternalError(error: unknown, line: string): void;
}

export interface NodeServer {
  server: net.Server;
  /** Drops every open connection (peers keep theirs open, which would hold server.close() forever). */
  destroyConnections(): void;
}

export function createNodeServer(node: GossipNode, options: ServerOptions): NodeServer {
  const sockets = new Set<net.Socket>();
  const feed = new EventFeed(node);
  // allowHalfOpen: the reference client sends /NEW without a newline and half-closes; we still answer.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(node, feed, socket, options);
  });
  return {
    server,
    destroyConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

function serveConnection(
  node: GossipNode,
  feed: EventFeed,
  socket: net.Socket,
  options: ServerOptions,
): void {
  node.counters.add('connectionsAccepted');
  let closing = false;
  // An /EVENTS connection carries events only; what its client sends after that is ignored.
  let streaming = false;
  // Replies go out in request order, even when one waits for the disk (/NEW).
  let outbox: Promise<void> | undefined;
  const connection: InboundConnection = { peerId: undefined, destroy: () => socket.destroy() };
  const write = (text: string, close: boolean, subscribe = false): void => {
    if (closing || socket.destroyed) return;
    if (subscribe) {
      streaming = feed.add(socket);
      if (!streaming) {
        const busy = wireError('UNAVAILABLE', `this node already serves ${MAX_SUBSCRIBERS} event streams`);
        socket.write(encodeError(busy));
      }
    } else if (close) {
      closing = true;
      socket.end(text);
    } else {
      socket.write(text);
    }
  };
  const send = (reply: Reply | Promise<Reply>): void => {
    if (outbox === undefined && !(reply instanceof Promise)) {
      write(reply.text, reply.close, reply.subscribe);
      return;
    }
    const previous = outbox ?? Promise.resolve();
    const next = previous.then(() => reply).then((ready) => write(ready.text, ready.close, ready.subscribe));
    outbox = next;
    void next.finally(() => {
      if (outbox === next) outbox = undefined;
    });
  };
  const splitter = new LineSplitter(options.maxLineBytes, {
    onLine: (line) => {
      if (closing || streaming) return;
      node.counters.add('linesIn');
      if (connection.peerId !== undefined) node.membership.heard(connection.peerId);
      const parsed = parseRequest(line);
      if (!parsed.ok) {
        node.counters.addError(parsed.error.code);
        send({ text: encodeError(parsed.error), close: false });
        return;
      }
      try {
        const reply = handleRequest(node, parsed.request, connection);
        if (reply !== undefined) send(reply);
      } catch (error) {
        options.onInternalError(error, line);
        node.counters.addError('INTERNAL');
        send({
          text: encodeError(wireError('INTERNAL', 'internal error; the node logged it')),
          close: false,
        });
      }
    },
    onOversize: (bytes) => {
      node.counters.addError('LINE_TOO_LONG');
      const message = `line of ${bytes}+ bytes exceeds the ${options.maxLineBytes}-byte cap`;
      send({ text: encodeError(wireError('LINE_TOO_LONG', message)), close: false });
    },
  });
  socket.on('data', (chunk: Buffer) => {
    node.counters.add('bytesIn', chunk.length);
    splitter.push(chunk);
  });
  socket.on('end', () => {
    splitter.end();
    // After any reply still on its way (a /NEW waiting for the disk).
    send({ text: '', close: true });
  });
  socket.on('close', () => {
    node.unregisterInbound(connection);
    feed.remove(socket);
  });
  // A client that vanished mid-reply (EPIPE, ECONNRESET) is not our problem; never let it crash the node.
  socket.on('error', () => socket.destroy());
}
