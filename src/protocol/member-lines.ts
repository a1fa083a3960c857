// The lines of cluster membership: `/GOSSIP:<entries>` between peers and the `/MEMBERS` table for clients.
// An entry is a compact JSON array: a full record `[id, "host:port", "a|s|d|l", incarnation, heartbeat,
// [peers]]`, or a heartbeat `[id, incarnation, heartbeat]`. Parsed by hand like every other line a node
// takes; a bad entry is left out and counted, the rest of the line still counts.

import { formatHostPort, parseHostPort } from './address.js';
import { isNodeId } from './limits.js';

export const MEMBER_STATES = ['alive', 'suspect', 'dead', 'left'] as const;
export type MemberState = (typeof MEMBER_STATES)[number];

/** What a node knows of one member, as it travels. */
export interface MemberRecord {
  id: number;
  host: string;
  port: number;
  state: MemberState;
  /** Raised by the member itself when it restarts or refutes a suspicion; a higher one always wins. */
  incarnation: number;
  /** Counts up while the member lives (within one incarnation): how others see it is still there. */
  heartbeat: number;
  /** Its current peers: the overlay's edges. */
  peers: readonly number[];
}

export interface HeartbeatRecord {
  id: number;
  incarnation: number;
  heartbeat: number;
}

export type GossipEntry = { full: MemberRecord } | { beat: HeartbeatRecord };

/** Most entries in one /GOSSIP line. */
export const MAX_GOSSIP_ENTRIES = 256;
/** Most peers one record may list. */
const MAX_RECORD_PEERS = 1_024;
/** Incarnations are ms since the epoch (plus refutations): any safe integer. */
const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

const STATE_LETTERS: Record<MemberState, string> = { alive: 'a', suspect: 's', dead: 'd', left: 'l' };
const LETTER_STATES = new Map(
  Object.entries(STATE_LETTERS).map(([state, letter]) => [letter, state as MemberState]),
);

export function encodeGossip(entries: readonly GossipEntry[]): string {
  return `/GOSSIP:${JSON.stringify(entries.map(entryArray))}\n`;
}

function entryArray(entry: GossipEntry): unknown[] {
  if ('beat' in entry) return [entry.beat.id, entry.beat.incarnation, entry.beat.heartbeat];
  const { id, host, port, state, incarnation, heartbeat, peers } = entry.full;
  return [id, formatHostPort(host, port), STATE_LETTERS[state], incarnation, heartbeat, peers];
}

/** The entries of a /GOSSIP body, and how many were left out as malformed; undefined if it is no list at all. */
export function parseGossip(body: string): { entries: GossipEntry[]; refused: number } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!Array.isArray(json) || json.length > MAX_GOSSIP_ENTRIES) return undefined;
  const entries: GossipEntry[] = [];
  for (const item of json) {
    const entry = parseEntry(item);
    if (entry !== undefined) entries.push(entry);
  }
  return { entries, refused: json.length - entries.length };
}

const isCounter = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_COUNTER;

function parseEntry(item: unknown): GossipEntry | undefined {
  if (!Array.isArray(item)) return undefined;
  if (item.length === 3) {
    const [id, incarnation, heartbeat] = item as unknown[];
    if (!isNodeId(id) || !isCounter(incarnation) || !isCounter(heartbeat)) return undefined;
    return { beat: { id, incarnation, heartbeat } };
  }
  if (item.length !== 6) return undefined;
  const [id, where, letter, incarnation, heartbeat, peers] = item as unknown[];
  const address = typeof where === 'string' && where.length <= 300 ? parseHostPort(where) : undefined;
  const state = typeof letter === 'string' ? LETTER_STATES.get(letter) : undefined;
  if (!isNodeId(id) || address === undefined || state === undefined) return undefined;
  if (!isCounter(incarnation) || !isCounter(heartbeat)) return undefined;
  if (!Array.isArray(peers) || peers.length > MAX_RECORD_PEERS || !peers.every(isNodeId)) return undefined;
  return { full: { id, ...address, state, incarnation, heartbeat, peers } };
}
