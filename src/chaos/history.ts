// The history of a `gossip chaos` run: one NDJSON record per thing that happened or was seen (the client
// workload, the nemesis, the nodes' peer changes and processes, the final listings), in the order recorded.
// The checker reads nothing else. Zod schemas, because a history file read back (`gossip chaos --check`) is
// input like any other.

import { z } from 'zod';
import { pathViewSchema } from '../protocol/replies.js';

const nodeId = z.number().int();
const at = { atMs: z.number() };

/** Where a peer observation comes from: the node's /EVENTS stream, its own log, or /STATS after the heal. */
export const PEER_SOURCES = ['events', 'log', 'final'] as const;
export type PeerSource = (typeof PEER_SOURCES)[number];

export const CHAOS_FAULTS = [
  'kill',
  'stop',
  'partition',
  'loss',
  'delay',
  'remove',
  'restart',
  'add',
] as const;
export type ChaosFault = (typeof CHAOS_FAULTS)[number];

export const nemesisStepSchema = z.object({
  atMs: z.number(),
  /** Injections are numbered from 1; a lift carries the number of the injection it ends. */
  fault: z.number().int(),
  action: z.enum(['inject', 'lift']),
  kind: z.enum(CHAOS_FAULTS),
  /** The node acted on (killed, stopped, removed, restarted, added; for loss and delay: whose links). */
  nodes: z.array(nodeId),
  /** partition: every live node in exactly one group. */
  groups: z.array(z.array(nodeId)).optional(),
  /** loss and delay: the fault as the wire spells it, on every link or on the links of `nodes`. */
  spec: z.string().optional(),
  everyLink: z.boolean().optional(),
});
export type NemesisStep = z.infer<typeof nemesisStepSchema>;

const heldMessageSchema = z.object({
  id: z.string(),
  text: z.string(),
  paths: z.array(pathViewSchema),
});
export type HeldMessage = z.infer<typeof heldMessageSchema>;

export const historyRecordSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run'),
    ...at,
    seed: z.number().int(),
    durationMs: z.number(),
    rate: z.number(),
    faults: z.array(z.enum(CHAOS_FAULTS)),
    /** Live nodes when the run began, and the most peers a node may have. */
    nodes: z.array(nodeId),
    maxPeers: z.number().int(),
    home: z.string(),
  }),
  z.object({ type: z.literal('schedule'), steps: z.array(nemesisStepSchema) }),
  /** Messages the nodes held before the run: submitted by earlier clients, not invented. */
  z.object({ type: z.literal('baseline'), ...at, ids: z.array(z.string()) }),
  /** One client /NEW: acknowledged with an id, or failed with an error (then it may or may not exist). */
  z.object({
    type: z.literal('submit'),
    ...at,
    seq: z.number().int(),
    node: nodeId,
    text: z.string(),
    ackAtMs: z.number().optional(),
    id: z.string().optional(),
    error: z.string().optional(),
  }),
  z.object({
    type: z.literal('nemesis'),
    ...at,
    step: nemesisStepSchema,
    description: z.string(),
    /** Nodes the request did not reach, or why the step failed. */
    error: z.string().optional(),
  }),
  z.object({
    type: z.literal('process'),
    ...at,
    node: nodeId,
    pid: z.number().int(),
    event: z.enum(['started', 'killed', 'stopped', 'continued', 'removed', 'exited']),
  }),
  /** A node's whole peer list at that moment (a stream's snapshot, a start in its log, /STATS at the end). */
  z.object({
    type: z.literal('peers'),
    ...at,
    node: nodeId,
    source: z.enum(PEER_SOURCES),
    peers: z.array(nodeId),
  }),
  z.object({
    type: z.literal('peer'),
    ...at,
    node: nodeId,
    source: z.enum(PEER_SOURCES),
    change: z.enum(['added', 'dropped']),
    peer: nodeId,
    reason: z.string(),
  }),
  /** Catch-up: the node learned this many messages from a peer's /SYNC page. */
  z.object({ type: z.literal('sync'), ...at, node: nodeId, peer: nodeId, learned: z.number().int() }),
  z.object({
    type: z.literal('heal'),
    ...at,
    phase: z.enum(['begin', 'done']),
    /** What could not be healed (a node that did not restart, a request that did not get through). */
    error: z.string().optional(),
  }),
  z.object({
    type: z.literal('converged'),
    ...at,
    ok: z.boolean(),
    waitedMs: z.number(),
    boundMs: z.number(),
  }),
  /** A live node's messages at the end (this run's and any it holds that are not in the baseline). */
  z.object({
    type: z.literal('holdings'),
    ...at,
    node: nodeId,
    messages: z.array(heldMessageSchema).optional(),
    error: z.string().optional(),
  }),
  /** At the end: is the process of each node that should run still running. */
  z.object({ type: z.literal('alive'), ...at, node: nodeId, pid: z.number().int(), alive: z.boolean() }),
  z.object({ type: z.literal('end'), ...at, interrupted: z.boolean() }),
]);

export type HistoryRecord = z.infer<typeof historyRecordSchema>;
export type HistoryType = HistoryRecord['type'];
export type RecordOf<K extends HistoryType> = Extract<HistoryRecord, { type: K }>;

/** The records of one type, in history order. */
export function recordsOf<K extends HistoryType>(
  history: readonly HistoryRecord[],
  type: K,
): Array<RecordOf<K>> {
  return history.filter((record): record is RecordOf<K> => record.type === type);
}

/** NDJSON text to records; the line number and zod's complaint for the first bad line. */
export function parseHistory(text: string): { records: HistoryRecord[] } | { problem: string } {
  const records: HistoryRecord[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return { problem: `line ${index + 1} is not JSON` };
    }
    const parsed = historyRecordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        problem: `line ${index + 1}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'unexpected'}`,
      };
    }
    records.push(parsed.data);
  }
  return { records };
}
