// The lines of an `/EVENTS` stream: a snapshot of the node first, then one JSON line per node event.
// Zod schemas, so a subscriber (the dashboard) validates what comes off the network like any reply.

import { z } from 'zod';
import { faultViewSchema, pathViewSchema, peerViewSchema } from './replies.js';

const nodeId = z.number().int();
/** Every line names the node that emitted it and when (ms since the epoch on the node's clock). */
const base = { node: nodeId, atMs: z.number() };

const snapshotEventSchema = z.object({
  event: z.literal('snapshot'),
  ...base,
  address: z.string(),
  pid: z.number().int(),
  startedAtMs: z.number(),
  messages: z.number().int(),
  peers: z.array(peerViewSchema),
  /** The node's link faults and partition (gossip link, partition); absent from nodes that predate them. */
  faults: faultViewSchema.optional(),
});

export const nodeEventSchema = z.discriminatedUnion('event', [
  snapshotEventSchema,
  z.object({ event: z.literal('message.accepted'), ...base, id: z.string(), relays: z.number().int() }),
  z.object({
    event: z.literal('message.delivered'),
    ...base,
    id: z.string(),
    /** The arrival path, ending with this node; `atMs` is the arrival time. */
    path: z.array(nodeId),
    first: z.boolean(),
    via: pathViewSchema.shape.via,
  }),
  z.object({ event: z.literal('message.relayed'), ...base, id: z.string(), to: z.array(nodeId) }),
  z.object({ event: z.literal('link.up'), ...base, peer: nodeId, address: z.string() }),
  z.object({
    event: z.literal('link.down'),
    ...base,
    peer: nodeId,
    address: z.string(),
    reason: z.string(),
    wasUp: z.boolean(),
  }),
  z.object({
    event: z.literal('peer.added'),
    ...base,
    peer: nodeId,
    address: z.string(),
    reason: z.string(),
  }),
  z.object({
    event: z.literal('peer.dropped'),
    ...base,
    peer: nodeId,
    address: z.string(),
    reason: z.string(),
  }),
  z.object({
    event: z.literal('sync.received'),
    ...base,
    peer: nodeId,
    learned: z.number().int(),
    more: z.boolean(),
  }),
  /** The node's link faults or partition changed: all of them as they now are (as /FAULTS says). */
  z.object({ event: z.literal('link.faults'), ...base, ...faultViewSchema.shape }),
  /** The subscriber fell behind: this many events were left out just before this line. */
  z.object({ event: z.literal('events.dropped'), ...base, dropped: z.number().int() }),
]);

export type NodeEvent = z.infer<typeof nodeEventSchema>;
export type NodeEventName = NodeEvent['event'];
/** A node event of one kind. */
export type NodeEventOf<K extends NodeEventName> = Extract<NodeEvent, { event: K }>;

/** Validates one line of an /EVENTS stream; undefined for anything that is not an event line. */
export function parseNodeEvent(line: string): NodeEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = nodeEventSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
