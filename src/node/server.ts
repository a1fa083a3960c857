// The TCP edge of a node: frames each connection into lines, validates every line in one place
// (parseRequest), and writes replies. Nothing that arrives here can throw out of the socket loop.

import net from 'node:net';
import { wireError } from '../protocol/errors.js';
import { LineSplitter } from '../protocol/framing.js';
import { encodeError } from '../protocol/replies.js';
import { parseRequest } from '../protocol/requests.js';
import type { GossipNode } from './gossip-node.js';
import { handleRequest } from './handle-request.js';

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
  // allowHalfOpen: the reference client sends /NEW without a newline and half-closes; we still answer.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(node, socket, options);
  });
  return {
    server,
    destroyConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

function serveConnection(node: GossipNode, socket: net.Socket, options: ServerOptions): void {
  node.counters.add('connectionsAccepted');
  let closing = false;
  const send = (text: string, close: boolean): void => {
    if (closing || socket.destroyed) return;
    if (close) {
      closing = true;
      socket.end(text);
    } else {
      socket.write(text);
    }
  };
  const splitter = new LineSplitter(options.maxLineBytes, {
    onLine: (line) => {
      if (closing) return;
      node.counters.add('linesIn');
      const parsed = parseRequest(line);
      if (!parsed.ok) {
        node.counters.addError(parsed.error.code);
        send(encodeError(parsed.error), false);
        return;
      }
      try {
        const reply = handleRequest(node, parsed.request);
        // A submitter hears back only after the relays went out: answering first would wake the client,
        // which then competes for the CPU with the relays it is waiting on.
        if (reply !== undefined && parsed.request.type === 'new')
          setImmediate(() => send(reply.text, reply.close));
        else if (reply !== undefined) send(reply.text, reply.close);
      } catch (error) {
        options.onInternalError(error, line);
        node.counters.addError('INTERNAL');
        send(encodeError(wireError('INTERNAL', 'internal error; the node logged it')), false);
      }
    },
    onOversize: (bytes) => {
      node.counters.addError('LINE_TOO_LONG');
      send(
        encodeError(
          wireError('LINE_TOO_LONG', `line of ${bytes}+ bytes exceeds the ${options.maxLineBytes}-byte cap`),
        ),
        false,
      );
    },
  });
  socket.on('data', (chunk: Buffer) => {
    node.counters.add('bytesIn', chunk.length);
    splitter.push(chunk);
  });
  socket.on('end', () => {
    splitter.end();
    // After any deferred /NEW reply (setImmediate callbacks run in order).
    setImmediate(() => send('', true));
  });
  // A client that vanished mid-reply (EPIPE, ECONNRESET) is not our problem; never let it crash the node.
  socket.on('error', () => socket.destroy());
}
