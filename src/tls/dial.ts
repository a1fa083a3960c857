// Opens an outbound connection, over TLS when the caller has a ClientTls: peer links, the HELLO check back,
// the CLI's requests and event streams all dial through here, so none of them can forget its certificate.

import net from 'node:net';
import { nodeTls, tlsLoaded } from './node-tls.js';
import type { ClientTls } from './secure-context.js';

export interface DialOptions {
  host: string;
  port: number;
  localAddress?: string | undefined;
  family?: number | undefined;
}

export function dial(secure: ClientTls | undefined, options: DialOptions): net.Socket {
  const { host, port, localAddress, family } = options;
  const where = {
    host,
    port,
    ...(localAddress === undefined ? {} : { localAddress }),
    ...(family === undefined ? {} : { family }),
  };
  if (secure === undefined) return net.connect(where);
  // rejectUnauthorized (the default) with the cluster CA only; the default checkServerIdentity compares
  // `host` with the certificate's DNS or IP names.
  return nodeTls().connect({ ...where, secureContext: secure.context, rejectUnauthorized: true });
}

/** The event after which a line may be written: the TCP connect, or the end of the TLS handshake. */
export function readyEvent(socket: net.Socket): 'connect' | 'secureConnect' {
  const tls = tlsLoaded();
  return tls !== undefined && socket instanceof tls.TLSSocket ? 'secureConnect' : 'connect';
}
