// The TLS settings every connection of a cluster shares: TLS 1.3 only, a certificate on both sides, the
// cluster CA as the only trust anchor (not the system's), and on dialling, the name or address dialled
// checked against the other side's certificate (subjectAltName).

import type tls from 'node:tls';
import type { TlsMaterial } from './material.js';
import { nodeTls } from './node-tls.js';

/** TLS 1.3 only: forward secrecy always, client certificates travel encrypted, no cipher list to keep. */
export const TLS_MIN_VERSION = 'TLSv1.3';
/**
 * How long a node's outgoing TLS connection may take to be ready (TCP connect and handshake: two round trips
 * and ECDSA signatures on both sides). A plain connect gets 1 s; on a loaded machine a handshake can take
 * longer, and a link given up mid-handshake is retried from scratch, never getting further.
 */
export const TLS_CONNECT_TIMEOUT_MS = 5_000;
/** A connection that has not finished its TLS handshake by then is dropped (a node's default is 120 s). */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** What a node's server asks of every connection: a certificate the cluster CA signed, or no connection. */
export function serverTlsOptions(material: TlsMaterial): tls.TlsOptions {
  return {
    cert: material.cert,
    key: material.key,
    ca: material.ca,
    minVersion: TLS_MIN_VERSION,
    requestCert: true,
    rejectUnauthorized: true,
    handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
  };
}

/** What a dialling side presents and trusts, made once and shared by every connection it opens. */
export interface ClientTls {
  context: tls.SecureContext;
}

export function clientTls(material: TlsMaterial): ClientTls {
  return {
    context: nodeTls().createSecureContext({
      cert: material.cert,
      key: material.key,
      ca: material.ca,
      minVersion: TLS_MIN_VERSION,
    }),
  };
}
