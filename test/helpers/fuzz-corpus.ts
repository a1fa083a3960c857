// A reproducible corpus of hostile request lines (fast-check arbitraries, sampled with a seed), and which of
// them a batch may hold. What a node must answer to each is stated in wire-rules.ts, apart from the node's code.

import fc from 'fast-check';
import { judgeLine, type WireRules } from './wire-rules.js';

/** FUZZ_SEED=<n> replays another corpus; the default keeps runs reproducible. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_240_607);

/** The commands the fuzzers speak (not /EVENTS: it turns a connection into a one-way stream). */
export const COMMANDS = [
  '/NEW',
  '/RELAY',
  '/PUSH',
  '/PULL',
  '/LOOKUP',
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
  '/MEMBERS',
  '/FAULTS',
  '/VERIFY',
  '/PROVE',
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

/**
 * Half of the time a good count, so that most relay lines reach the checks of their body (not 16: such a
 * message is relayed and stored 16 times over, and the noise has it often enough).
 */
const relayCounts = fc.oneof(fc.constantFrom('1', '2'), fc.constantFrom(...RELAY_COUNTS));

/** Texts made of what the rules single out: separators, underscores, C0/DEL/C1 controls, NBSP, non-ASCII. */
const trickyTexts = fc
  .array(
    fc.constantFrom('a', '|', ':', '_', ' ', 'é', '😀', '\t', '\u0085', '\u009f', '\u007f', '\u00a0', '1'),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''));
const texts = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), trickyTexts);

const ids = fc.oneof(
  fc.integer({ min: -3, max: 70_000 }),
  fc.constantFrom(1, 2, 3, 0, 65_535, 65_536, 1.5, -0),
);
const messageIds = fc.oneof(
  fc
    .tuple(fc.oneof(fc.string({ maxLength: 20 }), trickyTexts), fc.bigInt({ min: 0n, max: 10n ** 21n }))
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
    arbitrary: fc.tuple(relayCounts, relayBodies).map(([r, body]) => `/RELAY:${r}|${body}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(relayCounts, relayBodies, fc.oneof(fc.nat(), fc.constantFrom(-1, 2 ** 53, 1.5)))
      .map(
        ([r, body, clock]) => `/PUSH:${r}|${body.startsWith('[') ? body.replace(/\]$/, `,${clock}]`) : body}`,
      ),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(relayCounts, texts).map(([r, text]) => `/NEW:${r}|${text}`),
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

/**
 * Lines safe to put in a batch: none that closes the connection (reference /GET, /PEERS, a refused /AUTH),
 * and on a keyless node none that changes membership or makes the connection a peer link's (a well-formed
 * HELLO, WALK or REMOVE), which would change how later lines are judged. Those are fuzzed on a keyed node.
 */
export function isHarmless(line: Buffer, rules: WireRules): boolean {
  const text = new TextDecoder().decode(line).replace(/\r$/, '');
  if (line.length > 64 * 1024 || text === '') return true;
  const verdict = judgeLine(text, rules);
  if (verdict.kind === 'close') return false;
  if (verdict.kind === 'error' || rules.keyed) return true;
  return !['/HELLO', '/WALK', '/REMOVE'].some(
    (command) => text.startsWith(`${command}:`) || text === command,
  );
}
