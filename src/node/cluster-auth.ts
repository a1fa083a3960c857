// Checks `/AUTH` lines for a node that has a cluster key: the MAC, that the line is meant for this node,
// its age, and that its nonce was never seen (a bounded replay cache). Also makes the node's own `/AUTH`
// lines for its peer links and checks the peers' proofs. Pure but for the clock, which is injected.

import {
  type AuthLine,
  authMac,
  authProof,
  encodeAuthReply,
  macEquals,
  offerAuth,
} from '../protocol/auth.js';
import { type WireError, wireError } from '../protocol/errors.js';

/** An `/AUTH` line older or newer than this (wall clock, both ways) is refused: keep clocks in NTP sync. */
export const AUTH_WINDOW_MS = 30_000;
/** Most nonces remembered; beyond it new authentications are refused until old ones age out. */
const MAX_REMEMBERED_NONCES = 100_000;

export type AuthResult = { ok: true; who: string; reply: string } | { ok: false; error: WireError };

export interface ClusterAuthOptions {
  key: Buffer;
  /** This node's id: lines for another node are refused. */
  self: number;
  windowMs?: number;
  maxNonces?: number;
  /** Wall-clock ms since the epoch. */
  now?: () => number;
}

export class ClusterAuth {
  private readonly key: Buffer;
  private readonly self: number;
  private readonly windowMs: number;
  private readonly maxNonces: number;
  private readonly now: () => number;
  /** nonce -> when it may be forgotten; insertion order is time order, so expiry is from the front. */
  private readonly nonces = new Map<string, number>();

  constructor(options: ClusterAuthOptions) {
    this.key = options.key;
    this.self = options.self;
    this.windowMs = options.windowMs ?? AUTH_WINDOW_MS;
    this.maxNonces = options.maxNonces ?? MAX_REMEMBERED_NONCES;
    this.now = options.now ?? Date.now;
  }

  /** Checks an `/AUTH` line; on success the nonce is spent and `reply` is the proof to send back. */
  verify(line: AuthLine): AuthResult {
    // The MAC first: without the key nobody learns anything else, nor fills the nonce cache.
    if (!macEquals(authMac(this.key, line), line.mac))
      return refuse('AUTH_FAILED', 'bad signature: this node has a different cluster key');
    if (line.to !== this.self)
      return refuse('AUTH_FAILED', `the line is signed for node ${line.to}, this is node ${this.self}`);
    const now = this.now();
    if (Math.abs(now - line.atMs) > this.windowMs) {
      return refuse(
        'AUTH_EXPIRED',
        `the line is ${Math.round((now - line.atMs) / 1000)} s old; only ${this.windowMs / 1000} s either way are accepted (check the clocks)`,
      );
    }
    this.forgetExpired(now);
    if (this.nonces.has(line.nonce)) return refuse('AUTH_REPLAYED', 'this /AUTH line was used before');
    if (this.nonces.size >= this.maxNonces)
      return refuse('AUTH_FAILED', 'too many authentications in the last minute; try again later');
    // Kept until any line carrying it would be too old anyway, even one stamped in the future.
    this.nonces.set(line.nonce, now + 2 * this.windowMs);
    return { ok: true, who: line.who, reply: encodeAuthReply(this.self, authProof(this.key, line)) };
  }

  /** A fresh `/AUTH` line for one of our links to node `to`; `check` tells the peer's proof from anything else. */
  offer(to: number): { line: string; check(reply: string): boolean } {
    return offerAuth(this.key, String(this.self), to, this.now());
  }

  /** How many nonces are remembered (for tests). */
  get remembered(): number {
    return this.nonces.size;
  }

  private forgetExpired(now: number): void {
    for (const [nonce, until] of this.nonces) {
      if (until > now) break;
      this.nonces.delete(nonce);
    }
  }
}

function refuse(code: WireError['code'], message: string): AuthResult {
  return { ok: false, error: wireError(code, message) };
}
