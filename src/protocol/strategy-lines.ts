// The lines of the dissemination strategies (push, pull, push-pull, anti-entropy) and their replies:
// `/PUSH` is answered with whether it was news (the pusher's feedback), `/PULL` with what the asker lacks.
// Replies are parsed by hand like every other line a node receives (see requests.ts).

import { isNodeId } from './limits.js';
import { type CarriedParts, carriedProblem } from './message-checks.js';
import { DEFAULT_LIMITS, type RequestLimits } from './request-types.js';

/** A message as strategies carry it: the sender's first path (ending with the sender) and its Lamport clock. */
export interface CarriedMessage {
  id: string;
  relays: number;
  path: number[];
  clock: number;
}

export interface PushReply {
  node: number;
  id: string;
  /** The receiver did not hold the message before: the push was useful. */
  useful: boolean;
}

export interface PullReply {
  node: number;
  messages: CarriedMessage[];
  /** For an exchange: the digest entries of the asker that the answering node lacks (the asker pushes them). */
  lacks: string[];
}

export function encodePush(message: CarriedMessage): string {
  const { relays, id, path, clock } = message;
  return `/PUSH:${relays}|[${JSON.stringify(id)},[${path.join(',')}],${clock}]\n`;
}

export function encodePull(exchange: boolean, digest: readonly string[]): string {
  return `/PULL:${exchange ? 'exchange' : 'pull'}|${digest.join(',')}\n`;
}

/** A `{"push": ...}` reply line, or undefined when it is not one or is malformed. */
export function parsePushReply(line: string): PushReply | undefined {
  const body = field(line, 'push') as Partial<PushReply> | undefined;
  if (body === undefined || !isNodeId(body.node) || typeof body.id !== 'string') return undefined;
  if (typeof body.useful !== 'boolean') return undefined;
  return { node: body.node, id: body.id, useful: body.useful };
}

/**
 * A `{"pull": ...}` reply line, or undefined when it is not one or is malformed. A message in it that a
 * `/PUSH` line could not carry is left out and counted in `refused`.
 */
export function parsePullReply(
  line: string,
  limits: RequestLimits = DEFAULT_LIMITS,
): { reply: PullReply; refused: number } | undefined {
  const body = field(line, 'pull') as Partial<PullReply> | undefined;
  if (body === undefined || !isNodeId(body.node)) return undefined;
  const { messages, lacks } = body;
  if (!Array.isArray(messages)) return undefined;
  if (!Array.isArray(lacks) || !lacks.every((hash) => typeof hash === 'string' && /^[0-9a-f]{8}$/.test(hash)))
    return undefined;
  const valid = messages.filter((message) => isCarried(message, limits));
  return { reply: { node: body.node, messages: valid, lacks }, refused: messages.length - valid.length };
}

function field(line: string, name: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const value = (json as Record<string, unknown> | null)?.[name];
  return typeof value === 'object' && value !== null ? value : undefined;
}

function isCarried(value: unknown, limits: RequestLimits): value is CarriedMessage {
  return carriedProblem((value ?? {}) as CarriedParts, limits, true) === undefined;
}
