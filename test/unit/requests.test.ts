import { describe, expect, it } from 'vitest';
import { MAX_PATH_LENGTH, MAX_RELAYS, MAX_TEXT_BYTES } from '../../src/protocol/limits.js';
import { compareMessageIds, formatMessageId, parseMessageId } from '../../src/protocol/message-id.js';
import { MAX_DIGEST_ENTRIES } from '../../src/protocol/message-requests.js';
import { encodeRelay } from '../../src/protocol/relay-line.js';
import type { Request } from '../../src/protocol/request-types.js';
import { createRequestParser, parseRequest } from '../../src/protocol/requests.js';
import { encodePull, encodePush, parsePullReply, parsePushReply } from '../../src/protocol/strategy-lines.js';
import { parseSyncReply } from '../../src/protocol/sync-page.js';

function ok(line: string): Request {
  const result = parseRequest(line);
  if (!result.ok)
    throw new Error(`${JSON.stringify(line)} was refused: ${result.error.code} ${result.error.error}`);
  return result.request;
}

function code(line: string): string {
  const result = parseRequest(line);
  return result.ok ? `accepted as ${result.request.type}` : result.error.code;
}

const relay = (body: unknown, relays = '1'): string => `/RELAY:${relays}|${JSON.stringify(body)}`;

/** A parsed relay as both the fast scan and the general parser return it. */
const relayRequest = (relays: number, id: string, path: number[]) => ({
  type: 'relay',
  relays,
  id,
  path,
  idJson: JSON.stringify(id),
  pathText: path.join(','),
});

describe('parseRequest: reference commands', () => {
  it('parses /NEW:1|Hello', () => {
    expect(ok('/NEW:1|Hello')).toEqual({ type: 'new', relays: 1, text: 'Hello' });
  });

  it('keeps | and : inside the text (only the first of each separates)', () => {
    expect(ok('/NEW:2|a|b:c | d: e')).toEqual({ type: 'new', relays: 2, text: 'a|b:c | d: e' });
    expect(ok('/NEW:1|:|')).toEqual({ type: 'new', relays: 1, text: ':|' });
  });

  it('keeps unicode and surrounding spaces of the text', () => {
    expect(ok('/NEW:1| héllo 😀 ')).toEqual({ type: 'new', relays: 1, text: ' héllo 😀 ' });
  });

  it('parses the reference /RELAY line', () => {
    expect(ok('/RELAY:1|["Hello_1795426696500612060",[1,14]]')).toEqual(
      relayRequest(1, 'Hello_1795426696500612060', [1, 14]),
    );
    // The reference's own spelling (Python's json.dumps: a space after each comma) goes the general way.
    expect(ok('/RELAY:1|["Hello_1795426696500612060", [1, 14]]')).toEqual(
      relayRequest(1, 'Hello_1795426696500612060', [1, 14]),
    );
  });

  it('encodes relay lines as JSON.stringify([id, path]) does, and parses them back', () => {
    for (const id of ['Hello_1', 'a "quoted" \\ text_2', 'lone \ud800 surrogate_3', 'émoji 😀_4']) {
      const line = encodeRelay(2, id, [1, 14, 3]);
      expect(line).toBe(`/RELAY:2|${JSON.stringify([id, [1, 14, 3]])}\n`);
      expect(ok(line.slice(0, -1))).toEqual(relayRequest(2, id, [1, 14, 3]));
    }
  });

  it('accepts a relay whose message text holds underscores, | and :', () => {
    expect(ok(relay(['a_b|c:d_42', [3, 4, 5]], '3'))).toEqual(relayRequest(3, 'a_b|c:d_42', [3, 4, 5]));
  });

  it('parses /GET with every filter and selection, including "shortest & longest"', () => {
    expect(ok('/GET:all|all')).toEqual({ type: 'get', filter: 'all', paths: 'all' });
    expect(ok('/GET:unread|shortest & longest')).toEqual({
      type: 'get',
      filter: 'unread',
      paths: 'shortest & longest',
    });
    expect(ok('/GET:read|shortest')).toEqual({ type: 'get', filter: 'read', paths: 'shortest' });
  });

  it('defaults an empty /GET to all messages and all paths', () => {
    expect(ok('/GET:')).toEqual({ type: 'get', filter: 'all', paths: 'all' });
    expect(ok('/GET:unread')).toEqual({ type: 'get', filter: 'unread', paths: 'all' });
  });

  it('parses /PEERS: and /REMOVE:12', () => {
    expect(ok('/PEERS:')).toEqual({ type: 'peers' });
    expect(ok('/REMOVE:12')).toEqual({ type: 'remove', nodeId: 12 });
    expect(ok('/REMOVE: 12 ')).toEqual({ type: 'remove', nodeId: 12 });
  });
});

describe('parseRequest: our commands', () => {
  it('parses /MESSAGES, /STATS, /HEALTH', () => {
    expect(ok('/MESSAGES:all|longest')).toEqual({
      type: 'messages',
      filter: 'all',
      paths: 'longest',
      peek: false,
    });
    expect(ok('/STATS:')).toEqual({ type: 'stats' });
    expect(ok('/HEALTH:')).toEqual({ type: 'health' });
  });

  it('parses /MESSAGES with peek, which lists without marking read', () => {
    expect(ok('/MESSAGES:all|all|peek')).toEqual({
      type: 'messages',
      filter: 'all',
      paths: 'all',
      peek: true,
    });
    expect(ok('/MESSAGES:unread|shortest & longest|peek')).toMatchObject({
      paths: 'shortest & longest',
      peek: true,
    });
    expect(code('/MESSAGES:all|all|look')).toBe('BAD_ARGUMENT');
    expect(code('/MESSAGES:all|all|')).toBe('BAD_ARGUMENT');
  });

  it('parses /EVENTS and /LOOKUP by id or by text (which may hold | and :)', () => {
    expect(ok('/EVENTS:')).toEqual({ type: 'events' });
    expect(ok('/EVENTS')).toEqual({ type: 'events' });
    expect(ok('/LOOKUP:Hello_1795426696500612060')).toEqual({
      type: 'lookup',
      query: 'Hello_1795426696500612060',
    });
    expect(ok('/LOOKUP:a|b: c')).toEqual({ type: 'lookup', query: 'a|b: c' });
    expect(code('/LOOKUP:')).toBe('BAD_ARGUMENT');
    expect(code('/LOOKUP:a\u0007b')).toBe('BAD_ARGUMENT');
    expect(code(`/LOOKUP:${'x'.repeat(MAX_TEXT_BYTES + 22)}`)).toBe('BAD_ARGUMENT');
    expect(code(`/LOOKUP:${'x'.repeat(MAX_TEXT_BYTES)}_1795426696500612060`)).toBe('accepted as lookup');
  });

  it('parses /HELLO with its address and flags, and refuses a bare one (it could not be checked back)', () => {
    expect(ok('/HELLO:3|127.0.0.1:7003|hj')).toEqual({
      type: 'hello',
      address: { id: 3, host: '127.0.0.1', port: 7003 },
      home: true,
      join: true,
    });
    expect(ok('/HELLO:3|127.0.0.1:7003')).toMatchObject({ home: false, join: false });
    expect(ok('/HELLO:3|[::1]:7003')).toMatchObject({ address: { id: 3, host: '::1', port: 7003 } });
    expect(code('/HELLO:3')).toBe('BAD_ARGUMENT');
    expect(code('/HELLO:x')).toBe('BAD_ARGUMENT');
    expect(code('/HELLO:3|nowhere')).toBe('BAD_ARGUMENT');
    expect(code('/HELLO:3|127.0.0.1:7003|x')).toBe('BAD_ARGUMENT');
  });

  it('parses the handshake lines /VERIFY and /PROVE, and /LEAVE', () => {
    const nonce = '0123456789abcdef0123456789abcdef';
    expect(ok(`/VERIFY:4|${nonce}`)).toEqual({ type: 'verify', asker: 4, nonce });
    expect(ok(`/PROVE:${nonce}`)).toEqual({ type: 'prove', nonce });
    expect(ok('/LEAVE:')).toEqual({ type: 'leave' });
    expect(ok('/SPLICE:4|17|127.0.0.1:7017')).toEqual({
      type: 'splice',
      old: 4,
      peer: { id: 17, host: '127.0.0.1', port: 7017 },
    });
    for (const line of [
      '/SPLICE:4|17',
      '/SPLICE:4|4|127.0.0.1:7004',
      '/SPLICE:x|17|h:1',
      '/SPLICE:4|17|h:1|x',
    ]) {
      expect(code(line), line).toBe('BAD_ARGUMENT');
    }
    for (const line of [
      '/VERIFY:4',
      `/VERIFY:0|${nonce}`,
      `/VERIFY:4|${nonce.toUpperCase()}`,
      `/VERIFY:4|${nonce}0`,
      '/PROVE:',
      `/PROVE:${nonce.slice(1)}`,
      `/PROVE:${nonce}|x`,
    ]) {
      expect(code(line), line).toBe('BAD_ARGUMENT');
    }
  });
});

describe('parseRequest: malformed input', () => {
  it('refuses unknown commands, including lowercase and empty ones', () => {
    for (const line of ['/FOO:1', '/new:1|x', 'garbage', '', 'NEW:1|x']) {
      expect(code(line), line).toBe('UNKNOWN_COMMAND');
    }
  });

  it('refuses /NEW and /RELAY without a |', () => {
    expect(code('/NEW:1Hello')).toBe('MALFORMED_REQUEST');
    expect(code('/NEW')).toBe('MALFORMED_REQUEST');
    expect(code('/RELAY:1')).toBe('MALFORMED_REQUEST');
  });

  it('accepts relay counts 1 and MAX_RELAYS', () => {
    expect(ok('/NEW:1|x')).toMatchObject({ relays: 1 });
    expect(ok(`/NEW:${MAX_RELAYS}|x`)).toMatchObject({ relays: MAX_RELAYS });
  });

  it.each([
    '0',
    '-1',
    '1.5',
    String(MAX_RELAYS + 1),
    '17',
    '99999999999999999999',
    'abc',
    '',
    ' 1',
    '1e1',
    '0x1',
  ])('refuses relay count %j with BAD_RELAYS', (relays) => {
    expect(code(`/NEW:${relays}|Hello`)).toBe('BAD_RELAYS');
    expect(code(`/RELAY:${relays}|["Hello_1",[1]]`)).toBe('BAD_RELAYS');
  });

  it('refuses empty text with BAD_TEXT', () => {
    expect(code('/NEW:1|')).toBe('BAD_TEXT');
  });

  it.each(['\t', '\u0000', '\u001b', '\u007f', '\u009b', '\r', '\n'])(
    'refuses text holding control character %j with BAD_TEXT',
    (control) => {
      expect(code(`/NEW:1|a${control}b`)).toBe('BAD_TEXT');
    },
  );

  it('limits the text by UTF-8 bytes, not characters', () => {
    expect(code(`/NEW:1|${'x'.repeat(MAX_TEXT_BYTES)}`)).toBe('accepted as new');
    expect(code(`/NEW:1|${'x'.repeat(MAX_TEXT_BYTES + 1)}`)).toBe('TEXT_TOO_LONG');
    expect(code(`/NEW:1|${'é'.repeat(MAX_TEXT_BYTES / 2)}`)).toBe('accepted as new');
    expect(code(`/NEW:1|${'é'.repeat(MAX_TEXT_BYTES / 2)}x`)).toBe('TEXT_TOO_LONG');
  });

  it('refuses a relay body that is not JSON', () => {
    expect(code('/RELAY:1|not json')).toBe('MALFORMED_REQUEST');
    expect(code('/RELAY:1|["Hello_1",[1,2]]x')).toBe('MALFORMED_REQUEST');
  });

  it.each([{ a: 1 }, [], 'x', null, ['Hello_1'], ['Hello_1', [1], 3, 4]])(
    'refuses relay body of the wrong shape %j',
    (body) => {
      expect(parseRequest(relay(body)).ok).toBe(false);
      expect(['BAD_PATH', 'BAD_MESSAGE_ID']).toContain(code(relay(body)));
    },
  );

  it.each(['Hello', 'Hello_', '_123', 'Hello_12a', 'Hello_-1', `x_${'1'.repeat(21)}`])(
    'refuses relay id %j with BAD_MESSAGE_ID',
    (id) => {
      expect(code(relay([id, [1]]))).toBe('BAD_MESSAGE_ID');
    },
  );

  it('refuses a relay id that is not a string, or whose text is bad, with BAD_MESSAGE_ID', () => {
    expect(code(relay([1, [1]]))).toBe('BAD_MESSAGE_ID');
    expect(code(relay(['a\tb_1', [1]]))).toBe('BAD_MESSAGE_ID');
    expect(code(relay([`${'x'.repeat(MAX_TEXT_BYTES + 1)}_1`, [1]]))).toBe('BAD_MESSAGE_ID');
  });

  it.each([[[]], [[0]], [[1, -1]], [[1.5]], [['1']], [[1, null]], [[65_536]]])(
    'refuses relay path %j with BAD_PATH',
    (path) => {
      expect(code(relay(['Hello_1', path]))).toBe('BAD_PATH');
    },
  );

  it('accepts a path of MAX_PATH_LENGTH hops and refuses one more', () => {
    const longest = Array.from({ length: MAX_PATH_LENGTH }, (_, i) => (i % 16) + 1);
    expect(code(relay(['Hello_1', longest]))).toBe('accepted as relay');
    expect(code(relay(['Hello_1', [...longest, 1]]))).toBe('BAD_PATH');
  });

  it.each([
    '/GET:bad|all',
    '/GET:all|bad',
    '/GET:all|',
    '/GET:ALL|all',
    '/GET:all|shortest&longest',
    '/MESSAGES:x|all',
  ])('refuses listing %j with BAD_ARGUMENT', (line) => {
    expect(code(line)).toBe('BAD_ARGUMENT');
  });

  it.each(['/REMOVE:', '/REMOVE:0', '/REMOVE:x', '/REMOVE:-3', '/REMOVE:1.5', '/REMOVE:65536'])(
    'refuses %j with BAD_ARGUMENT',
    (line) => {
      expect(code(line)).toBe('BAD_ARGUMENT');
    },
  );
});

describe('message ids', () => {
  it('splits at the LAST underscore', () => {
    expect(parseMessageId('a_b_c_123')).toEqual({ text: 'a_b_c', originNs: 123n });
    expect(parseMessageId('Hello_1795426696500612060')).toEqual({
      text: 'Hello',
      originNs: 1795426696500612060n,
    });
    expect(parseMessageId('__7')).toEqual({ text: '_', originNs: 7n });
  });

  it('keeps ns values beyond 2^53 exact', () => {
    expect(parseMessageId('x_9007199254740993')?.originNs).toBe(9007199254740993n);
  });

  it.each(['Hello', 'Hello_', '_123', 'a_1b', 'a_ 1', 'a_1.5', ''])('rejects %j', (id) => {
    expect(parseMessageId(id)).toBeUndefined();
  });

  it('round-trips formatMessageId and parseMessageId', () => {
    for (const [text, ns] of [
      ['Hello World', 1795426696500612060n],
      ['with_under_scores', 1n],
      ['pipes | and : colons', 0n],
      ['😀', 18446744073709551615n],
    ] as const) {
      const id = formatMessageId(text, ns);
      expect(id).toBe(`${text}_${ns}`);
      expect(parseMessageId(id)).toEqual({ text, originNs: ns });
    }
  });

  it('orders ids by origin ns numerically, not lexically', () => {
    expect(compareMessageIds('x_99', 'x_100')).toBeLessThan(0);
    expect(compareMessageIds('x_100', 'x_99')).toBeGreaterThan(0);
    expect(['z_100', 'a_99', 'm_1000'].sort(compareMessageIds)).toEqual(['a_99', 'z_100', 'm_1000']);
  });

  it('breaks ties in origin ns by id, and equal ids compare equal', () => {
    expect(compareMessageIds('b_5', 'a_5')).toBeGreaterThan(0);
    expect(compareMessageIds('a_5', 'b_5')).toBeLessThan(0);
    expect(compareMessageIds('a_5', 'a_5')).toBe(0);
  });

  it('compares ns beyond 2^53 exactly', () => {
    expect(compareMessageIds('x_9007199254740993', 'x_9007199254740992')).toBeGreaterThan(0);
  });
});

describe('parseRequest: /AUTH', () => {
  const mac = 'a'.repeat(64);
  const nonce = '0123456789abcdef0123456789abcdef';

  it('parses who, target node, time, nonce and MAC', () => {
    expect(ok(`/AUTH:cli|3|1800000000000|${nonce}|${mac}`)).toEqual({
      type: 'auth',
      who: 'cli',
      to: 3,
      atMs: 1_800_000_000_000,
      nonce,
      mac,
    });
    expect(ok(`/AUTH:12|3|0|${nonce}|${mac}`)).toMatchObject({ who: '12' });
  });

  it.each([
    '/AUTH:',
    `/AUTH:cli|3|1800000000000|${nonce}`,
    `/AUTH:cli|3|1800000000000|${nonce}|${mac}|extra`,
    `/AUTH:c li|3|1800000000000|${nonce}|${mac}`,
    `/AUTH:${'x'.repeat(65)}|3|1800000000000|${nonce}|${mac}`,
    `/AUTH:cli|0|1800000000000|${nonce}|${mac}`,
    `/AUTH:cli|3|-1|${nonce}|${mac}`,
    `/AUTH:cli|3|1e12|${nonce}|${mac}`,
    `/AUTH:cli|3|1800000000000|short|${mac}`,
    `/AUTH:cli|3|1800000000000|${nonce.toUpperCase()}|${mac}`,
    `/AUTH:cli|3|1800000000000|${nonce}|${'a'.repeat(63)}`,
    `/AUTH:cli|3|1800000000000|${nonce}|${'g'.repeat(64)}`,
  ])('refuses the malformed %j with AUTH_FAILED', (line) => {
    expect(code(line)).toBe('AUTH_FAILED');
  });
});

describe("createRequestParser: a node's own text cap", () => {
  const parse = createRequestParser({ maxTextBytes: 10 });

  it('refuses a longer /NEW text with TEXT_TOO_LONG, counting UTF-8 bytes', () => {
    expect(parse('/NEW:1|0123456789')).toMatchObject({ ok: true });
    expect(parse('/NEW:1|0123456789x')).toMatchObject({ ok: false, error: { code: 'TEXT_TOO_LONG' } });
    expect(parse('/NEW:1|ééééé')).toMatchObject({ ok: true });
    expect(parse('/NEW:1|éééééx')).toMatchObject({ ok: false, error: { code: 'TEXT_TOO_LONG' } });
  });

  it('refuses a relay whose id holds a longer text with BAD_MESSAGE_ID', () => {
    expect(parse('/RELAY:1|["0123456789_1",[2]]')).toMatchObject({ ok: true });
    expect(parse('/RELAY:1|["0123456789x_1",[2]]')).toMatchObject({
      ok: false,
      error: { code: 'BAD_MESSAGE_ID' },
    });
  });
});

describe('parseRequest: strategy lines and clocks', () => {
  it('accepts a relay that carries a Lamport clock third, and encodes one', () => {
    expect(ok('/RELAY:1|["Hello_1",[1,14],7]')).toEqual({ ...relayRequest(1, 'Hello_1', [1, 14]), clock: 7 });
    expect(encodeRelay(1, 'Hello_1', [1, 14], 7)).toBe('/RELAY:1|["Hello_1",[1,14],7]\n');
  });

  it.each(['x', -1, 1.5, 2 ** 53])('refuses a relay clock of %j', (clock) => {
    expect(code(`/RELAY:1|${JSON.stringify(['Hello_1', [1], clock])}`)).toBe('BAD_ARGUMENT');
  });

  it('parses /PUSH, which needs its clock', () => {
    const line = encodePush({ id: 'Hi_3', relays: 1, path: [4, 2], clock: 9 });
    expect(ok(line.slice(0, -1))).toEqual({ type: 'push', relays: 1, id: 'Hi_3', path: [4, 2], clock: 9 });
    expect(code('/PUSH:1|["Hi_3",[4,2]]')).toBe('BAD_PATH');
    expect(code('/PUSH:1|["Hi_3",[]],1')).toBe('MALFORMED_REQUEST');
    expect(code('/PUSH:0|["Hi_3",[4],1]')).toBe('BAD_RELAYS');
  });

  it('parses /PULL digests of 8-hex-digit entries, empty ones too', () => {
    expect(ok(encodePull(false, ['0123abcd', 'ffffffff']).slice(0, -1))).toEqual({
      type: 'pull',
      exchange: false,
      digest: ['0123abcd', 'ffffffff'],
    });
    expect(ok('/PULL:exchange|')).toEqual({ type: 'pull', exchange: true, digest: [] });
    expect(code('/PULL:both|')).toBe('BAD_ARGUMENT');
    expect(code('/PULL:pull')).toBe('BAD_ARGUMENT');
    expect(code('/PULL:pull|0123ABCD')).toBe('BAD_ARGUMENT');
    expect(code('/PULL:pull|0123abc')).toBe('BAD_ARGUMENT');
    expect(
      code(
        `/PULL:pull|${Array(MAX_DIGEST_ENTRIES + 1)
          .fill('00000000')
          .join(',')}`,
      ),
    ).toBe('BAD_ARGUMENT');
  });

  it('parses push and pull replies, and refuses malformed ones', () => {
    expect(parsePushReply('{"push":{"node":2,"id":"Hi_3","useful":false}}')).toEqual({
      node: 2,
      id: 'Hi_3',
      useful: false,
    });
    expect(parsePushReply('{"push":{"node":2,"id":"Hi_3"}}')).toBeUndefined();
    const pull = {
      node: 3,
      messages: [{ id: 'Hi_3', relays: 1, path: [1, 3], clock: 4 }],
      lacks: ['0000abcd'],
    };
    expect(parsePullReply(JSON.stringify({ pull }))).toEqual({ reply: pull, refused: 0 });
    expect(parsePullReply(JSON.stringify({ pull: { ...pull, lacks: ['zz'] } }))).toBeUndefined();
    expect(parsePullReply(JSON.stringify({ pull: { ...pull, messages: 'none' } }))).toBeUndefined();
    expect(parsePullReply('not json')).toBeUndefined();
  });

  // A pull reply or a sync page may carry only what a /RELAY or /PUSH line could: a bad message is left out
  // and counted, and the good ones (and a sync page's cursor) still count.
  const good = { id: 'Hi_3', relays: 1, path: [1, 3], clock: 4 };
  const carriedBad = [
    { ...good, path: [] },
    { ...good, id: 'no origin' },
    { ...good, id: 'tab\there_3' },
    { ...good, id: `${'x'.repeat(20)}_3` },
    { ...good, relays: 0 },
  ];
  it('leaves out and counts the messages of a pull reply that a push could not carry', () => {
    const pull = { node: 3, messages: [good, ...carriedBad], lacks: [] };
    expect(parsePullReply(JSON.stringify({ pull }), { maxTextBytes: 16 })).toEqual({
      reply: { node: 3, messages: [good], lacks: [] },
      refused: carriedBad.length,
    });
  });

  it('leaves out and counts the messages of a sync page that a relay could not carry', () => {
    const sync = { node: 2, epoch: 7, next: 9, more: false, messages: [...carriedBad, good] };
    expect(parseSyncReply(JSON.stringify({ sync }), { maxTextBytes: 16 })).toEqual({
      page: { ...sync, messages: [good] },
      refused: carriedBad.length,
    });
    expect(parseSyncReply(JSON.stringify({ sync: { ...sync, next: -1 } }))).toBeUndefined();
    expect(parseSyncReply(JSON.stringify({ sync: { ...sync, messages: {} } }))).toBeUndefined();
  });
});
