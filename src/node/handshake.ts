// Checks a HELLO back before its connection counts as that node's link (on a node without a cluster key,
// where nothing else tells a peer from a stranger who says its id): the node dials the address the HELLO
// gave and says a fresh nonce there (/VERIFY); only the process listening at that address holds the link
// the HELLO came on, so only it can say the nonce back on that link (/PROVE). A stranger who names another
// node's address never sees the nonce; a stopped node never answers. With a cluster key, a connection that
// authenticated as the node needs no check. No sockets here: the dial, the clock and the nonces are given.

import { formatHostPort, type PeerAddress } from '../protocol/address.js';
import { encodeVerify } from '../protocol/relay-line.js';
import { TokenBucket } from './token-bucket.js';

/** A HELLO not proved within this long is refused (the dialling side gives a link 5 s to be accepted). */
export const CHECK_TIMEOUT_MS = 3_000;
/** Most checks under way at once: each one is a connection this node dials. */
export const MAX_PENDING_CHECKS = 64;
/** Most checks begun per second, so HELLO lines cannot make a node dial addresses at will. */
export const CHECKS_PER_SECOND = 100;

export interface HelloAnswer {
  accepted: boolean;
  reason?: string;
}

/** What a handshake needs of the node. */
export interface HandshakeHost<C> {
  selfId: number;
  /** Why membership refuses this claim whatever its proof (this node itself, a peer elsewhere...), if it does. */
  claimProblem(claim: PeerAddress, flags: { home: boolean; join: boolean }): string | undefined;
  /** Membership's decision on a claim that was checked (or needs none). */
  admit(claim: PeerAddress, flags: { home: boolean; join: boolean }, connection: C): HelloAnswer;
  /** Membership's answer to a /VERIFY: say the nonce on our link to `asker`, if we are dialling it. */
  prove(asker: number, nonce: string): boolean;
  /** Sends one line to an address over a connection of its own (the check back). */
  dial(to: PeerAddress, line: string): void;
  newNonce(): string;
  now(): number;
}

interface Check<C> {
  readonly claim: PeerAddress;
  readonly flags: { home: boolean; join: boolean };
  /** The connection the HELLO came on: only a proof on it counts. */
  readonly connection: C;
  readonly startedMs: number;
  readonly settle: (answer: HelloAnswer) => void;
}

export class Handshakes<C> {
  private readonly pending = new Map<string, Check<C>>();
  private readonly rate: TokenBucket;

  constructor(private readonly host: HandshakeHost<C>) {
    this.rate = new TokenBucket(CHECKS_PER_SECOND, CHECKS_PER_SECOND, host.now());
  }

  /** Checks under way. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * A full HELLO on `connection`. `keyedAs` is the node id it proved with the cluster key, if any: then the
   * claim needs no check. Otherwise the answer waits for the proof, or for CHECK_TIMEOUT_MS.
   */
  hello(
    claim: PeerAddress,
    flags: { home: boolean; join: boolean },
    connection: C,
    keyedAs: number | undefined,
  ): HelloAnswer | Promise<HelloAnswer> {
    const problem = this.host.claimProblem(claim, flags);
    if (problem !== undefined) return { accepted: false, reason: problem };
    if (keyedAs === claim.id) return this.host.admit(claim, flags, connection);
    for (const check of this.pending.values()) {
      if (check.connection === connection)
        return { accepted: false, reason: 'a HELLO is already being checked on this connection' };
    }
    if (this.pending.size >= MAX_PENDING_CHECKS || !this.rate.take(this.host.now()))
      return { accepted: false, reason: 'too many HELLOs to check; try again later' };
    const nonce = this.host.newNonce();
    return new Promise((settle) => {
      this.pending.set(nonce, { claim, flags, connection, startedMs: this.host.now(), settle });
      this.host.dial(claim, encodeVerify(this.host.selfId, nonce));
    });
  }

  /** A /PROVE on `connection`: admits the claim it checks, if the nonce is that connection's own. */
  proved(nonce: string, connection: C): boolean {
    const check = this.pending.get(nonce);
    if (check === undefined || check.connection !== connection) return false;
    this.pending.delete(nonce);
    check.settle(this.host.admit(check.claim, check.flags, connection));
    return true;
  }

  /** A /VERIFY from node `asker`: say its nonce back on our link to it. */
  verify(asker: number, nonce: string): boolean {
    return this.host.prove(asker, nonce);
  }

  /** Refuses the checks of a connection that closed, and those older than CHECK_TIMEOUT_MS. */
  expire(closed?: C): void {
    const now = this.host.now();
    for (const [nonce, check] of this.pending) {
      const late = now - check.startedMs >= CHECK_TIMEOUT_MS;
      if (!late && check.connection !== closed) continue;
      this.pending.delete(nonce);
      const where = formatHostPort(check.claim.host, check.claim.port);
      check.settle({ accepted: false, reason: `not verified: no proof came back from ${where}` });
    }
  }
}
