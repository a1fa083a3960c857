// What a node must answer to each request line, stated from the README ("Wire protocol", "Security and
// limits") on its own, without the node's framing or parser (src/protocol is not imported): the fuzz test holds
// a live node to it line by line, so a parser bug cannot agree with itself. Where the README names no rule,
// the node's choice that test/unit/requests.test.ts pins is written here too, marked "(not in the README)".

/** What a node answers to one line: an error line, one reply line (with this field), nothing, or a close. */
export type Verdict =
  | { kind: 'error'; code: string }
  | { kind: 'reply'; field: string }
  | { kind: 'none' }
  | { kind: 'close' };

export interface WireRules {
  nodeId: number;
  /** The node has a cluster key, and the connection has not authenticated. */
  keyed: boolean;
  maxLineBytes?: number;
  maxTextBytes?: number;
}

/**
 * Taken only on a verified peer link (README, "Relay rule" and "Handshake"): on a client connection a line that
 * is otherwise well-formed and admitted is answered NOT_A_PEER, and nothing is stored or relayed.
 */
export const PEER_ONLY_COMMANDS: ReadonlySet<string> = new Set([
  '/RELAY',
  '/PUSH',
  '/PULL',
  '/WALK',
  '/SYNC',
  '/GOSSIP',
]);

/**
 * Commands these rules do not state, because no fuzzer may send them to a live node: they stop it (/LEAVE),
 * rewire it (/SPLICE), break its links (/FAULT, /PARTITION) or carry membership (/GOSSIP, peer links only).
 * Their own tests cover them; judging one here throws, so a corpus that starts speaking them must add its rules.
 */
const NOT_STATED = new Set(['/LEAVE', '/SPLICE', '/FAULT', '/PARTITION', '/GOSSIP']);

/** Open to anyone on a keyed node (README, "Cluster authentication"); every other command needs /AUTH. */
const OPEN = new Set([
  '/NEW',
  '/GET',
  '/PEERS',
  '/MESSAGES',
  '/LOOKUP',
  '/EVENTS',
  '/STATS',
  '/HEALTH',
  '/FAULTS',
  '/MEMBERS',
  '/AUTH',
]);

const error = (code: string): Verdict => ({ kind: 'error', code });
const reply = (field: string): Verdict => ({ kind: 'reply', field });
const NONE: Verdict = { kind: 'none' };
const CLOSE: Verdict = { kind: 'close' };

/** A line as the node sees it (decoded, or described when over the cap) and what it must answer. */
export interface Judged {
  line: string;
  verdict: Verdict;
}

/**
 * The verdicts for the bytes a client sends on one connection, line by line. Lines end at `\n`; a `\r` before
 * it is dropped and an empty line is ignored (not in the README); a line over the cap (64 KiB) is refused
 * before it is decoded; the rest is decoded as UTF-8 (bad bytes become U+FFFD).
 */
export function judgeStream(bytes: Buffer, rules: WireRules): Judged[] {
  const cap = rules.maxLineBytes ?? 64 * 1024;
  const decoder = new TextDecoder('utf-8');
  const judged: Judged[] = [];
  let start = 0;
  for (let end = bytes.indexOf(0x0a); end !== -1; end = bytes.indexOf(0x0a, start)) {
    let line = bytes.subarray(start, end);
    start = end + 1;
    if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
    if (line.length > cap) judged.push({ line: `<${line.length} bytes>`, verdict: error('LINE_TOO_LONG') });
    else if (line.length > 0) {
      const text = decoder.decode(line);
      judged.push({ line: text, verdict: judgeLine(text, rules) });
    }
  }
  return judged;
}

/** The verdict for one decoded line on a client connection (not a peer link). */
export function judgeLine(line: string, rules: WireRules): Verdict {
  // `<COMMAND>:<args>`: only the first `:` separates (and in args, only the first `|`).
  const colon = line.indexOf(':');
  const command = colon === -1 ? line : line.slice(0, colon);
  const args = colon === -1 ? '' : line.slice(colon + 1);
  if (NOT_STATED.has(command)) throw new Error(`wire-rules.ts states no rules for ${command}`);
  const check = CHECKS.get(command);
  if (check === undefined) return error('UNKNOWN_COMMAND');
  const problem = check(args, rules);
  if (problem !== undefined) return error(problem);
  if (rules.keyed && !OPEN.has(command)) return error('AUTH_REQUIRED');
  if (PEER_ONLY_COMMANDS.has(command)) return error('NOT_A_PEER');
  return OUTCOMES.get(command)?.(args, rules) ?? NONE;
}

type Check = (args: string, rules: WireRules) => string | undefined;

/** The first `|` splits; undefined when there is none. */
function atBar(text: string): [string, string | undefined] {
  const bar = text.indexOf('|');
  return bar === -1 ? [text, undefined] : [text.slice(0, bar), text.slice(bar + 1)];
}

/** Control characters: C0, DEL and C1 (Unicode category Cc). */
const CONTROL = /\p{Cc}/u;
const bytesOf = (text: string): number => new TextEncoder().encode(text).length;
/** A whole decimal number, digits only (no sign, space, exponent or fraction). */
const whole = (text: string): number | undefined => (/^[0-9]+$/.test(text) ? Number(text) : undefined);
/** Relays 1-16 per message (README). */
const badRelays = (text: string): boolean => {
  const relays = whole(text);
  return relays === undefined || relays < 1 || relays > 16;
};
/** Node ids are whole numbers 1-65535; spaces around one are tolerated, as the reference's int() does (not in the README). */
const nodeId = (text: string): number | undefined => {
  const id = whole(text.trim());
  return id !== undefined && id >= 1 && id <= 65_535 ? id : undefined;
};
const isHop = (hop: unknown): boolean =>
  typeof hop === 'number' && Number.isInteger(hop) && hop >= 1 && hop <= 65_535;
/** `<host>:<port>`, an IPv6 host in brackets. */
const isAddress = (text: string): boolean => {
  const match = /^(?:\[[^\]\s]+\]|[^\s:@[\]]+):([0-9]+)$/.exec(text.trim());
  const port = Number(match?.[1]);
  return match !== null && match[1] !== undefined && match[1].length <= 5 && port >= 1 && port <= 65_535;
};

function textProblem(text: string, rules: WireRules): 'too long' | 'bad' | undefined {
  if (bytesOf(text) > (rules.maxTextBytes ?? 16 * 1024)) return 'too long';
  if (text === '' || CONTROL.test(text)) return 'bad';
  return undefined;
}

/** `/NEW:<relays>|<text>`: relays 1-16; the text non-empty, at most 16 KiB, no control characters. */
const checkNew: Check = (args, rules) => {
  const [relays, text] = atBar(args);
  if (text === undefined) return 'MALFORMED_REQUEST';
  if (badRelays(relays)) return 'BAD_RELAYS';
  const problem = textProblem(text, rules);
  if (problem === 'too long') return 'TEXT_TOO_LONG';
  return problem === 'bad' ? 'BAD_TEXT' : undefined;
};

/**
 * `/RELAY:<relays>|["<id>", [<path>]]` (a Lamport clock may come third) and `/PUSH:<relays>|["<id>", [<path>],
 * <clock>]`. The id is `<text>_<origin ns>`, the text before the LAST underscore, passing what /NEW checks
 * (else BAD_MESSAGE_ID); the path is node ids, at most 4096 hops, ending with the sender, never this node.
 * Not in the README: a body of the wrong shape is BAD_PATH, a bad clock (0 to 2^52) BAD_ARGUMENT.
 */
const carried =
  (clockRequired: boolean): Check =>
  (args, rules) => {
    const [relays, body] = atBar(args);
    if (body === undefined) return 'MALFORMED_REQUEST';
    if (badRelays(relays)) return 'BAD_RELAYS';
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return 'MALFORMED_REQUEST';
    }
    if (!Array.isArray(json) || json.length < (clockRequired ? 3 : 2) || json.length > 3) return 'BAD_PATH';
    const [id, path, clock] = json as unknown[];
    const parts = typeof id === 'string' ? /^(.+)_([0-9]{1,20})$/su.exec(id) : null;
    if (parts === null || textProblem(parts[1] ?? '', rules) !== undefined) return 'BAD_MESSAGE_ID';
    if (!Array.isArray(path) || path.length === 0 || path.length > 4096 || !path.every(isHop))
      return 'BAD_PATH';
    if (
      json.length === 3 &&
      !(Number.isSafeInteger(clock) && (clock as number) >= 0 && (clock as number) <= 2 ** 52)
    )
      return 'BAD_ARGUMENT';
    return undefined;
  };

/** Read filter and path selection of /GET and /MESSAGES; an empty filter or no selection means all (not in the README). */
function listingProblem(filter: string, selection: string | undefined): string | undefined {
  if (!['', 'unread', 'read', 'all'].includes(filter)) return 'BAD_ARGUMENT';
  if (!['all', 'shortest', 'longest', 'shortest & longest'].includes(selection ?? 'all'))
    return 'BAD_ARGUMENT';
  return undefined;
}

const CHECKS = new Map<string, Check>(
  Object.entries<Check>({
    '/NEW': checkNew,
    '/RELAY': carried(false),
    '/PUSH': carried(true),
    // `/PULL:<pull|exchange>|<hash>,...`: 8-hex-digit hashes, at most 4,000.
    '/PULL': (args) => {
      const [mode, list] = atBar(args);
      if ((mode !== 'pull' && mode !== 'exchange') || list === undefined) return 'BAD_ARGUMENT';
      const hashes = list === '' ? [] : list.split(',');
      return hashes.length > 4_000 || !hashes.every((hash) => /^[0-9a-f]{8}$/.test(hash))
        ? 'BAD_ARGUMENT'
        : undefined;
    },
    '/GET': (args) => listingProblem(...atBar(args)),
    // `/MESSAGES:<filter>|<selection>[|peek]`
    '/MESSAGES': (args) => {
      const [filter, rest] = atBar(args);
      const [selection, flag] = rest === undefined ? [undefined, undefined] : atBar(rest);
      return flag !== undefined && flag !== 'peek' ? 'BAD_ARGUMENT' : listingProblem(filter, selection);
    },
    // `/LOOKUP:<message id | text>`: something to look for, no control characters, no longer than an id can be.
    '/LOOKUP': (query) =>
      query === '' || CONTROL.test(query) || bytesOf(query) > 16 * 1024 + 21 ? 'BAD_ARGUMENT' : undefined,
    '/EVENTS': () => undefined,
    '/PEERS': () => undefined,
    '/STATS': () => undefined,
    '/HEALTH': () => undefined,
    '/PING': () => undefined,
    '/MEMBERS': () => undefined,
    '/FAULTS': () => undefined,
    // `/VERIFY:<asker id>|<nonce>` and `/PROVE:<nonce>`: the handshake's check back, a nonce of 32 hex digits.
    '/VERIFY': (args) => {
      const [asker, nonce = ''] = atBar(args);
      return nodeId(asker) !== undefined && /^[0-9a-f]{32}$/.test(nonce) ? undefined : 'BAD_ARGUMENT';
    },
    '/PROVE': (nonce) => (/^[0-9a-f]{32}$/.test(nonce) ? undefined : 'BAD_ARGUMENT'),
    '/REMOVE': (args) => (nodeId(args) === undefined ? 'BAD_ARGUMENT' : undefined),
    // `/HELLO:<node-id>|<host>:<port>[|<flags>]`, flags h and/or j: the address is where the claim is checked
    // back, so it is required; (not in the README) fields after the flags are ignored.
    '/HELLO': (args) => {
      const [id = '', address = '', flags = ''] = args.split('|');
      if (nodeId(id) === undefined || !isAddress(address)) return 'BAD_ARGUMENT';
      return /^(h|j|hj|jh|hh|jj)?$/.test(flags) ? undefined : 'BAD_ARGUMENT';
    },
    // `/WALK:<ttl>|<origin-id>|<host>:<port>`, at most 64 hops (not in the README).
    '/WALK': (args) => {
      const [ttlText = '', id = '', address = ''] = args.split('|');
      const ttl = whole(ttlText);
      const fine = ttl !== undefined && ttlText.length <= 2 && ttl >= 1 && ttl <= 64;
      return fine && nodeId(id) !== undefined && isAddress(address) ? undefined : 'BAD_ARGUMENT';
    },
    // `/SYNC:<from>|<epoch>`: a sequence number and an epoch (a number; 0 when left out: not in the README).
    '/SYNC': (args) => {
      const [from = '', epoch = '0'] = args.split('|');
      const fine = whole(from) !== undefined && from.length <= 12 && /^[0-9]{1,16}(\.[0-9]+)?$/.test(epoch);
      return fine ? undefined : 'BAD_ARGUMENT';
    },
    // `/AUTH:<who>|<node-id>|<unix-ms>|<nonce>|<hmac>`: who is a node id or a name (`cli`), the nonce random hex,
    // the HMAC-SHA256 64 hex digits. A line of another shape is refused, the connection stays.
    '/AUTH': (args) => {
      const fields = args.split('|');
      const [who = '', to = '', at = '', nonce = '', mac = ''] = fields;
      const fine =
        fields.length === 5 &&
        /^[A-Za-z0-9._-]{1,64}$/.test(who) &&
        nodeId(to) !== undefined &&
        whole(at) !== undefined &&
        at.length <= 15 &&
        /^[0-9a-f]{16,128}$/.test(nonce) &&
        /^[0-9a-f]{64}$/.test(mac);
      return fine ? undefined : 'AUTH_FAILED';
    },
  }),
);

/**
 * What a well-formed, admitted line on a client connection gets (the peer-only commands never get here);
 * commands not listed get nothing back (/REMOVE, /PING, /VERIFY).
 */
type Outcome = (args: string, rules: WireRules) => Verdict;
const OUTCOMES = new Map<string, Outcome>(
  Object.entries<Outcome>({
    '/NEW': () => reply('id'),
    // The reference replies: bare JSON, then the node closes.
    '/GET': () => CLOSE,
    '/PEERS': () => CLOSE,
    '/MESSAGES': () => reply('messages'),
    '/LOOKUP': () => reply('messages'),
    '/STATS': () => reply('counters'),
    '/HEALTH': () => reply('ok'),
    // It asks to become a peer, and is answered once the claim is checked back.
    '/HELLO': () => reply('hello'),
    '/MEMBERS': () => reply('members'),
    '/FAULTS': () => reply('faults'),
    // A proof no HELLO of this connection waits for; a /VERIFY is answered on the asker's own link, if any.
    '/PROVE': () => error('BAD_ARGUMENT'),
    // No key to check the MAC against (keyless), or a MAC nobody here could make: refused, and closed.
    '/AUTH': () => CLOSE,
    '/EVENTS': () => reply('event'),
  }),
);
