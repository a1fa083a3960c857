// Inbound connections as the node knows them: the HELLO handshake that settles whose link a connection is
// (the claim checked back, see handshake.ts, then membership's decision), and the connections each peer
// opened to us, closed when it stops being a peer.

import type { EventEmitter } from 'node:events';
import { formatHostPort, mayBeSameAddress, type PeerAddress } from '../protocol/address.js';
import type { Counters } from './counters.js';
import { Handshakes, type HelloAnswer } from './handshake.js';
import type { ClusterMembers } from './members/cluster-members.js';
import type { Membership } from './membership.js';
import type { MessageStore } from './message-store.js';
import type { NodeEvents } from './node-events.js';

/** An inbound connection as the node sees it: whose link it is, once that is established. */
export interface InboundConnection {
  /**
   * The node this connection is the link of: set once its HELLO was checked back (or it authenticated as
   * that node with the cluster key). Only then do its relays count, and only while that node is a peer.
   */
  peerId: number | undefined;
  /** The connection proved the cluster key (/AUTH); `keyedAs` is the node id it spoke as, if it is a node. */
  authenticated: boolean;
  keyedAs: number | undefined;
  /** The other end is on this machine (administrative commands of a node without a key come only from here). */
  fromLoopback: boolean;
  /** Our sequence number when the peer said HELLO on this connection. */
  helloSeq?: number;
  /** The node accepted this connection as a current peer's link: no client limits apply to it any more. */
  becamePeer(): void;
  destroy(): void;
}

export interface InboundParts {
  id: number;
  store: MessageStore;
  membership: Membership;
  members: ClusterMembers;
  counters: Counters;
  events: EventEmitter<NodeEvents>;
  now: () => number;
  /** Sends one line to an address over a connection of its own: the check back of a HELLO. */
  dial: (to: PeerAddress, line: string) => void;
  /** Fresh handshake nonces. */
  newNonce: () => string;
}

export class InboundLinks {
  private readonly inbound = new Map<number, Set<InboundConnection>>();
  private readonly handshakes: Handshakes<InboundConnection>;

  constructor(private readonly parts: InboundParts) {
    const { membership } = parts;
    this.handshakes = new Handshakes({
      selfId: parts.id,
      claimProblem: (claim, flags) => membership.claimProblem(claim, flags) ?? this.addressProblem(claim),
      admit: (claim, flags, connection) => this.admit(claim, flags, connection),
      prove: (asker, nonce) => membership.prove(asker, nonce),
      dial: parts.dial,
      newNonce: parts.newNonce,
      now: parts.now,
    });
  }

  /** Handshakes whose check back took too long are given up (the node's tick). */
  expire(): void {
    this.handshakes.expire();
  }

  /**
   * A full HELLO on `connection`: answered once the claim is checked back (see handshake.ts) and membership
   * decided; a connection that authenticated as that node with the cluster key needs no check.
   */
  hello(
    claim: PeerAddress,
    flags: { home: boolean; join: boolean },
    connection: InboundConnection,
  ): HelloAnswer | Promise<HelloAnswer> {
    const answer = this.handshakes.hello(claim, flags, connection, connection.keyedAs);
    const counted = (result: HelloAnswer): HelloAnswer => {
      if (!result.accepted) {
        this.parts.counters.add('hellosRefused');
        const address = formatHostPort(claim.host, claim.port);
        this.parts.events.emit('hello.refused', { claim: claim.id, address, reason: result.reason ?? '' });
      }
      return result;
    };
    return answer instanceof Promise ? answer.then(counted) : counted(answer);
  }

  /** `/VERIFY` from node `asker`: its nonce goes back on our link to it, if we are dialling it. */
  verify(asker: number, nonce: string): boolean {
    return this.handshakes.verify(asker, nonce);
  }

  /** `/PROVE` on `connection`: completes the check of that connection's HELLO, if the nonce is its own. */
  proved(nonce: string, connection: InboundConnection): boolean {
    return this.handshakes.proved(nonce, connection);
  }

  /** The connection is node `peerId`'s (checked, or authenticated with the key). */
  register(connection: InboundConnection, peerId: number): void {
    if (connection.peerId !== undefined && connection.peerId !== peerId) this.unregister(connection);
    connection.peerId = peerId;
    connection.helloSeq = this.parts.store.length;
    const set = this.inbound.get(peerId) ?? new Set();
    set.add(connection);
    this.inbound.set(peerId, set);
  }

  unregister(connection: InboundConnection): void {
    this.handshakes.expire(connection);
    if (connection.peerId !== undefined) this.inbound.get(connection.peerId)?.delete(connection);
  }

  /** Closes the connections this node opened to us: it is no longer a peer. */
  close(peerId: number): void {
    for (const connection of this.inbound.get(peerId) ?? []) connection.destroy();
    this.inbound.delete(peerId);
  }

  /** A HELLO that puts a member the cluster knows to be alive at another address is not that member. */
  private addressProblem(claim: PeerAddress): string | undefined {
    const member = this.parts.members.table.get(claim.id);
    if (member === undefined || (member.state !== 'alive' && member.state !== 'suspect')) return undefined;
    if (mayBeSameAddress(member, claim)) return undefined;
    return `node ${claim.id} is at ${formatHostPort(member.host, member.port)}`;
  }

  /** A checked HELLO: the connection is that node's, and membership decides whether it is a peer. */
  private admit(
    claim: PeerAddress,
    flags: { home: boolean; join: boolean },
    connection: InboundConnection,
  ): HelloAnswer {
    this.register(connection, claim.id);
    const result = this.parts.membership.hello(claim, flags);
    if (result.accepted) connection.becamePeer();
    return result;
  }
}
