// The anti-entropy page a node sends back for `/SYNC`: what it holds beyond the requester's cursor.
// Parsed by hand like every other line a node receives (see requests.ts).

import { isNodeId } from './limits.js';
import { type CarriedParts, carriedProblem } from './message-checks.js';
import { DEFAULT_LIMITS, type RequestLimits } from './request-types.js';

export interface SyncPage {
  node: number;
  /** The serving node's epoch: sequence numbers restart when it does. */
  epoch: number;
  /** The sequence number to ask from next time. */
  next: number;
  more: boolean;
  messages: Array<{ id: string; relays: number; path: number[]; clock?: number }>;
}

/**
 * A `{"sync": page}` reply line, or undefined when it is not one. A message in it that a `/RELAY` line could
 * not carry is left out and counted in `refused`; the rest of the page, and the cursor, still count.
 */
export function parseSyncReply(
  line: string,
  limits: RequestLimits = DEFAULT_LIMITS,
): { page: SyncPage; refused: number } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const page = (json as { sync?: unknown } | null)?.sync as Partial<SyncPage> | undefined;
  if (typeof page !== 'object' || page === null) return undefined;
  const { node, epoch, next, more, messages } = page;
  if (!isNodeId(node) || typeof epoch !== 'number' || !Number.isFinite(epoch)) return undefined;
  if (!Number.isSafeInteger(next) || (next ?? -1) < 0 || typeof more !== 'boolean') return undefined;
  if (!Array.isArray(messages)) return undefined;
  const valid = messages.filter((message) => isSyncedMessage(message, limits));
  return { page: { ...(page as SyncPage), messages: valid }, refused: messages.length - valid.length };
}

function isSyncedMessage(value: unknown, limits: RequestLimits): value is SyncPage['messages'][number] {
  return carriedProblem((value ?? {}) as CarriedParts, limits, false) === undefined;
}
