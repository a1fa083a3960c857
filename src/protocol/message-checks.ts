// The checks on a message's parts, the one set for every way a message arrives: a client's /NEW, and a
// message a peer carries (a relay, a push, a sync page or a pull reply).

import { type WireError, wireError } from './errors.js';
import { CONTROL_CHARACTERS, isNodeId, MAX_NODE_ID, MAX_PATH_LENGTH, MAX_RELAYS } from './limits.js';
import { messageIdTextEnd } from './message-id.js';
import type { RequestLimits } from './request-types.js';

/** Highest Lamport clock a line may carry (a safe integer, with room to count on). */
export const MAX_CLOCK = 2 ** 52;

/** The reason a relay count is refused, or undefined when it is fine. */
export function relayCountProblem(relays: number | undefined): string | undefined {
  if (relays === undefined) return 'relay count must be a whole number';
  if (relays < 1) return 'relay count must be at least 1';
  if (relays > MAX_RELAYS) return `relay count must be at most ${MAX_RELAYS}`;
  return undefined;
}

/** UTF-8 byte length within the cap; most texts are decided by their length alone (at most 3 bytes a unit). */
export function fitsText(text: string, limits: RequestLimits): boolean {
  return text.length * 3 <= limits.maxTextBytes || Buffer.byteLength(text) <= limits.maxTextBytes;
}

/** The reason a message text (of a size already checked) is refused, or undefined when it is fine. */
export function textProblem(text: string): string | undefined {
  if (text.length === 0) return 'message text is empty';
  if (CONTROL_CHARACTERS.test(text)) return 'message text holds control characters';
  return undefined;
}

/** A message a peer carries to us (a relay, a push, a sync page or a pull reply), its parts as they came. */
export interface CarriedParts {
  id: unknown;
  relays: unknown;
  path: unknown;
  clock: unknown;
}

/**
 * Why a carried message is refused, or undefined when it is fine: the one set of checks for every way a
 * message arrives from a peer. Its text must pass what `/NEW` checks; `clockRequired` for a push.
 */
export function carriedProblem(
  { id, relays, path, clock }: CarriedParts,
  limits: RequestLimits,
  clockRequired: boolean,
): WireError | undefined {
  if (typeof id !== 'string') return wireError('BAD_MESSAGE_ID', 'message id must be a string');
  const textEnd = messageIdTextEnd(id);
  if (textEnd === -1) return wireError('BAD_MESSAGE_ID', 'message id must look like <text>_<origin ns>');
  const text = id.slice(0, textEnd);
  if (!fitsText(text, limits))
    return wireError('BAD_MESSAGE_ID', `message text is longer than ${limits.maxTextBytes} bytes`);
  const badText = textProblem(text);
  if (badText !== undefined) return wireError('BAD_MESSAGE_ID', badText);
  const badRelays = relayCountProblem(Number.isInteger(relays) ? (relays as number) : undefined);
  if (badRelays !== undefined) return wireError('BAD_RELAYS', badRelays);
  const badPath = pathProblem(path);
  if (badPath !== undefined) return wireError('BAD_PATH', badPath);
  const clockOk =
    clock === undefined
      ? !clockRequired
      : Number.isSafeInteger(clock) && (clock as number) >= 0 && (clock as number) <= MAX_CLOCK;
  if (!clockOk) return wireError('BAD_ARGUMENT', `the clock must be a whole number from 0 to ${MAX_CLOCK}`);
  return undefined;
}

export function pathProblem(path: unknown): string | undefined {
  if (!Array.isArray(path)) return 'path must be an array of node ids';
  if (path.length === 0) return 'path is empty';
  if (path.length > MAX_PATH_LENGTH) return `path is longer than ${MAX_PATH_LENGTH} hops`;
  for (const hop of path) {
    if (!isNodeId(hop)) return `path hops must be node ids from 1 to ${MAX_NODE_ID}`;
  }
  return undefined;
}
