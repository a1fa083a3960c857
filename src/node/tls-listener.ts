// The node's listening socket, TLS-only when the node has certificates. A connection's first byte tells a
// TLS handshake (0x16) from a plaintext line: plaintext gets one error line and the close; a handshake is
// handed to a tls.Server (never listening itself) that asks for a certificate of the cluster CA. Only
// connections that pass reach the node's line handling, which is the same for both.

import net from 'node:net';
import type tls from 'node:tls';
import { encodeError } from '../protocol/encode.js';
import { wireError } from '../protocol/errors.js';
import type { TlsMaterial } from '../tls/material.js';
import { nodeTls } from '../tls/node-tls.js';
import { classifyServerTlsError, type TlsRefusal } from '../tls/refusals.js';
import { serverTlsOptions, TLS_HANDSHAKE_TIMEOUT_MS } from '../tls/secure-context.js';

/** The first byte of every TLS connection: a handshake record. */
const TLS_HANDSHAKE_RECORD = 0x16;
/** A refused plaintext client that does not read our line is dropped after this long. */
const LINGER_MS = 1_000;

export interface ListenerOptions {
  tls: TlsMaterial | undefined;
  /** The node's --max-connections: as many more may be in their handshake at once (beyond: dropped). */
  maxConnections: number;
  refused(refusal: TlsRefusal & { remote: string }): void;
}

export function createListener(
  options: ListenerOptions,
  serverOptions: net.ServerOpts,
  onConnection: (socket: net.Socket) => void,
): net.Server {
  const material = options.tls;
  if (material === undefined) return net.createServer(serverOptions, onConnection);
  // Not half-open during the handshake: a client that gives up (it does not trust our certificate) is then
  // noticed at once (ECONNRESET) instead of holding the socket until the handshake timeout. Once secure, a
  // connection is half-open as asked (a client may half-close after its request and still read the reply).
  const secure = nodeTls().createServer(
    { ...serverOptions, allowHalfOpen: false, ...serverTlsOptions(material) },
    (socket) => {
      socket.allowHalfOpen = serverOptions.allowHalfOpen === true;
      onConnection(socket);
    },
  );
  // Where each connection came from, noted on arrival: a socket whose handshake failed has lost its address.
  const remotes = new WeakMap<net.Socket, string>();
  secure.on('tlsClientError', (error: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
    // _parent (Node's own field since v0.11) is the TCP socket the TLS socket wraps.
    const raw = (socket as tls.TLSSocket & { _parent?: net.Socket | null })._parent;
    const remote = (raw === undefined || raw === null ? undefined : remotes.get(raw)) ?? remoteOf(socket);
    socket.destroy();
    const refusal = classifyServerTlsError(error.code, socket.authorizationError?.toString());
    options.refused({ ...refusal, remote });
  });
  const server = net.createServer({ ...serverOptions, allowHalfOpen: false }, (socket) => {
    remotes.set(socket, remoteOf(socket));
    socket.on('error', () => socket.destroy());
    // A client that connects and says nothing is dropped like one whose handshake never ends.
    socket.setTimeout(TLS_HANDSHAKE_TIMEOUT_MS, () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.setTimeout(0);
      if (first[0] !== TLS_HANDSHAKE_RECORD) {
        refusePlaintext(socket);
        options.refused({
          code: 'TLS_REQUIRED',
          reason: 'a plaintext connection to a TLS-only node',
          remote: remoteOf(socket),
        });
        return;
      }
      // tls.Server reads the handshake from here on (Node feeds it what was read and put back).
      socket.unshift(first);
      secure.emit('connection', socket);
    });
  });
  // Established connections meet the node's own cap (with its TOO_MANY_CONNECTIONS line) after the
  // handshake; this bounds the handshakes in flight besides them. A socket counts here until it closes.
  server.maxConnections = options.maxConnections * 2;
  return server;
}

function refusePlaintext(socket: net.Socket): void {
  const error = wireError(
    'TLS_REQUIRED',
    'this node accepts TLS connections only, with a certificate of the cluster CA (the CLI reads GOSSIP_TLS_CERT, GOSSIP_TLS_KEY and GOSSIP_TLS_CA)',
  );
  socket.end(encodeError(error));
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

function remoteOf(socket: net.Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}
