// Who a HELLO may claim to be, whatever its proof: not this node, not a linked peer at another address, not
// a node that left (unless it joins afresh), not one a partition cuts off. And the answer to our own HELLO.

import { formatHostPort, mayBeSameAddress } from '../protocol/address.js';
import type { HelloFlags } from '../protocol/relay-line.js';
import type { PeerAddress } from './peer-link.js';

/** What this node knows of the claimed node: where it links to it, if it does; whether it left or is cut off. */
export interface ClaimedNode {
  linked: PeerAddress | undefined;
  left: boolean;
  cut: boolean;
}

/** Why a HELLO claiming to be node `from.id` at `from` is refused whatever its proof, or undefined. */
export function claimProblem(
  from: PeerAddress,
  flags: HelloFlags,
  self: PeerAddress,
  known: ClaimedNode,
): string | undefined {
  if (from.id === self.id || sameAddress(from, self)) return 'that is this node';
  const { linked } = known;
  if (linked !== undefined && !mayBeSameAddress(linked, from))
    return `node ${from.id} is at ${formatHostPort(linked.host, linked.port)}`;
  if (known.left && !flags.join) return 'it left';
  if (known.cut) return 'cut off by a partition';
  return undefined;
}

/** The other side's answer to our HELLO (`{"hello":{"accepted":..}}`), or undefined for any other line. */
export function parseHelloReply(line: string): { accepted: boolean; reason?: string } | undefined {
  if (!line.startsWith('{"hello"')) return undefined;
  try {
    const parsed = JSON.parse(line) as { hello?: { accepted?: unknown; reason?: unknown } };
    const accepted = parsed.hello?.accepted === true;
    return typeof parsed.hello?.reason === 'string'
      ? { accepted, reason: parsed.hello.reason }
      : { accepted };
  } catch {
    return undefined;
  }
}

function sameAddress(a: { host: string; port: number }, b: { host: string; port: number }): boolean {
  return a.port === b.port && a.host === b.host;
}
