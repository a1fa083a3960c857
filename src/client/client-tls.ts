// The TLS identity this process dials nodes with. A CLI process talks to one network, so the command sets
// it once, where the network is known (its state file or GOSSIP_TLS_*), and every request and event stream
// opened after that dials with it: none of the many callers of the client can forget its certificate.

import type net from 'node:net';
import { type DialOptions, dial } from '../tls/dial.js';
import type { ClientTls } from '../tls/secure-context.js';

let current: ClientTls | undefined;

/** Dial nodes over TLS with this identity from now on (undefined: plain TCP, the default). */
export function useClientTls(tls: ClientTls | undefined): void {
  current = tls;
}

/** A connection to a node, over TLS when an identity is in use. */
export function dialNode(options: DialOptions): net.Socket {
  return dial(current, options);
}
