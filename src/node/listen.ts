// Opens a listening server (the node's TCP server, its metrics endpoint) and turns the usual failures into
// errors that say what to do.

import type net from 'node:net';
import { GossipError } from '../errors.js';

export function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (error.code === 'EADDRINUSE') {
        reject(
          new GossipError('GOSSIP_ERR_PORT_IN_USE', `port ${port} is already in use (${where})`, {
            cause: error,
          }),
        );
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(
          new GossipError('GOSSIP_ERR_BAD_ARGUMENT', `cannot listen on ${where}: no such local address`, {
            cause: error,
          }),
        );
      } else {
        reject(
          new GossipError('GOSSIP_ERR_START_FAILED', `cannot listen on ${where}: ${error.message}`, {
            cause: error,
          }),
        );
      }
    });
    // A deep accept queue: a burst of clients (the reference opens a connection per request) is not dropped.
    server.listen({ port, host, backlog: 4096 }, () => resolve());
  });
}
