// One of membership's links, to a peer or a probe: it greets with HELLO (after `/AUTH` with a cluster key),
// shapes what it writes by the link faults, and passes a reply on only once the other end proved the key.

import { encodeHello, type HelloFlags } from '../protocol/relay-line.js';
import type { FaultTable } from './faults/fault-table.js';
import { type PeerAddress, PeerLink, type PeerLinkOptions } from './peer-link.js';

/** Makes the `/AUTH` line for a new connection to node `to`, and tells that node's proof from anything else. */
export interface LinkAuthenticator {
  offer(to: number): { line: string; check(reply: string): boolean };
}

/** How membership's links are made (a part of MembershipOptions). */
export interface LinkSetup {
  self: PeerAddress;
  link: Omit<PeerLinkOptions, 'greeting'>;
  /** With a cluster key: authenticates every connection of every link, and checks each peer's proof. */
  auth?: LinkAuthenticator | undefined;
  /** Link faults and the partition (faults/): what every link writes passes through them. */
  faults?: FaultTable | undefined;
}

/** What a link tells the membership that owns it; `link` says which link, so a replaced one can be told apart. */
export interface LinkOwner {
  up(peer: PeerAddress): void;
  down(peer: PeerAddress, reason: string, wasUp: boolean, link: PeerLink): void;
  overflow(peer: PeerAddress, dropped: number): void;
  /** The other end of this connection proved the cluster key. */
  proved(peer: PeerAddress): void;
  /** A line that came before (or instead of) a valid proof of the cluster key; it is ignored. */
  authRefused(peer: PeerAddress, line: string): void;
  /** A line the other end sent back, once it proved the key (or with no key). */
  reply(peer: PeerAddress, line: string, link: PeerLink): void;
}

export function openLink(
  address: PeerAddress,
  flags: HelloFlags,
  setup: LinkSetup,
  owner: LinkOwner,
): PeerLink {
  const hello = encodeHello(setup.self, flags);
  const { auth } = setup;
  // Per connection: nothing the other end says counts until it proved it holds the cluster key.
  // The check the next reply must pass; undefined once it has (or with no key).
  let pendingProof: ((reply: string) => boolean) | undefined = auth === undefined ? undefined : () => false;
  const greeting = (): string => {
    if (auth === undefined) return hello;
    const offer = auth.offer(address.id);
    pendingProof = offer.check;
    return offer.line + hello;
  };
  const { faults } = setup;
  const shape =
    faults === undefined
      ? undefined
      : (line: string, deliver: (line: string) => void): void => {
          if (faults.active) faults.send(address.id, line, deliver);
          else deliver(line);
        };
  const link = new PeerLink(
    address,
    { ...setup.link, greeting, shape },
    {
      up: (peer) => owner.up(peer),
      down: (peer, reason, wasUp) => owner.down(peer, reason, wasUp, link),
      overflow: (peer, dropped) => owner.overflow(peer, dropped),
      reply: (peer, line) => {
        if (pendingProof !== undefined) {
          if (pendingProof(line)) {
            pendingProof = undefined;
            owner.proved(peer);
          } else owner.authRefused(peer, line);
          return;
        }
        owner.reply(peer, line, link);
      },
    },
  );
  return link;
}
