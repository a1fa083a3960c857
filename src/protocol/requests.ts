// Parses one request line (`<COMMAND>:<args>`) into a typed request, checking every field: the one place
// where a node validates what arrives on its port. Written by hand rather than with zod: this runs for every
// relay line a node receives, and zod cost 15% of a busy node's CPU and 13 MiB of its resident memory (see
// docs/BENCHMARKS.md); test/unit/requests.test.ts pins every rule and error code.
// Only the first `:` and the first `|` are separators; a message text may contain both.

import { type PeerAddress, parseHostPort } from './address.js';
import { AUTH_NONCE, AUTH_WHO, type AuthLine } from './auth.js';
import { type WireError, wireError } from './errors.js';
import { type LinkFault, parseFaultSpec } from './fault-spec.js';
import {
  CONTROL_CHARACTERS,
  isNodeId,
  MAX_NODE_ID,
  MAX_PATH_LENGTH,
  MAX_RELAYS,
  MAX_TEXT_BYTES,
} from './limits.js';
import { type GossipEntry, MAX_GOSSIP_ENTRIES, parseGossip } from './member-lines.js';
import { messageIdTextEnd } from './message-id.js';
import { scanRelay } from './relay-scan.js';

export const READ_FILTERS = ['unread', 'read', 'all'] as const;
export type ReadFilter = (typeof READ_FILTERS)[number];

/** The reference spells "both" as `shortest & longest`. */
export const PATH_SELECTIONS = ['all', 'shortest', 'longest', 'shortest & longest'] as const;
export type PathSelection = (typeof PATH_SELECTIONS)[number];

export type Request =
  | { type: 'new'; relays: number; text: string }
  | {
      type: 'relay';
      relays: number;
      id: string;
      path: number[];
      clock?: number;
      /** The id as JSON and the path as comma-separated ids: a relay on reuses them (`..,[<pathText>,<self>]`). */
      idJson: string;
      pathText: string;
    }
  | { type: 'push'; relays: number; id: string; path: number[]; clock: number }
  | { type: 'pull'; exchange: boolean; digest: string[] }
  | { type: 'get'; filter: ReadFilter; paths: PathSelection }
  | { type: 'messages'; filter: ReadFilter; paths: PathSelection; peek: boolean }
  | { type: 'lookup'; query: string }
  | { type: 'events' }
  | { type: 'peers' }
  | { type: 'hello'; address: PeerAddress; home: boolean; join: boolean }
  | { type: 'verify'; asker: number; nonce: string }
  | { type: 'prove'; nonce: string }
  | { type: 'leave' }
  | { type: 'splice'; old: number; peer: PeerAddress }
  | { type: 'fault'; target: number | '*'; fault: LinkFault; seed?: number }
  | { type: 'partition'; cut: number[] }
  | { type: 'faults' }
  | { type: 'gossip'; entries: GossipEntry[]; refused: number }
  | { type: 'members' }
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

export const DEFAULT_LIMITS: RequestLimits = { maxTextBytes: MAX_TEXT_BYTES };

/** A whole decimal number of 1..maxDigits digits (no sign, spaces, exponent or hex), else undefined. */
export function wholeNumber(text: string, maxDigits: number): number | undefined {
  if (text.length === 0 || text.length > maxDigits) return undefined;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return undefined;
  }
  return Number(text);
}

export { isNodeId };

/** The reason a relay count is refused, or undefined when it is fine. */
function relayCountProblem(relays: number | undefined): string | undefined {
  if (relays === undefined) return 'relay count must be a whole number';
  if (relays < 1) return 'relay count must be at least 1';
  if (relays > MAX_RELAYS) return `relay count must be at most ${MAX_RELAYS}`;
  return undefined;
}

/** UTF-8 byte length within the cap; most texts are decided by their length alone (at most 3 bytes a unit). */
function fitsText(text: string, limits: RequestLimits): boolean {
  return text.length * 3 <= limits.maxTextBytes || Buffer.byteLength(text) <= limits.maxTextBytes;
}

/** The reason a message text (of a size already checked) is refused, or undefined when it is fine. */
function textProblem(text: string): string | undefined {
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
      return scannedRelay(args, limits) ?? parseCarried(args, limits, 'relay');
    case '/PUSH':
      return parseCarried(args, limits, 'push');
    case '/PULL':
      return parsePull(args);
    case '/GET':
      return parseListing(args);
    case '/MESSAGES':
      return parseMessages(args);
    case '/LOOKUP':
      return parseLookup(args);
    case '/EVENTS':
      return { ok: true, request: { type: 'events' } };
    case '/PEERS':
      return { ok: true, request: { type: 'peers' } };
    case '/REMOVE':
      return parseRemove(args);
    case '/HELLO':
      return parseHello(args);
    case '/VERIFY':
      return parseVerify(args);
    case '/PROVE':
      return parseProve(args);
    case '/LEAVE':
      return { ok: true, request: { type: 'leave' } };
    case '/SPLICE':
      return parseSplice(args);
    case '/FAULT':
      return parseFault(args);
    case '/PARTITION':
      return parsePartition(args);
    case '/FAULTS':
      return { ok: true, request: { type: 'faults' } };
    case '/GOSSIP':
      return parseGossipLine(args);
    case '/MEMBERS':
      return { ok: true, request: { type: 'members' } };
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
  const relays = wholeNumber(relaysText, 9);
  const badRelays = relayCountProblem(relays);
  if (badRelays !== undefined || relays === undefined) return fail('BAD_RELAYS', badRelays ?? '');
  if (!fitsText(text, limits))
    return fail('TEXT_TOO_LONG', `message text is longer than ${limits.maxTextBytes} bytes`);
  const badText = textProblem(text);
  if (badText !== undefined) return fail('BAD_TEXT', badText);
  return { ok: true, request: { type: 'new', relays, text } };
}

/** Highest Lamport clock a line may carry (a safe integer, with room to count on). */
export const MAX_CLOCK = 2 ** 52;

/**
 * `/RELAY:<relays>|["<id>",[<path>]]`, the reference line (ours may add the message's Lamport clock third), and
 * `/PUSH:<relays>|["<id>",[<path>],<clock>]`, a strategy's push (the receiver answers whether it was news).
 */
function parseCarried(args: string, limits: RequestLimits, type: 'relay' | 'push'): ParseResult {
  const command = type.toUpperCase();
  const clockRequired = type === 'push';
  const shape = clockRequired ? '["<id>", [<path>], <clock>]' : '["<id>", [<path>]]';
  const [relaysText, body] = splitOnce(args, '|');
  if (body === undefined) return fail('MALFORMED_REQUEST', `expected /${command}:<relays>|${shape}`);
  const relays = wholeNumber(relaysText, 9);
  const badRelays = relayCountProblem(relays);
  if (badRelays !== undefined || relays === undefined) return fail('BAD_RELAYS', badRelays ?? '');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return fail('MALFORMED_REQUEST', `${command.toLowerCase()} body is not valid JSON`);
  }
  const lengthOk =
    Array.isArray(json) && (clockRequired ? json.length === 3 : json.length === 2 || json.length === 3);
  if (!lengthOk) return fail('BAD_PATH', `${command.toLowerCase()} body must be ${shape}`);
  // Each part is checked by carriedProblem before it is used as typed here.
  const [id, path, clock] = json as [string, number[], number | undefined];
  const problem = carriedProblem({ id, relays, path, clock }, limits, clockRequired);
  if (problem !== undefined) return { ok: false, error: problem };
  if (type === 'push') return { ok: true, request: { type, relays, id, path, clock: clock ?? 0 } };
  const request: Request = { type, relays, id, path, idJson: JSON.stringify(id), pathText: path.join(',') };
  if (clock !== undefined) request.clock = clock;
  return { ok: true, request };
}

/**
 * The fast path of /RELAY (relay-scan.ts): the compact line our nodes write, checked as parseCarried checks
 * it; undefined for any line it cannot take (the general way then parses it, and finds the error if any).
 */
function scannedRelay(args: string, limits: RequestLimits): ParseResult | undefined {
  const scan = scanRelay(args);
  if (scan === undefined || scan.relays < 1 || scan.relays > MAX_RELAYS) return undefined;
  if (scan.clock !== undefined && scan.clock > MAX_CLOCK) return undefined;
  const textEnd = messageIdTextEnd(scan.id);
  if (textEnd === -1) return undefined;
  const text = scan.id.slice(0, textEnd);
  if (!fitsText(text, limits) || textProblem(text) !== undefined) return undefined;
  const { relays, id, path, clock, idJson, pathText } = scan;
  const request: Request = { type: 'relay', relays, id, path, idJson, pathText };
  if (clock !== undefined) request.clock = clock;
  return { ok: true, request };
}

/** Most entries in one digest: about 9 bytes each, well inside the default 64 KiB line cap. */
export const MAX_DIGEST_ENTRIES = 4_000;

/** `/PULL:<pull|exchange>|<hash>,<hash>,...`: "here is what I hold (8-hex-digit hashes of ids); send me the rest". */
function parsePull(args: string): ParseResult {
  const [mode, list] = splitOnce(args, '|');
  if ((mode !== 'pull' && mode !== 'exchange') || list === undefined)
    return fail('BAD_ARGUMENT', 'expected /PULL:<pull|exchange>|<hash>,<hash>,...');
  const digest = list === '' ? [] : list.split(',');
  if (digest.length > MAX_DIGEST_ENTRIES)
    return fail('BAD_ARGUMENT', `a digest holds at most ${MAX_DIGEST_ENTRIES} entries`);
  if (!digest.every((hash) => /^[0-9a-f]{8}$/.test(hash)))
    return fail('BAD_ARGUMENT', 'digest entries must be 8 lowercase hex digits');
  return { ok: true, request: { type: 'pull', exchange: mode === 'exchange', digest } };
}

function parseListing(args: string): ParseResult {
  const [filterText, pathsText] = splitOnce(args, '|');
  const listing = parseFilterAndSelection(filterText, pathsText);
  return 'ok' in listing ? listing : { ok: true, request: { type: 'get', ...listing } };
}

/** `/MESSAGES:<filter>|<selection>[|peek]`: `peek` lists without marking anything read (dashboards). */
function parseMessages(args: string): ParseResult {
  const [filterText, rest] = splitOnce(args, '|');
  const [pathsText, flag] = rest === undefined ? [undefined, undefined] : splitOnce(rest, '|');
  if (flag !== undefined && flag !== 'peek')
    return fail('BAD_ARGUMENT', 'the third field may only be "peek"');
  const listing = parseFilterAndSelection(filterText, pathsText);
  return 'ok' in listing
    ? listing
    : { ok: true, request: { type: 'messages', ...listing, peek: flag === 'peek' } };
}

function parseFilterAndSelection(
  filterText: string,
  pathsText: string | undefined,
): { filter: ReadFilter; paths: PathSelection } | ParseResult {
  const filter = oneOf(READ_FILTERS, filterText === '' ? 'all' : filterText);
  if (filter === undefined)
    return fail('BAD_ARGUMENT', `read filter must be one of ${READ_FILTERS.join(', ')}`);
  const paths = oneOf(PATH_SELECTIONS, pathsText ?? 'all');
  if (paths === undefined)
    return fail('BAD_ARGUMENT', `path selection must be one of ${PATH_SELECTIONS.join(', ')}`);
  return { filter, paths };
}

/** Why a `/LOOKUP` query is refused, or undefined. A message id is its text, `_` and at most 20 digits. */
export function lookupQueryProblem(query: string): string | undefined {
  if (query === '') return 'nothing to look up';
  if (Buffer.byteLength(query) > MAX_TEXT_BYTES + 21) return 'longer than any message id';
  if (CONTROL_CHARACTERS.test(query)) return 'holds control characters';
  return undefined;
}

/** `/LOOKUP:<message id | text>`: the messages with that id or exactly that text. */
function parseLookup(query: string): ParseResult {
  const problem = lookupQueryProblem(query);
  if (problem !== undefined) return fail('BAD_ARGUMENT', `expected /LOOKUP:<message id | text>: ${problem}`);
  return { ok: true, request: { type: 'lookup', query } };
}

function parseRemove(args: string): ParseResult {
  const nodeId = nodeIdArg(args);
  if (nodeId === undefined)
    return fail('BAD_ARGUMENT', `expected /REMOVE:<node-id from 1 to ${MAX_NODE_ID}>`);
  return { ok: true, request: { type: 'remove', nodeId } };
}

/**
 * `/HELLO:<id>|<host>:<port>[|<flags>]`, flags `h` (home peer) and `j` (joining, let me in). The address is
 * required: it is where the node checks the claim back (see handshake.ts).
 */
function parseHello(args: string): ParseResult {
  const [idText = '', where, flags = ''] = args.split('|');
  const nodeId = nodeIdArg(idText);
  const hostPort = where === undefined ? undefined : parseHostPort(where);
  if (nodeId === undefined || hostPort === undefined)
    return fail('BAD_ARGUMENT', `expected /HELLO:<node-id from 1 to ${MAX_NODE_ID}>|<host>:<port>[|<flags>]`);
  if (!/^[hj]{0,2}$/.test(flags)) return fail('BAD_ARGUMENT', 'HELLO flags must be h and/or j');
  return {
    ok: true,
    request: {
      type: 'hello',
      address: { id: nodeId, ...hostPort },
      home: flags.includes('h'),
      join: flags.includes('j'),
    },
  };
}

/** A handshake nonce: 128 random bits in hex. */
const NONCE = /^[0-9a-f]{32}$/;

/** `/VERIFY:<asker id>|<nonce>`: "if you are dialling node <asker>, say this nonce on that link". */
function parseVerify(args: string): ParseResult {
  const [askerText = '', nonce = ''] = splitOnce(args, '|');
  const asker = nodeIdArg(askerText);
  if (asker === undefined || !NONCE.test(nonce))
    return fail('BAD_ARGUMENT', 'expected /VERIFY:<node id>|<32 hex digits>');
  return { ok: true, request: { type: 'verify', asker, nonce } };
}

/** `/PROVE:<nonce>`: the answer to a /VERIFY, on the link whose HELLO it checks. */
function parseProve(nonce: string): ParseResult {
  if (!NONCE.test(nonce)) return fail('BAD_ARGUMENT', 'expected /PROVE:<32 hex digits>');
  return { ok: true, request: { type: 'prove', nonce } };
}

/** `/SPLICE:<old peer id>|<new node id>|<host>:<port>`: the new node takes this node's link to the old peer. */
function parseSplice(args: string): ParseResult {
  const [oldText = '', idText = '', where = '', ...rest] = args.split('|');
  const old = nodeIdArg(oldText);
  const nodeId = nodeIdArg(idText);
  const hostPort = parseHostPort(where);
  if (
    old === undefined ||
    nodeId === undefined ||
    hostPort === undefined ||
    rest.length > 0 ||
    old === nodeId
  )
    return fail('BAD_ARGUMENT', 'expected /SPLICE:<old peer id>|<new node id>|<host>:<port>');
  return { ok: true, request: { type: 'splice', old, peer: { id: nodeId, ...hostPort } } };
}

/** `/FAULT:<peer id | *>|<spec>`: the fault of what this node sends to that peer (or on every link). */
function parseFault(args: string): ParseResult {
  const [targetText, spec] = splitOnce(args, '|');
  const target = targetText === '*' ? '*' : nodeIdArg(targetText);
  if (target === undefined || spec === undefined)
    return fail(
      'BAD_ARGUMENT',
      'expected /FAULT:<peer id | *>|<delay=<ms>,jitter=<ms>,loss=<%>,rate=<kB/s>,down | clear>',
    );
  const parsed = parseFaultSpec(spec);
  if (!parsed.ok) return fail('BAD_ARGUMENT', `bad fault: ${parsed.problem}`);
  const request: Request = { type: 'fault', target, fault: parsed.fault };
  if (parsed.seed !== undefined) request.seed = parsed.seed;
  return { ok: true, request };
}

/** `/GOSSIP:[<entry>, ...]`: membership news and heartbeats from a peer (see member-lines.ts). */
function parseGossipLine(body: string): ParseResult {
  const parsed = parseGossip(body);
  if (parsed === undefined)
    return fail('BAD_ARGUMENT', `expected /GOSSIP:[<member entry>, ...] (at most ${MAX_GOSSIP_ENTRIES})`);
  return { ok: true, request: { type: 'gossip', ...parsed } };
}

/** Most nodes one /PARTITION may cut a node off from. */
const MAX_CUT = 4_096;

/** `/PARTITION:<id>,<id>,...`: the nodes this node is cut off from; empty heals. */
function parsePartition(args: string): ParseResult {
  const parts = args === '' ? [] : args.split(',');
  const cut = parts.map(nodeIdArg);
  if (parts.length > MAX_CUT || cut.some((id) => id === undefined))
    return fail(
      'BAD_ARGUMENT',
      `expected /PARTITION:<node id>,<node id>,... (at most ${MAX_CUT}), or nothing to heal`,
    );
  return { ok: true, request: { type: 'partition', cut: cut as number[] } };
}

/** `/WALK:<ttl>|<origin id>|<host>:<port>` */
function parseWalk(args: string): ParseResult {
  const [ttlText = '', idText = '', where = ''] = args.split('|');
  const ttl = wholeNumber(ttlText, 2);
  const nodeId = nodeIdArg(idText);
  const hostPort = parseHostPort(where);
  if (ttl === undefined || ttl < 1 || ttl > 64 || nodeId === undefined || hostPort === undefined) {
    return fail('BAD_ARGUMENT', 'expected /WALK:<ttl 1-64>|<origin id>|<host>:<port>');
  }
  return { ok: true, request: { type: 'walk', ttl, origin: { id: nodeId, ...hostPort } } };
}

/** `/SYNC:<from sequence>|<epoch>` */
function parseSync(args: string): ParseResult {
  const [fromText = '', epochText = '0'] = args.split('|');
  const from = wholeNumber(fromText, 12);
  const epoch = /^\d{1,16}(\.\d+)?$/.test(epochText) ? Number(epochText) : undefined;
  if (from === undefined || epoch === undefined)
    return fail('BAD_ARGUMENT', 'expected /SYNC:<from sequence>|<epoch>');
  return { ok: true, request: { type: 'sync', from, epoch } };
}

/** `/AUTH:<who>|<to>|<unix-ms>|<nonce>|<hmac>`; the MAC itself is checked by the node, which holds the key. */
function parseAuth(args: string): ParseResult {
  const [who = '', toText = '', atText = '', nonce = '', mac = '', ...rest] = args.split('|');
  const to = nodeIdArg(toText);
  const atMs = wholeNumber(atText, 15);
  if (
    rest.length > 0 ||
    !AUTH_WHO.test(who) ||
    to === undefined ||
    atMs === undefined ||
    !AUTH_NONCE.test(nonce) ||
    !/^[0-9a-f]{64}$/.test(mac)
  ) {
    return fail('AUTH_FAILED', 'expected /AUTH:<who>|<node id>|<unix ms>|<hex nonce>|<hex hmac-sha256>');
  }
  return { ok: true, request: { type: 'auth', who, to, atMs, nonce, mac } };
}

/** A node id argument; surrounding spaces are tolerated, as the reference's int() does. */
function nodeIdArg(text: string): number | undefined {
  const id = wholeNumber(text.trim(), 9);
  return id !== undefined && isNodeId(id) ? id : undefined;
}

function oneOf<T extends string>(choices: readonly T[], text: string): T | undefined {
  return choices.find((choice) => choice === text);
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

function fail(code: WireError['code'], message: string): { ok: false; error: WireError } {
  return { ok: false, error: wireError(code, message) };
}
