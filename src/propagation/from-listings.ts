// From what the nodes list about a message (`/LOOKUP` replies) to the arrivals a tree is built from, and
// which message a query means when several have the same text. Pure.

import { compareMessageIds, originNsToMs } from '../protocol/message-id.js';
import type { MessageView } from '../protocol/replies.js';
import type { Arrival } from './tree.js';

export interface NodeListing {
  node: number;
  messages: readonly MessageView[];
}

export interface MessageChoice {
  /** The message traced: the one with the query as its id, else the newest with the query as its text. */
  chosen: MessageView | undefined;
  /** Other messages with the same text, newest first. */
  others: MessageView[];
}

export function chooseMessage(listings: readonly NodeListing[], query: string): MessageChoice {
  const byId = new Map<string, MessageView>();
  for (const listing of listings) {
    for (const message of listing.messages) if (!byId.has(message.id)) byId.set(message.id, message);
  }
  const exact = byId.get(query);
  const candidates = [...byId.values()].sort((a, b) => compareMessageIds(b.id, a.id));
  const chosen = exact ?? candidates.find((message) => message.text === query);
  return { chosen, others: candidates.filter((message) => message !== chosen && message.text === query) };
}

/** Every path every node recorded for the message, as arrivals. */
export function arrivalsFrom(listings: readonly NodeListing[], id: string): Arrival[] {
  const arrivals: Arrival[] = [];
  for (const listing of listings) {
    for (const message of listing.messages) {
      if (message.id !== id) continue;
      for (const record of message.paths) {
        arrivals.push({ node: listing.node, path: record.path, atMs: record.atMs, via: record.via });
      }
    }
  }
  return arrivals;
}

/** Submission time in ms from the origin time in a message's id (the origin node's clock). */
export function originMs(message: Pick<MessageView, 'originNs'>): number {
  return originNsToMs(BigInt(message.originNs));
}
