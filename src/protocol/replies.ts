// Reply shapes: the reference ones (/GET, /PEERS: bare JSON then close) and ours (one JSON line each),
// with zod schemas so clients validate what comes off the network.

import { z } from 'zod';
import { WIRE_ERROR_CODES } from './errors.js';
import { MEMBER_STATES } from './member-lines.js';

export const pathViewSchema = z.object({
  path: z.array(z.number().int()),
  /** When this path arrived, ms since the epoch on the node's clock (node/wall-clock.ts). */
  atMs: z.number(),
  /**
   * How it arrived: submitted there, relayed by a peer, pulled from a peer by catch-up, or by a strategy's
   * push or pull (start-network --strategy).
   */
  via: z.enum(['origin', 'relay', 'catch-up', 'push', 'pull']),
});

export const messageViewSchema = z.object({
  id: z.string(),
  text: z.string(),
  origin: z.number().int(),
  /** Origin time in ns since the epoch, as a decimal string (it does not fit a double). */
  originNs: z.string(),
  relays: z.number().int(),
  /** The message's Lamport clock, stamped by its origin; listings are ordered by it (0: a reference peer's). */
  clock: z.number().int().default(0),
  read: z.boolean(),
  paths: z.array(pathViewSchema),
});

export const messagesReplySchema = z.object({
  node: z.number().int(),
  messages: z.array(messageViewSchema),
});

export const peerViewSchema = z.object({
  id: z.number().int(),
  address: z.string(),
  state: z.enum(['up', 'connecting', 'down']),
  queued: z.number().int(),
  /** One of the node's original peers (it gets its slot back after a failure heals). */
  home: z.boolean(),
});

export const linkFaultSchema = z.object({
  delayMs: z.number(),
  jitterMs: z.number(),
  lossPercent: z.number(),
  rateKBps: z.number().optional(),
  down: z.boolean(),
});

/** The link faults a node applies to what it sends, and the partition it is in (gossip link, partition). */
export const faultViewSchema = z.object({
  links: z.array(z.object({ peer: z.number().int(), fault: linkFaultSchema, description: z.string() })),
  all: linkFaultSchema,
  cut: z.array(z.number().int()),
  seed: z.number().int(),
});

export const statsReplySchema = z.object({
  node: z.number().int(),
  address: z.string(),
  pid: z.number().int(),
  startedAtMs: z.number(),
  uptimeMs: z.number(),
  messages: z.number().int(),
  /** The dissemination strategy the node runs, its Lamport clock, and how many rumors it still pushes. */
  strategy: z.string().optional(),
  clock: z.number().int().optional(),
  hotRumors: z.number().int().optional(),
  peers: z.array(peerViewSchema),
  counters: z.record(z.string(), z.number()),
  errors: z.record(z.string(), z.number()),
  /** The node process's memory when it answered. */
  memory: z.object({ rssBytes: z.number(), heapUsedBytes: z.number() }).optional(),
  faults: faultViewSchema.optional(),
});

export const healthReplySchema = z.object({
  ok: z.literal(true),
  node: z.number().int(),
  pid: z.number().int(),
  uptimeMs: z.number(),
  links: z.object({ up: z.number().int(), total: z.number().int() }),
});

export const newReplySchema = z.object({ id: z.string(), node: z.number().int().optional() });

export const errorReplySchema = z.object({ error: z.string(), code: z.enum(WIRE_ERROR_CODES) });

/** `/LEAVE` reply: the node told these peers it leaves for good, and is stopping. */
export const leftReplySchema = z.object({
  left: z.object({ node: z.number().int(), told: z.array(z.number().int()) }),
});

/** `/SPLICE` reply: the node dropped its link to `dropped`, which `peer` takes. */
export const splicedReplySchema = z.object({
  spliced: z.object({ node: z.number().int(), dropped: z.number().int(), peer: z.number().int() }),
});

/** `/FAULT`, `/PARTITION` and `/FAULTS` reply: the node's link faults and partition now. */
export const faultsReplySchema = z.object({ faults: faultViewSchema.extend({ node: z.number().int() }) });

/** One member in a node's `/MEMBERS` table. */
export const memberViewSchema = z.object({
  id: z.number().int(),
  address: z.string(),
  state: z.enum(MEMBER_STATES),
  incarnation: z.number().int(),
  heartbeat: z.number().int(),
  /** How long ago news of it reached this node, ms. */
  lastHeardMs: z.number(),
  peers: z.array(z.number().int()),
});

/** `/MEMBERS` reply: every member the node knows of (the whole cluster, by gossip). */
export const membersReplySchema = z.object({
  members: z.object({ node: z.number().int(), members: z.array(memberViewSchema) }),
});

/** Reference /PEERS reply: [[9, "Gossip-Node-9 (127.0.0.1:7009)"], ...]. */
export const peersReplySchema = z.array(z.tuple([z.number().int(), z.string()]));

export type PathView = z.infer<typeof pathViewSchema>;
export type MessageView = z.infer<typeof messageViewSchema>;
export type MessagesReply = z.infer<typeof messagesReplySchema>;
export type PeerView = z.infer<typeof peerViewSchema>;
export type StatsReply = z.infer<typeof statsReplySchema>;
export type MemberView = z.infer<typeof memberViewSchema>;
export type FaultViewReply = z.infer<typeof faultViewSchema>;
export type HealthReply = z.infer<typeof healthReplySchema>;

export { encodeError, encodeLine, nodeName, peerLabel } from './encode.js';
