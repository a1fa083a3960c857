// Property-based tests (fast-check) of the wire edge: framing against a simple model, for any bytes and any
// chunking; parseRequest never throws and only ever returns requests within the protocol's bounds; what
// nodes write parses back to what they meant; /AUTH lines verify only unaltered.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterAuth } from '../../src/node/cluster-auth.js';
import { encodeAuth } from '../../src/protocol/auth.js';
import { LineSplitter } from '../../src/protocol/framing.js';
import {
  CONTROL_CHARACTERS,
  MAX_NODE_ID,
  MAX_PATH_LENGTH,
  MAX_RELAYS,
  MAX_TEXT_BYTES,
} from '../../src/protocol/limits.js';
import { formatMessageId, parseMessageId } from '../../src/protocol/message-id.js';
import {
  encodeHello,
  encodeNew,
  encodeProve,
  encodeRelay,
  encodeRemove,
  encodeSync,
  encodeVerify,
  encodeWalk,
} from '../../src/protocol/relay-line.js';
import type { Request } from '../../src/protocol/request-types.js';
import { createRequestParser, parseRequest } from '../../src/protocol/requests.js';
import { COMMANDS } from '../helpers/fuzz-corpus.js';

type Event = { line: string } | { oversize: true };

function split(chunks: readonly Uint8Array[], cap: number): Event[] {
  const events: Event[] = [];
  const splitter = new LineSplitter(cap, {
    onLine: (line) => events.push({ line }),
    onOversize: () => events.push({ oversize: true }),
  });
  for (const chunk of chunks) splitter.push(Buffer.from(chunk));
  splitter.end();
  return events;
}

/** What framing promises, written as plainly as possible. */
function model(bytes: Buffer, cap: number): Event[] {
  const events: Event[] = [];
  let start = 0;
  while (start <= bytes.length) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    let line = bytes.subarray(start, end);
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
    if (line.length > cap) events.push({ oversize: true });
    else if (line.length > 0) events.push({ line: line.toString('utf8') });
    if (newline === -1) break;
    start = newline + 1;
  }
  return events;
}

/** Bytes rich in newlines, carriage returns, multi-byte and invalid UTF-8. */
const bytesArb = fc.array(
  fc.oneof(
    fc.constantFrom(0x0a, 0x0d, 0x2f, 0x3a, 0x7c, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0x00),
    fc.integer({ min: 0, max: 255 }),
  ),
  { maxLength: 400 },
);

describe('LineSplitter against a model', () => {
  it('gives the same lines and oversize reports for any bytes, any cap, and any chunking', () => {
    fc.assert(
      fc.property(
        bytesArb,
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (raw, cap, cuts) => {
          const bytes = Buffer.from(raw);
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let at = 0;
          for (const point of [...points, bytes.length]) {
            chunks.push(bytes.subarray(at, point));
            at = point;
          }
          const expected = model(bytes, cap);
          expect(split([bytes], cap)).toEqual(expected);
          expect(split(chunks, cap)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Strings built from the protocol's own pieces, so that many get deep into the parser. */
const lineArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .tuple(
      fc.constantFrom(...COMMANDS, '/new', 'NEW', ''),
      fc.constantFrom(':', '', '::'),
      fc.array(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 30 }),
          fc.integer({ min: -5, max: 100_000 }).map(String),
          fc.constantFrom(
            '|',
            '1',
            '0',
            '-1',
            '16',
            '17',
            '1e3',
            '["x_1",[1]]',
            '["x_1",[0]]',
            '[',
            '"',
            '_',
            'all',
            'shortest & longest',
            '127.0.0.1:7001',
            'hj',
            'NaN',
            '\u0000',
            '\uffff',
            '😀',
            '\ud800',
          ),
          fc.json({ maxDepth: 3 }),
        ),
        { maxLength: 6 },
      ),
    )
    .map(([command, colon, parts]) => `${command}${colon}${parts.join('')}`),
);

function withinBounds(request: Request, maxTextBytes: number): void {
  switch (request.type) {
    case 'new':
    case 'relay': {
      expect(Number.isInteger(request.relays)).toBe(true);
      expect(request.relays).toBeGreaterThanOrEqual(1);
      expect(request.relays).toBeLessThanOrEqual(MAX_RELAYS);
      const text = request.type === 'new' ? request.text : (parseMessageId(request.id)?.text ?? '');
      expect(text.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxTextBytes);
      expect(CONTROL_CHARACTERS.test(text)).toBe(false);
      if (request.type === 'relay') {
        expect(request.path.length).toBeGreaterThanOrEqual(1);
        expect(request.path.length).toBeLessThanOrEqual(MAX_PATH_LENGTH);
        for (const id of request.path) {
          expect(Number.isInteger(id) && id >= 1 && id <= MAX_NODE_ID).toBe(true);
        }
      }
      break;
    }
    case 'remove':
      expect(request.nodeId >= 1 && request.nodeId <= MAX_NODE_ID).toBe(true);
      break;
    case 'hello':
      expect(request.address.id >= 1 && request.address.id <= MAX_NODE_ID).toBe(true);
      break;
    case 'verify':
      expect(request.asker >= 1 && request.asker <= MAX_NODE_ID).toBe(true);
      break;
    case 'walk':
      expect(request.ttl >= 1 && request.ttl <= 64).toBe(true);
      break;
    case 'sync':
      expect(Number.isInteger(request.from) && request.from >= 0).toBe(true);
      break;
    default:
      break;
  }
}

describe('parseRequest', () => {
  it('never throws, and whatever it accepts is within the protocol bounds', () => {
    const small = createRequestParser({ maxTextBytes: 8 });
    fc.assert(
      fc.property(lineArb, (line) => {
        const result = parseRequest(line);
        if (result.ok) withinBounds(result.request, MAX_TEXT_BYTES);
        else expect(typeof result.error.error).toBe('string');
        const strict = small(line);
        if (strict.ok) withinBounds(strict.request, 8);
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads back every line a node writes', () => {
    const textArb = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((text) => !CONTROL_CHARACTERS.test(text) && text.trim() === text && text !== '');
    const idArb = fc.integer({ min: 1, max: MAX_NODE_ID });
    fc.assert(
      fc.property(
        textArb,
        fc.integer({ min: 1, max: MAX_RELAYS }),
        fc.bigInt({ min: 0n, max: 99_999_999_999_999_999_999n }),
        fc.array(idArb, { minLength: 1, maxLength: 20 }),
        idArb,
        (text, relays, ns, path, id) => {
          const parse = (line: string) => parseRequest(line.replace(/\n$/, ''));
          const messageId = formatMessageId(text, ns);
          expect(parse(encodeRelay(relays, messageId, path))).toEqual({
            ok: true,
            request: {
              type: 'relay',
              relays,
              id: messageId,
              path,
              idJson: JSON.stringify(messageId),
              pathText: path.join(','),
            },
          });
          expect(parse(encodeNew(relays, text))).toEqual({
            ok: true,
            request: { type: 'new', relays, text },
          });
          expect(parse(encodeRemove(id))).toEqual({ ok: true, request: { type: 'remove', nodeId: id } });
          const self = { id, host: '127.0.0.1', port: 7000 + (id % 1000) };
          expect(parse(encodeHello(self, { home: true, join: false }))).toEqual({
            ok: true,
            request: { type: 'hello', address: self, home: true, join: false },
          });
          const nonce = ns.toString(16).padStart(32, '0').slice(-32);
          expect(parse(encodeVerify(id, nonce))).toEqual({
            ok: true,
            request: { type: 'verify', asker: id, nonce },
          });
          expect(parse(encodeProve(nonce))).toEqual({ ok: true, request: { type: 'prove', nonce } });
          expect(parse(encodeWalk(relays, self))).toMatchObject({
            ok: true,
            request: { type: 'walk', ttl: relays },
          });
          expect(parse(encodeSync(id, 0))).toEqual({
            ok: true,
            request: { type: 'sync', from: id, epoch: 0 },
          });
        },
      ),
    );
  });
});

describe('/AUTH lines', () => {
  const key = Buffer.from('a cluster key of some length!!');

  it('verify when untouched, and fail when any one character is changed', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/),
        fc.integer({ min: 1, max: MAX_NODE_ID }),
        fc.nat(),
        fc.nat(),
        (who, to, where, replacement) => {
          const now = 1_800_000_000_000;
          const { line } = encodeAuth(key, who, to, now);
          const node = () => new ClusterAuth({ key, self: to, now: () => now });
          const parsed = parseRequest(line.trimEnd());
          expect(parsed.ok && parsed.request.type === 'auth' && node().verify(parsed.request).ok).toBe(true);
          // Change one character after the command, keeping the line well-formed where it can be.
          const at = '/AUTH:'.length + (where % (line.trimEnd().length - '/AUTH:'.length));
          const original = line[at] ?? '';
          const alphabet = '0123456789abcdef|x';
          let swapped = alphabet[replacement % alphabet.length] ?? 'x';
          if (swapped === original) swapped = original === '0' ? '1' : '0';
          const tampered = `${line.slice(0, at)}${swapped}${line.slice(at + 1)}`.trimEnd();
          const result = parseRequest(tampered);
          if (result.ok && result.request.type === 'auth')
            expect(node().verify(result.request).ok).toBe(false);
          else expect(result.ok).toBe(false);
        },
      ),
    );
  });
});
