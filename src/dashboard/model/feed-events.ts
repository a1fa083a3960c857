// What the dashboard passes on to the page and keeps in its event log: every node's events, plus the
// dashboard's own view of each node's stream (connected, lost, removed). The schema checks lines read back
// from the event log; the page imports only the types.

import { z } from 'zod';
import { nodeEventSchema } from '../../protocol/events.js';

/** How the dashboard sees a node: its event stream is live, being (re)connected, lost, or removed for good. */
export const nodeStatusEventSchema = z.object({
  event: z.literal('node.status'),
  node: z.number().int(),
  atMs: z.number(),
  status: z.enum(['connecting', 'up', 'down', 'removed']),
  address: z.string(),
});
export const feedEventSchema = z.union([nodeEventSchema, nodeStatusEventSchema]);

export type NodeStatusEvent = z.infer<typeof nodeStatusEventSchema>;
export type NodeStatus = NodeStatusEvent['status'];
export type FeedEvent = z.infer<typeof feedEventSchema>;
