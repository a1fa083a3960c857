// What one inbound connection may do, decided line by line at the socket edge: the request rate of a client
// connection, and, on a node with a cluster key, which commands need an authenticated connection and whom
// that connection may speak for. Cheap per line: a boolean and a set lookup, no MAC after the first line.
// (Which peer a connection is the link of, and so whose relays it may carry, is the handshake's business.)

import { type WireError, wireError } from '../protocol/errors.js';
import type { Request } from '../protocol/request-types.js';
import type { AuthResult, ClusterAuth } from './cluster-auth.js';
import { TokenBucket } from './token-bucket.js';

/**
 * Open to anyone, key or not: what the reference client sends (/NEW, /GET, /PEERS) and what only reads
 * (/MESSAGES, /LOOKUP, /EVENTS, /STATS, /HEALTH), so reference clients, health checks and dashboards keep
 * working.
 * Everything else (relays, membership, removal, repair, leaving) changes the cluster and needs /AUTH first.
 */
export const OPEN_COMMANDS: ReadonlySet<Request['type']> = new Set([
  'new',
  'get',
  'peers',
  'messages',
  'lookup',
  'events',
  'stats',
  'health',
  'faults',
  'members',
  'auth',
]);

export interface GuardSettings {
  /** Present on a node with a cluster key. */
  auth: ClusterAuth | undefined;
  maxRequestsPerSecond: number;
  /** ms, monotonic. */
  now(): number;
}

export class ConnectionGuard {
  /** Who authenticated on this connection (always "anyone" without a key). */
  private authenticated: boolean;
  /** The node id this connection proved with the key (/AUTH of a node's link); undefined for tools. */
  private speaker: number | undefined;
  /** The client request rate; none on a peer's link. */
  private bucket: TokenBucket | undefined;

  constructor(private readonly settings: GuardSettings) {
    this.authenticated = settings.auth === undefined;
    const rate = settings.maxRequestsPerSecond;
    this.bucket = new TokenBucket(rate, rate, settings.now());
  }

  get isAuthenticated(): boolean {
    return this.authenticated && this.settings.auth !== undefined;
  }

  /** The node this connection authenticated as with the cluster key, if any. */
  get keyedAs(): number | undefined {
    return this.speaker;
  }

  /** A peer's link: its volume is bounded by the relay rule and its queue, not by the client rate. */
  get isPeer(): boolean {
    return this.bucket === undefined;
  }

  markPeer(): void {
    this.bucket = undefined;
  }

  /** Before a line is parsed: refuse it when the connection is over its rate. */
  checkRate(): WireError | undefined {
    if (this.bucket === undefined || this.bucket.take(this.settings.now())) return undefined;
    return wireError(
      'RATE_LIMITED',
      `over ${this.settings.maxRequestsPerSecond} requests per second on this connection; slow down`,
    );
  }

  /** After a line is parsed: may this connection send it? */
  admit(request: Request): WireError | undefined {
    if (!this.authenticated && !OPEN_COMMANDS.has(request.type)) {
      return wireError('AUTH_REQUIRED', 'this node has a cluster key: send /AUTH first on this connection');
    }
    if (request.type === 'hello' && this.speaker !== undefined && request.address.id !== this.speaker) {
      return wireError(
        'BAD_ARGUMENT',
        `this link is node ${this.speaker}'s, it cannot say HELLO as ${request.address.id}`,
      );
    }
    return undefined;
  }

  /** An /AUTH line: checks it; from then on the connection may use every command (as that node). */
  authenticate(request: Extract<Request, { type: 'auth' }>): AuthResult {
    const { auth } = this.settings;
    if (auth === undefined)
      return {
        ok: false,
        error: wireError('AUTH_FAILED', 'this node has no cluster key; /AUTH is not needed'),
      };
    const result = auth.verify(request);
    if (result.ok) {
      this.authenticated = true;
      if (/^\d+$/.test(result.who)) this.speaker = Number(result.who);
    }
    return result;
  }
}
