// The TCP edge of a node: frames each connection into lines, validates every line in one place
// (parseRequest), and writes replies. Nothing that arrives here can throw out of the socket loop, and
// nothing a connection does can make the node hold unbounded memory: connections are capped, idle clients
// are closed, client request rates are limited, and a connection that does not read its replies is not
// read from until it does.

import type net from 'node:net';
import { encodeError } from '../protocol/encode.js';
import { type WireError, wireError } from '../protocol/errors.js';
import { LineSplitter } from '../protocol/framing.js';
import type { ParseResult } from '../protocol/request-types.js';
import type { TlsMaterial } from '../tls/material.js';
import type { TlsRefusal } from '../tls/refusals.js';
import type { ClusterAuth } from './cluster-auth.js';
import { ConnectionGuard } from './connection-guard.js';
import { EventFeed, MAX_SUBSCRIBERS } from './event-feed.js';
import type { GossipNode } from './gossip-node.js';
import { handleRequest, type Reply, refused } from './handle-request.js';
import type { InboundConnection } from './inbound-links.js';
import type { ConnectionLimits } from './limits.js';
import { ReplyWriter } from './reply-writer.js';
import { createListener } from './tls-listener.js';

export interface ServerOptions {
  maxLineBytes: number;
  limits: ConnectionLimits;
  /** The node's request parser (its limits built in). */
  parse(line: string): ParseResult;
  /** Present on a node with a cluster key. */
  auth: ClusterAuth | undefined;
  /** Present on a node with TLS: then it takes TLS connections with a certificate of the cluster CA only. */
  tls: TlsMaterial | undefined;
  /** A connection refused by TLS (plaintext, no or a foreign certificate); counted before this is called. */
  onTlsRefused(refusal: TlsRefusal & { remote: string }): void;
  onInternalError(error: unknown, line: string): void;
  /** A peer-only command refused on a connection that is no peer link (called at most once a second per connection). */
  onNotAPeer(refusal: { remote: string; peer: number | undefined; error: string; refused: number }): void;
}

export interface NodeServer {
  server: net.Server;
  /** Drops every open connection (peers keep theirs open, which would hold server.close() forever). */
  destroyConnections(): void;
}

/** A refused or closing connection that does not read our last line is dropped after this long. */
const LINGER_MS = 1_000;
/** NOT_A_PEER refusals are logged at most this often per connection (each is counted in /STATS). */
const REFUSAL_LOG_INTERVAL_MS = 1_000;

export function createNodeServer(node: GossipNode, options: ServerOptions): NodeServer {
  const sockets = new Set<net.Socket>();
  const feed = new EventFeed(node);
  // Subscribers that stopped reading are closed even while no event comes to notice it.
  const sweeper = setInterval(() => feed.sweep(), 1_000).unref();
  const listener = {
    tls: options.tls,
    maxConnections: options.limits.maxConnections,
    refused: (refusal: TlsRefusal & { remote: string }) => {
      node.counters.add('tlsRefused');
      node.counters.addError(refusal.code);
      options.onTlsRefused(refusal);
    },
  };
  // allowHalfOpen: the reference client sends /NEW without a newline and half-closes; we still answer.
  const server = createListener(listener, { allowHalfOpen: true, noDelay: true }, (socket) => {
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
      clearInterval(sweeper);
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
  // An /EVENTS connection carries events only; what its client sends after that is ignored.
  let subscribed = false;
  // Lines that arrive while replies hold the connection (the client does not read, or a long reply is
  // being written) wait here, and the socket is not read meanwhile: what one read held, no more.
  const backlog: Array<() => void> = [];
  const connection: InboundConnection = {
    peerId: undefined,
    authenticated: false,
    keyedAs: undefined,
    fromLoopback: isLoopback(socket.remoteAddress),
    becamePeer: () => {
      guard.markPeer();
      clearTimeout(idle);
    },
    destroy: () => socket.destroy(),
  };
  const logRefusal = refusalLogger(socket, connection, options);
  const replies = new ReplyWriter(socket, {
    maxBufferBytes: limits.maxReplyBufferBytes,
    onWrite: ({ subscribe, refusal, text }) => {
      if (refusal === 'NOT_A_PEER') logRefusal(text);
      if (subscribe !== true) return;
      subscribed = feed.add(socket);
      // A subscriber only listens from now on: the idle limit is for clients that owe us a request.
      if (subscribed) clearTimeout(idle);
      else {
        const busy = wireError('UNAVAILABLE', `this node already serves ${MAX_SUBSCRIBERS} event streams`);
        socket.write(encodeError(busy));
      }
    },
    transmit: (text, write) => {
      if (connection.peerId === undefined) write(text);
      else node.shapeReply(connection.peerId, text, write);
    },
    onFull: () => {
      node.counters.add('readsPaused');
      socket.pause();
    },
    onDrain: () => {
      if (!guard.isPeer) idle.refresh();
    },
    release: () => {
      while (!replies.holding && !replies.closing) {
        const step = backlog.shift();
        if (step === undefined) break;
        step();
      }
      if (!replies.holding) socket.resume();
    },
  });
  const send = (reply: Reply | Promise<Reply>): void => replies.send(reply);
  const refuse = (error: WireError, close = false): void => send({ ...refused(node, error), close });

  // Client connections that finish no request line for a while are closed; peer links are exempt (their
  // silence is the failure detector's business). A second expiry, after the notice, drops the socket.
  let timedOut = false;
  const idle = setTimeout(() => {
    if (timedOut || replies.closing || replies.holding) {
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
    if (replies.closing || subscribed) return;
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
      connection.authenticated = true;
      connection.keyedAs = guard.keyedAs;
      // A node's link that proved the key is that node's: its relays count while it is a peer.
      if (connection.keyedAs !== undefined) node.registerInbound(connection, connection.keyedAs);
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
  };
  const handleOversize = (bytes: number): void => {
    if (!guard.isPeer) idle.refresh();
    const message = `line of ${bytes}+ bytes exceeds the ${options.maxLineBytes}-byte cap`;
    refuse(wireError('LINE_TOO_LONG', message));
  };
  /** Whether a line must wait its turn: a reply is being held, or lines before it wait. */
  const waiting = (): boolean => replies.holding || backlog.length > 0;
  const later = (step: () => void): void => {
    if (waiting()) {
      backlog.push(step);
      socket.pause();
    } else step();
  };
  const splitter = new LineSplitter(options.maxLineBytes, {
    // Straight on when nothing waits (no closure per line on the hot path), else in turn.
    onLine: (line) => {
      if (waiting()) later(() => handleLine(line));
      else handleLine(line);
    },
    onOversize: (bytes) => later(() => handleOversize(bytes)),
  });
  socket.on('data', (chunk: Buffer) => {
    node.counters.add('bytesIn', chunk.length);
    splitter.push(chunk);
  });
  socket.on('end', () => {
    splitter.end();
    // After every line still waiting and any reply still on its way (a /NEW waiting for the disk).
    later(() => send({ text: '', close: true }));
  });
  socket.on('close', () => {
    clearTimeout(idle);
    node.unregisterInbound(connection);
    feed.remove(socket);
  });
  // A client that vanished mid-reply (EPIPE, ECONNRESET) is not our problem; never let it crash the node.
  socket.on('error', () => socket.destroy());
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** Logs NOT_A_PEER refusals of one connection at most once per REFUSAL_LOG_INTERVAL_MS, with how many there were. */
function refusalLogger(
  socket: net.Socket,
  connection: InboundConnection,
  options: ServerOptions,
): (text: string) => void {
  const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  let lastMs = Number.NEGATIVE_INFINITY;
  let refused = 0;
  return (text) => {
    refused += 1;
    const now = performance.now();
    if (now - lastMs < REFUSAL_LOG_INTERVAL_MS) return;
    lastMs = now;
    const error = (JSON.parse(text) as { error: string }).error;
    options.onNotAPeer({ remote, peer: connection.peerId, error, refused });
    refused = 0;
  };
}
