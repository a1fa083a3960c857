// A reproducible corpus of hostile request lines (fast-check arbitraries, sampled with a seed), and an oracle
// that says what a node must answer to each: the node's own framing and parser, run in the test.

import fc from 'fast-check';
import { LineSplitter } from '../../src/protocol/framing.js';
import { createRequestParser, type Request } from '../../src/protocol/requests.js';

/** FUZZ_SEED=<n> replays another corpus; the default keeps runs reproducible. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_240_607);

/** The commands the fuzzers speak (not /EVENTS: it turns a connection into a one-way stream). */
export const COMMANDS = [
  '/NEW',
  '/RELAY',
  '/GET',
  '/PEERS',
  '/REMOVE',
  '/HELLO',
  '/WALK',
  '/PING',
  '/SYNC',
  '/STATS',
  '/HEALTH',
  '/MESSAGES',
  '/AUTH',
  '/VERIFY',
  '/PROVE',
  '/LEAVE',
];
const RELAY_COUNTS = [
  '-1',
  '0',
  '1',
  '16',
  '17',
  '999999999',
  '9999999999',
  '1e3',
  ' 1',
  '',
  '01',
  '1.5',
  'NaN',
  '0x10',
  '١',
];

const ids = fc.oneof(
  fc.integer({ min: -3, max: 70_000 }),
  fc.constantFrom(1, 2, 3, 0, 65_535, 65_536, 1.5, -0),
);
const messageIds = fc.oneof(
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.bigInt({ min: 0n, max: 10n ** 21n }))
    .map(([text, ns]) => `${text}_${ns}`),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('x_1', '_1', 'x_', 'x_-1', 'a\tb_1', 'x_1e3', ''),
);
const jsonNoise = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.constantFrom(
    '[',
    ']',
    '[[[[[[[[',
    '["x_1",[1]',
    '["x_1",[1]]]',
    '{"a":1}',
    'null',
    '[null,null]',
    '["x_1","1"]',
  ),
);
/** Relay bodies: well-formed ones with loops and forged senders, and every way of getting one wrong. */
const relayBodies = fc.oneof(
  fc
    .tuple(messageIds, fc.array(ids, { minLength: 0, maxLength: 12 }))
    .map(([id, path]) => JSON.stringify([id, path])),
  fc
    .tuple(fc.integer({ min: 4, max: 9 }), fc.integer({ min: 4, max: 9 }), fc.integer({ min: 1, max: 20 }))
    .map(([a, b, times]) =>
      JSON.stringify([`loop ${a}-${b}_${1_795_000_000_000_000_000 + a}`, Array(times).fill([a, b]).flat()]),
    ),
  fc
    .integer({ min: 4, max: 65_535 })
    .map((sender) => JSON.stringify([`forged_${1_795_000_000_000_000_000 + sender}`, [sender]])),
  jsonNoise,
);

/** One request line as text (no newline): structured, protocol-ish, or noise. */
const textLine = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...RELAY_COUNTS), relayBodies)
      .map(([r, body]) => `/RELAY:${r}|${body}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...RELAY_COUNTS), fc.string({ unit: 'grapheme', maxLength: 40 }))
      .map(([r, text]) => `/NEW:${r}|${text}`),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...COMMANDS, '/new', 'NEW', '/', '', '/RELAY ', '/X'),
        fc.constantFrom(':', '', '::', ': '),
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 20 }),
            ids.map(String),
            fc.constantFrom('|', 'all', 'unread', 'shortest & longest', '127.0.0.1:1', 'hj'),
          ),
          { maxLength: 5 },
        ),
      )
      .map(([command, colon, parts]) => `${command}${colon}${parts.join('')}`),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
);

/** Bytes, for what strings cannot say: invalid UTF-8, NUL, lone CR. */
const byteLine = fc
  .uint8Array({ maxLength: 120 })
  .map((bytes) => Buffer.from(bytes.map((byte) => (byte === 0x0a ? 0x0d : byte))));

const lineArb = fc.oneof(
  { weight: 6, arbitrary: textLine.map((text) => Buffer.from(text.replaceAll('\n', ' '), 'utf8')) },
  { weight: 2, arbitrary: byteLine },
  // Just over the 64 KiB line cap, now and then.
  {
    weight: 1,
    arbitrary: fc.integer({ min: 64 * 1024 - 8, max: 70 * 1024 }).map((size) => Buffer.alloc(size, 0x61)),
  },
);

export function sampleCorpus(count: number, seed = FUZZ_SEED): Buffer[] {
  return fc.sample(lineArb, { seed, numRuns: count });
}

/** What a node answers to one line: an error code, a reply line, nothing, or a close. */
export type Verdict =
  | { kind: 'error'; code: string }
  | { kind: 'reply' }
  | { kind: 'none' }
  | { kind: 'close' };

export interface OracleOptions {
  nodeId: number;
  keyed: boolean;
  maxLineBytes?: number;
  maxTextBytes?: number;
}

const OPEN = new Set<Request['type']>(['new', 'get', 'peers', 'messages', 'stats', 'health', 'auth']);
const REPLIES = new Set<Request['type']>(['new', 'messages', 'stats', 'health']);
/** Taken only on a peer's own link: a fuzzing client's connection is none (NOT_A_PEER). */
const PEER_ONLY = new Set<Request['type']>(['relay', 'push', 'pull', 'walk', 'sync']);

/** The verdicts for a stream of bytes, line by line, as the node frames and parses it. */
export function oracle(bytes: Buffer, options: OracleOptions): Verdict[] {
  const parse = createRequestParser({ maxTextBytes: options.maxTextBytes ?? 16 * 1024 });
  const verdicts: Verdict[] = [];
  const splitter = new LineSplitter(options.maxLineBytes ?? 64 * 1024, {
    onOversize: () => verdicts.push({ kind: 'error', code: 'LINE_TOO_LONG' }),
    onLine: (line) => {
      const parsed = parse(line);
      if (!parsed.ok) {
        verdicts.push({ kind: 'error', code: parsed.error.code });
        return;
      }
      const { request } = parsed;
      if (options.keyed && !OPEN.has(request.type)) verdicts.push({ kind: 'error', code: 'AUTH_REQUIRED' });
      else if (['get', 'peers', 'auth', 'leave'].includes(request.type)) verdicts.push({ kind: 'close' });
      else if (PEER_ONLY.has(request.type)) verdicts.push({ kind: 'error', code: 'NOT_A_PEER' });
      // A proof no HELLO of this connection waits for.
      else if (request.type === 'prove') verdicts.push({ kind: 'error', code: 'BAD_ARGUMENT' });
      else if (REPLIES.has(request.type) || request.type === 'hello') verdicts.push({ kind: 'reply' });
      else verdicts.push({ kind: 'none' });
    },
  });
  splitter.push(bytes);
  return verdicts;
}

/**
 * Lines safe to put in a batch: none that closes the connection (reference /GET, /PEERS, a refused /AUTH,
 * /LEAVE, which would also stop the node), and on a keyless node none that changes membership or starts a
 * handshake (HELLO, VERIFY, REMOVE), which would change how later lines are judged or answer late. Those
 * are fuzzed on a keyed node.
 */
export function isHarmless(line: Buffer, options: OracleOptions): boolean {
  const [verdict] = oracle(Buffer.concat([line, Buffer.from('\n')]), options);
  if (verdict === undefined || verdict.kind === 'error') return true;
  if (verdict.kind === 'close') return false;
  if (options.keyed) return true;
  const parsed = createRequestParser({ maxTextBytes: options.maxTextBytes ?? 16 * 1024 })(
    line.toString('utf8').replace(/\r$/, ''),
  );
  return !(parsed.ok && ['hello', 'verify', 'remove'].includes(parsed.request.type));
}
