// Parses one request line (`<COMMAND>:<args>`) into a typed request, validating every field with zod.
// Only the first `:` and the first `|` are separators; a message text may contain both.

import { z } from 'zod';
import { type PeerAddress, parseHostPort } from './address.js';
import { AUTH_NONCE, AUTH_WHO, type AuthLine } from './auth.js';
import { type WireError, wireError } from './errors.js';
import { CONTROL_CHARACTERS, MAX_NODE_ID, MAX_PATH_LENGTH, MAX_RELAYS, MAX_TEXT_BYTES } from './limits.js';
import { parseMessageId } from './message-id.js';

export const READ_FILTERS = ['unread', 'read', 'all'] as const;
export type ReadFilter = (typeof READ_FILTERS)[number];

/** The reference spells "both" as `shortest & longest`. */
export const PATH_SELECTIONS = ['all', 'shortest', 'longest', 'shortest & longest'] as const;
export type PathSelection = (typeof PATH_SELECTIONS)[number];

export type Request =
  | { type: 'new'; relays: number; text: string }
  | { type: 'relay'; relays: number; id: string; path: number[] }
  | { type: 'get'; filter: ReadFilter; paths: PathSelection }
  | { type: 'messages'; filter: ReadFilter; paths: PathSelection }
  | { type: 'peers' }
  | { type: 'hello'; nodeId: number; address: PeerAddress | undefined; home: boolean; join: boolean }
  | { type: 'walk'; ttl: number; origin: PeerAddress }
  | { type: 'ping' }
  | { type: 'sync'; from: number; epoch: number }
  | { type: 'remove'; nodeId: number }
  | { type: 'stats' }
  | { type: 'health' }
  | ({ type: 'auth' } & AuthLine);

export type ParseResult = { ok: true; request: Request } | { ok: false; error: WireError };

/** What a node allows in one request, beyond the line cap that framing enforces. */
export interface RequestLimits {
  /** Longest message text in bytes (UTF-8), in `/NEW` and in the ids of `/RELAY`. */
  maxTextBytes: number;
}

const nodeIdSchema = z.number().int().min(1).max(MAX_NODE_ID);
const relaysSchema = z
  .string()
  .regex(/^\d{1,9}$/, 'relay count must be a whole number')
  .transform(Number)
  .pipe(
    z
      .number()
      .min(1, 'relay count must be at least 1')
      .max(MAX_RELAYS, `relay count must be at most ${MAX_RELAYS}`),
  );
const textSchema = z
  .string()
  .min(1, 'message text is empty')
  .refine((text) => !CONTROL_CHARACTERS.test(text), 'message text holds control characters');
const relayBodySchema = z.tuple([
  z.string().refine((id) => parseMessageId(id) !== undefined, 'message id must look like <text>_<origin ns>'),
  z
    .array(nodeIdSchema)
    .min(1, 'path is empty')
    .max(MAX_PATH_LENGTH, `path is longer than ${MAX_PATH_LENGTH} hops`),
]);
const readFilterSchema = z.enum(READ_FILTERS);
const pathSelectionSchema = z.enum(PATH_SELECTIONS);
const smallCountSchema = z
  .string()
  .regex(/^\d{1,2}$/)
  .transform(Number)
  .pipe(z.number().min(1).max(64));
const nodeIdArgSchema = z
  .string()
  .regex(/^\d{1,9}$/, 'node id must be a whole number')
  .transform(Number)
  .pipe(nodeIdSchema);

const DEFAULT_LIMITS: RequestLimits = { maxTextBytes: MAX_TEXT_BYTES };

/** A parser for a node's limits; `parseRequest` uses the defaults. */
export function createRequestParser(limits: RequestLimits): (line: string) => ParseResult {
  return (line) => parseWith(line, limits);
}

export function parseRequest(line: string): ParseResult {
  return parseWith(line, DEFAULT_LIMITS);
}

function parseWith(line: string, limits: RequestLimits): ParseResult {
  const colon = line.indexOf(':');
  const command = colon === -1 ? line : line.slice(0, colon);
  const args = colon === -1 ? '' : line.slice(colon + 1);
  switch (command) {
    case '/NEW':
      return parseNew(args, limits);
    case '/RELAY':
      return parseRelay(args, limits);
    case '/GET':
    case '/MESSAGES':
      return parseListing(command === '/GET' ? 'get' : 'messages', args);
    case '/PEERS':
      return { ok: true, request: { type: 'peers' } };
    case '/REMOVE':
      return parseRemove(args);
    case '/HELLO':
      return parseHello(args);
    case '/WALK':
      return parseWalk(args);
    case '/PING':
      return { ok: true, request: { type: 'ping' } };
    case '/SYNC':
      return parseSync(args);
    case '/STATS':
      return { ok: true, request: { type: 'stats' } };
    case '/HEALTH':
      return { ok: true, request: { type: 'health' } };
    case '/AUTH':
      return parseAuth(args);
    default:
      return fail('UNKNOWN_COMMAND', `unknown command ${JSON.stringify(command.slice(0, 32))}`);
  }
}

function parseNew(args: string, limits: RequestLimits): ParseResult {
  const [relaysText, text] = splitOnce(args, '|');
  if (text === undefined) return fail('MALFORMED_REQUEST', 'expected /NEW:<relays>|<text>');
  const relays = relaysSchema.safeParse(relaysText);
  if (!relays.success) return fail('BAD_RELAYS', firstIssue(relays.error));
  if (!fitsText(text, limits))
    return fail('TEXT_TOO_LONG', `message text is longer than ${limits.maxTextBytes} bytes`);
  const parsedText = textSchema.safeParse(text);
  if (!parsedText.success) return fail('BAD_TEXT', firstIssue(parsedText.error));
  return { ok: true, request: { type: 'new', relays: relays.data, text: parsedText.data } };
}

function parseRelay(args: string, limits: RequestLimits): ParseResult {
  const [relaysText, body] = splitOnce(args, '|');
  if (body === undefined) return fail('MALFORMED_REQUEST', 'expected /RELAY:<relays>|["<id>", [<path>]]');
  const relays = relaysSchema.safeParse(relaysText);
  if (!relays.success) return fail('BAD_RELAYS', firstIssue(relays.error));
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return fail('MALFORMED_REQUEST', 'relay body is not valid JSON');
  }
  const parsed = relayBodySchema.safeParse(json);
  if (!parsed.success) {
    const code = parsed.error.issues[0]?.path[0] === 0 ? 'BAD_MESSAGE_ID' : 'BAD_PATH';
    return fail(code, firstIssue(parsed.error));
  }
  const [id, path] = parsed.data;
  const idText = parseMessageId(id)?.text ?? '';
  if (!fitsText(idText, limits))
    return fail('BAD_MESSAGE_ID', `message text is longer than ${limits.maxTextBytes} bytes`);
  const text = textSchema.safeParse(idText);
  if (!text.success) return fail('BAD_MESSAGE_ID', firstIssue(text.error));
  return { ok: true, request: { type: 'relay', relays: relays.data, id, path } };
}

function parseListing(type: 'get' | 'messages', args: string): ParseResult {
  const [filterText, pathsText] = splitOnce(args, '|');
  const filter = readFilterSchema.safeParse(filterText === '' ? 'all' : filterText);
  if (!filter.success) return fail('BAD_ARGUMENT', `read filter must be one of ${READ_FILTERS.join(', ')}`);
  const paths = pathSelectionSchema.safeParse(pathsText ?? 'all');
  if (!paths.success)
    return fail('BAD_ARGUMENT', `path selection must be one of ${PATH_SELECTIONS.join(', ')}`);
  return { ok: true, request: { type, filter: filter.data, paths: paths.data } };
}

function parseRemove(args: string): ParseResult {
  const nodeId = nodeIdArgSchema.safeParse(args.trim());
  if (!nodeId.success) return fail('BAD_ARGUMENT', `expected /REMOVE:<node-id>: ${firstIssue(nodeId.error)}`);
  return { ok: true, request: { type: 'remove', nodeId: nodeId.data } };
}

/** `/HELLO:<id>[|<host>:<port>[|<flags>]]`, flags `h` (home peer) and `j` (joining, let me in). */
function parseHello(args: string): ParseResult {
  const [idText = '', where, flags = ''] = args.split('|');
  const nodeId = nodeIdArgSchema.safeParse(idText.trim());
  if (!nodeId.success)
    return fail('BAD_ARGUMENT', `expected /HELLO:<node-id>|<host>:<port>: ${firstIssue(nodeId.error)}`);
  const hostPort = where === undefined ? undefined : parseHostPort(where);
  if (where !== undefined && hostPort === undefined)
    return fail('BAD_ARGUMENT', 'HELLO address must be <host>:<port>');
  if (!/^[hj]{0,2}$/.test(flags)) return fail('BAD_ARGUMENT', 'HELLO flags must be h and/or j');
  const address = hostPort === undefined ? undefined : { id: nodeId.data, ...hostPort };
  return {
    ok: true,
    request: {
      type: 'hello',
      nodeId: nodeId.data,
      address,
      home: flags.includes('h'),
      join: flags.includes('j'),
    },
  };
}

/** `/WALK:<ttl>|<origin id>|<host>:<port>` */
function parseWalk(args: string): ParseResult {
  const [ttlText = '', idText = '', where = ''] = args.split('|');
  const ttl = smallCountSchema.safeParse(ttlText);
  const nodeId = nodeIdArgSchema.safeParse(idText);
  const hostPort = parseHostPort(where);
  if (!ttl.success || !nodeId.success || hostPort === undefined) {
    return fail('BAD_ARGUMENT', 'expected /WALK:<ttl 1-64>|<origin id>|<host>:<port>');
  }
  return { ok: true, request: { type: 'walk', ttl: ttl.data, origin: { id: nodeId.data, ...hostPort } } };
}

/** `/SYNC:<from sequence>|<epoch>` */
function parseSync(args: string): ParseResult {
  const [fromText = '', epochText = '0'] = args.split('|');
  const from = z.coerce
    .number()
    .int()
    .min(0)
    .safeParse(/^\d{1,12}$/.test(fromText) ? fromText : 'x');
  const epoch = z.coerce
    .number()
    .min(0)
    .safeParse(/^\d{1,16}(\.\d+)?$/.test(epochText) ? epochText : 'x');
  if (!from.success || !epoch.success) return fail('BAD_ARGUMENT', 'expected /SYNC:<from sequence>|<epoch>');
  return { ok: true, request: { type: 'sync', from: from.data, epoch: epoch.data } };
}

/** `/AUTH:<who>|<to>|<unix-ms>|<nonce>|<hmac>`; the MAC itself is checked by the node, which holds the key. */
function parseAuth(args: string): ParseResult {
  const [who = '', toText = '', atText = '', nonce = '', mac = '', ...rest] = args.split('|');
  const to = nodeIdArgSchema.safeParse(toText);
  if (
    rest.length > 0 ||
    !AUTH_WHO.test(who) ||
    !to.success ||
    !/^\d{1,15}$/.test(atText) ||
    !AUTH_NONCE.test(nonce) ||
    !/^[0-9a-f]{64}$/.test(mac)
  ) {
    return fail('AUTH_FAILED', 'expected /AUTH:<who>|<node id>|<unix ms>|<hex nonce>|<hex hmac-sha256>');
  }
  return { ok: true, request: { type: 'auth', who, to: to.data, atMs: Number(atText), nonce, mac } };
}

/** UTF-8 byte length within the cap; most texts are decided by their length alone (at most 3 bytes a unit). */
function fitsText(text: string, limits: RequestLimits): boolean {
  return text.length * 3 <= limits.maxTextBytes || Buffer.byteLength(text) <= limits.maxTextBytes;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'invalid request';
}

function fail(code: WireError['code'], message: string): ParseResult {
  return { ok: false, error: wireError(code, message) };
}
