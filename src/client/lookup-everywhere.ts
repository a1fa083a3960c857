// Asks every given node, in parallel, for the messages with an id or a text (`/LOOKUP`): what `gossip
// trace` and the dashboard's replay gather from a running network. A node that does not answer is
// reported, never fatal.

import { isGossipError } from '../errors.js';
import type { NodeListing } from '../propagation/from-listings.js';
import { lookupMessages } from './node-client.js';
import type { NodeAddress } from './request.js';

/** A node has this long to answer a lookup before it counts as not answering. */
const LOOKUP_TIMEOUT_MS = 3_000;

/** A node that did not answer, and why. */
export interface LookupFailure {
  node: number;
  reason: string;
}

export interface LookupResult {
  listings: NodeListing[];
  failed: LookupFailure[];
}

export async function lookupEverywhere(
  nodes: ReadonlyArray<NodeAddress & { id: number }>,
  query: string,
): Promise<LookupResult> {
  const result: LookupResult = { listings: [], failed: [] };
  await Promise.all(
    nodes.map(async (node) => {
      try {
        const reply = await lookupMessages(node, query, LOOKUP_TIMEOUT_MS);
        result.listings.push({ node: node.id, messages: reply.messages });
      } catch (error) {
        const reason = isGossipError(error) ? error.message : String(error);
        result.failed.push({ node: node.id, reason });
      }
    }),
  );
  result.listings.sort((a, b) => a.node - b.node);
  result.failed.sort((a, b) => a.node - b.node);
  return result;
}
