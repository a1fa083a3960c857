// The TCP edge of a node: frames each connection into lines, validates every line in one place
// (parseRequest), and writes replies. Nothing that arrives here can throw out of the socket loop, and
// nothing a connection does can make the node hold unbounded memory: connections are capped, idle clients
// are closed, client request rates are limited, and a connection that does not read its replies is not
// read from until it does.

import net from 'node:net';
import { encodeError } from '../protocol/encode.js';
import { type WireError, wireError } from '../protocol/errors.js';
import { LineSplitter } from '../protocol/framing.js';
import type { ParseResult } from '../protocol/requests.js';
import type { ClusterAuth } from './cluster-auth.js';
import { ConnectionGuard } from './connection-guard.js';
import { EventFeed, MAX_SUBSCRIBERS } from './event-feed.js';
import type { GossipNode, InboundConnection } from './gossip-node.js';
import { handleRequest, type Reply, refused } from './handle-request.js';
import type { ConnectionLimits } from './limits.js';

export interface ServerOptions {
  maxLineBytes: number;
  limits: ConnectionLimits;
  /** The node's request parser (its limits built in). */
  parse(line: string): ParseResult;
  /** Present on a node with a cluster key. */
  auth: ClusterAuth | undefined;
  onInternalError(error: unknown, line: string): void;
}

export interface NodeServer {
  server: net.Server;
  /** Drops every open connection (peers keep theirs open, which would hold server.close() forever). */
  destroyConnections(): void;
}

/** A refused or closing connection that does not read our last line is dropped after this long. */
const LINGER_MS = 1_000;

export function createNodeServer(node: GossipNode, options: ServerOptions): NodeServer {
  const sockets = new Set<net.Socket>();
  const feed = new EventFeed(node);
  // allowHalfOpen: the reference client sends /NEW without a newline and half-closes; we still answer.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    if (sockets.size >= options.limits.maxConnections) {
      refuseConnection(node, socket, options.limits.maxConnections);
      return;
    }
    sockets.add(socket);
    node.counters.add('connectionsOpen');
    socket.on('close', () => {
      sockets.delete(socket);
      node.counters.add('connectionsOpen', -1);
    });
    serveConnection(node, feed, socket, options);
  });
  return {
    server,
    destroyConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

function refuseConnection(node: GossipNode, socket: net.Socket, max: number): void {
  node.counters.add('connectionsRefused');
  socket.on('error', () => socket.destroy());
  socket.on('end', () => socket.destroy());
  socket.resume();
  const message = `this node is serving its maximum of ${max} connections; try again later`;
  socket.end(encodeError(wireError('TOO_MANY_CONNECTIONS', message)));
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

function serveConnection(
  node: GossipNode,
  feed: EventFeed,
  socket: net.Socket,
  options: ServerOptions,
): void {
  node.counters.add('connectionsAccepted');
  const { limits } = options;
  const guard = new ConnectionGuard({
    auth: options.auth,
    maxRequestsPerSecond: limits.maxRequestsPerSecond,
    now: () => performance.now(),
  });
  let closing = false;
  // An /EVENTS connection carries events only; what its client sends after that is ignored.
  let streaming = false;
  // Replies go out in request order, even when one waits for the disk (/NEW).
  let outbox: Promise<void> | undefined;
  // While the client does not read its replies we do not read from it; what the last read held waits here.
  let paused = false;
  const backlog: Array<() => void> = [];
  const connection: InboundConnection = { peerId: undefined, destroy: () => socket.destroy() };

  const write = (text: string, close: boolean, subscribe = false): void => {
    if (closing || socket.destroyed) return;
    if (subscribe) {
      streaming = feed.add(socket);
      // A subscriber only listens from now on: the idle limit is for clients that owe us a request.
      if (streaming) clearTimeout(idle);
      else {
        const busy = wireError('UNAVAILABLE', `this node already serves ${MAX_SUBSCRIBERS} event streams`);
        socket.write(encodeError(busy));
      }
    } else if (close) {
      closing = true;
      socket.end(text);
      return;
    }
    socket.write(text);
    if (!paused && socket.writableLength > limits.maxReplyBufferBytes) {
      paused = true;
      node.counters.add('readsPaused');
      socket.pause();
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
  const refuse = (error: WireError, close = false): void => send({ ...refused(node, error), close });

  // Client connections that finish no request line for a while are closed; peer links are exempt (their
  // silence is the failure detector's business). A second expiry, after the notice, drops the socket.
  let timedOut = false;
  const idle = setTimeout(() => {
    if (timedOut || closing || paused) {
      if (!timedOut) node.counters.add('connectionsTimedOut');
      socket.destroy();
      return;
    }
    timedOut = true;
    node.counters.add('connectionsTimedOut');
    refuse(
      wireError('IDLE_TIMEOUT', `no request for ${limits.idleTimeoutMs} ms; closing the connection`),
      true,
    );
    idle.refresh();
  }, limits.idleTimeoutMs);

  const handleLine = (line: string): void => {
    if (closing || streaming) return;
    node.counters.add('linesIn');
    if (connection.peerId !== undefined) node.membership.heard(connection.peerId);
    if (!guard.isPeer) idle.refresh();
    const limited = guard.checkRate();
    if (limited !== undefined) {
      refuse(limited);
      return;
    }
    const parsed = options.parse(line);
    if (!parsed.ok) {
      refuse(parsed.error);
      return;
    }
    const { request } = parsed;
    const denied = guard.admit(request);
    if (denied !== undefined) {
      refuse(denied);
      return;
    }
    if (request.type === 'auth') {
      const result = guard.authenticate(request);
      if (!result.ok) {
        refuse(result.error, true);
        return;
      }
      node.counters.add('authAccepted');
      send({ text: result.reply, close: false });
      return;
    }
    try {
      const reply = handleRequest(node, request, connection);
      if (reply !== undefined) send(reply);
    } catch (error) {
      options.onInternalError(error, line);
      refuse(wireError('INTERNAL', 'internal error; the node logged it'));
    }
    if (
      request.type === 'hello' &&
      connection.peerId !== undefined &&
      node.membership.has(connection.peerId)
    ) {
      guard.markPeer();
      clearTimeout(idle);
    }
  };
  const handleOversize = (bytes: number): void => {
    if (!guard.isPeer) idle.refresh();
    const message = `line of ${bytes}+ bytes exceeds the ${options.maxLineBytes}-byte cap`;
    refuse(wireError('LINE_TOO_LONG', message));
  };
  const splitter = new LineSplitter(options.maxLineBytes, {
    onLine: (line) => {
      if (paused || backlog.length > 0) backlog.push(() => handleLine(line));
      else handleLine(line);
    },
    onOversize: (bytes) => {
      if (paused || backlog.length > 0) backlog.push(() => handleOversize(bytes));
      else handleOversize(bytes);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    node.counters.add('bytesIn', chunk.length);
    splitter.push(chunk);
  });
  socket.on('drain', () => {
    if (!paused) return;
    paused = false;
    if (!guard.isPeer) idle.refresh();
    while (!paused && !closing) {
      const step = backlog.shift();
      if (step === undefined) break;
      step();
    }
    if (!paused) socket.resume();
  });
  socket.on('end', () => {
    splitter.end();
    // After any reply still on its way (a /NEW waiting for the disk).
    send({ text: '', close: true });
  });
  socket.on('close', () => {
    clearTimeout(idle);
    node.unregisterInbound(connection);
    feed.remove(socket);
  });
  // A client that vanished mid-reply (EPIPE, ECONNRESET) is not our problem; never let it crash the node.
  socket.on('error', () => socket.destroy());
}
