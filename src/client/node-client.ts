// Typed calls to a node: each sends one wire command and validates the reply with zod.

import type { z } from 'zod';
import { GossipError } from '../errors.js';
import { encodeNew } from '../protocol/relay-line.js';
import {
  errorReplySchema,
  type FaultViewReply,
  faultsReplySchema,
  type HealthReply,
  healthReplySchema,
  leftReplySchema,
  type MemberView,
  type MessagesReply,
  membersReplySchema,
  messagesReplySchema,
  newReplySchema,
  peersReplySchema,
  type StatsReply,
  splicedReplySchema,
  statsReplySchema,
} from '../protocol/replies.js';
import type { PathSelection, ReadFilter } from '../protocol/requests.js';
import { formatAddress, type NodeAddress, type RequestAuth, sendRequest } from './request.js';

export async function submitMessage(
  address: NodeAddress,
  text: string,
  relays: number,
  timeoutMs?: number,
): Promise<{ id: string; node?: number | undefined }> {
  const reply = await sendRequest(address, encodeNew(relays, text), 'line', timeoutMs);
  return parseReply(address, reply, newReplySchema);
}

export async function fetchMessages(
  address: NodeAddress,
  filter: ReadFilter,
  paths: PathSelection,
): Promise<MessagesReply> {
  const reply = await sendRequest(address, `/MESSAGES:${filter}|${paths}\n`, 'line', 30_000);
  return parseReply(address, reply, messagesReplySchema);
}

/** `/LOOKUP`: the node's messages with this id or this exact text, every path; nothing is marked read. */
export async function lookupMessages(
  address: NodeAddress,
  query: string,
  timeoutMs?: number,
): Promise<MessagesReply> {
  const reply = await sendRequest(address, `/LOOKUP:${query}\n`, 'line', timeoutMs);
  return parseReply(address, reply, messagesReplySchema);
}

/** `/MESSAGES` with `peek`: the get-messages listing without marking anything read. */
export async function peekMessages(address: NodeAddress, timeoutMs?: number): Promise<MessagesReply> {
  const reply = await sendRequest(address, '/MESSAGES:all|all|peek\n', 'line', timeoutMs ?? 30_000);
  return parseReply(address, reply, messagesReplySchema);
}

export async function fetchPeers(address: NodeAddress): Promise<Array<[number, string]>> {
  return parseReply(address, await sendRequest(address, '/PEERS:\n', 'close'), peersReplySchema);
}

export async function fetchStats(address: NodeAddress, timeoutMs?: number): Promise<StatsReply> {
  return parseReply(address, await sendRequest(address, '/STATS:\n', 'line', timeoutMs), statsReplySchema);
}

export async function fetchHealth(address: NodeAddress, timeoutMs?: number): Promise<HealthReply> {
  return parseReply(address, await sendRequest(address, '/HEALTH:\n', 'line', timeoutMs), healthReplySchema);
}

/** `/REMOVE`: an administrative command, authenticated when the network has a cluster key. */
export async function removePeer(address: NodeAddress, peerId: number, auth?: RequestAuth): Promise<void> {
  await sendRequest(address, `/REMOVE:${peerId}\n`, 'none', undefined, auth);
}

/** `/LEAVE`: the node tells its peers it leaves for good, then stops; resolves with the peers it told. */
export async function leaveCluster(address: NodeAddress, auth?: RequestAuth): Promise<number[]> {
  const reply = await sendRequest(address, '/LEAVE:\n', 'line', undefined, auth);
  return parseReply(address, reply, leftReplySchema).left.told;
}

/** `/SPLICE`: the node gives its link to peer `old` to the new node `peer` (which starts next, with it as a peer). */
export async function spliceLink(
  address: NodeAddress,
  old: number,
  peer: { id: number; host: string; port: number },
  auth?: RequestAuth,
): Promise<void> {
  const line = `/SPLICE:${old}|${peer.id}|${formatAddress(peer)}\n`;
  parseReply(address, await sendRequest(address, line, 'line', undefined, auth), splicedReplySchema);
}

/** `/FAULT`: the fault of what the node sends to `target` (a peer, or `*`: every link); a spec, or `clear`. */
export async function setLinkFault(
  address: NodeAddress,
  target: number | '*',
  spec: string,
  auth?: RequestAuth,
): Promise<FaultViewReply & { node: number }> {
  const reply = await sendRequest(address, `/FAULT:${target}|${spec}\n`, 'line', undefined, auth);
  return parseReply(address, reply, faultsReplySchema).faults;
}

/** `/PARTITION`: the nodes this node is cut off from (none: healed). */
export async function setPartition(
  address: NodeAddress,
  cut: readonly number[],
  auth?: RequestAuth,
): Promise<FaultViewReply & { node: number }> {
  const reply = await sendRequest(address, `/PARTITION:${cut.join(',')}\n`, 'line', undefined, auth);
  return parseReply(address, reply, faultsReplySchema).faults;
}

/** `/FAULTS`: the node's link faults and partition (read only, open to anyone). */
export async function fetchFaults(
  address: NodeAddress,
  timeoutMs?: number,
): Promise<FaultViewReply & { node: number }> {
  const reply = await sendRequest(address, '/FAULTS:\n', 'line', timeoutMs);
  return parseReply(address, reply, faultsReplySchema).faults;
}

/** `/MEMBERS`: every member of the cluster the node knows of (by gossip), and the node that answered. */
export async function fetchMembers(
  address: NodeAddress,
  timeoutMs?: number,
): Promise<{ node: number; members: MemberView[] }> {
  const reply = await sendRequest(address, '/MEMBERS:\n', 'line', timeoutMs);
  return parseReply(address, reply, membersReplySchema).members;
}

/** Authenticates to a node (and has it prove the key back) without changing anything there. */
export async function checkAuthentication(address: NodeAddress, auth: RequestAuth): Promise<void> {
  await sendRequest(address, '/PING:\n', 'none', undefined, auth);
}

function parseReply<T>(address: NodeAddress, reply: string, schema: z.ZodType<T>): T {
  const where = formatAddress(address);
  let json: unknown;
  try {
    json = JSON.parse(reply);
  } catch {
    throw new GossipError(
      'GOSSIP_ERR_BAD_REPLY',
      `${where} sent a reply that is not JSON: ${reply.slice(0, 80)}`,
    );
  }
  const refused = errorReplySchema.safeParse(json);
  if (refused.success) {
    throw new GossipError('GOSSIP_ERR_REJECTED', `${where} refused the request: ${refused.data.error}`, {
      details: { wireCode: refused.data.code },
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new GossipError('GOSSIP_ERR_BAD_REPLY', `${where} sent an unexpected reply: ${reply.slice(0, 80)}`);
  }
  return parsed.data;
}
