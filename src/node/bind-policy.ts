// Where a node may listen. Without a cluster key (or mutual TLS) anyone who reaches the port can inject
// relays and remove peers, so such a node binds to loopback only, unless its user says --insecure (and is
// warned).

import net from 'node:net';
import { GossipError } from '../errors.js';

/** 127.0.0.0/8, ::1 (and IPv4-mapped loopback), or the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) {
    if (bare === '::1' || /^(0{0,4}:){7}0{0,3}1$/.test(bare)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
    return mapped?.[1]?.startsWith('127.') ?? false;
  }
  return false;
}

export interface BindCheck {
  host: string;
  keyed: boolean;
  /** Mutual TLS: only holders of a certificate of the cluster CA get a connection at all. */
  tls?: boolean | undefined;
  insecure: boolean;
}

/** Throws when the bind is not allowed; returns a warning to log when it is allowed only by --insecure. */
export function checkBind({ host, keyed, tls, insecure }: BindCheck): string | undefined {
  if (keyed || tls === true || isLoopbackHost(host)) return undefined;
  if (!insecure) {
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      `refusing to listen on ${host} without a cluster key: anyone who can reach it could inject relays and remove peers. Give the nodes a shared key (--cluster-key-file <file> or GOSSIP_CLUSTER_KEY; make one with: openssl rand -hex 32) or certificates (--tls-cert, --tls-key, --tls-ca), listen on 127.0.0.1, or pass --insecure to accept the risk`,
    );
  }
  return `listening on ${host} without a cluster key (--insecure): anyone who can reach this port can inject relays and remove peers`;
}
