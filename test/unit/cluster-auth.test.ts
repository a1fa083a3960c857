import { describe, expect, it } from 'vitest';
import { AUTH_WINDOW_MS, ClusterAuth } from '../../src/node/cluster-auth.js';
import { authMac, checkAuthReply, encodeAuth } from '../../src/protocol/auth.js';
import type { Request } from '../../src/protocol/request-types.js';
import { parseRequest } from '../../src/protocol/requests.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef');
const OTHER_KEY = Buffer.from('fedcba9876543210fedcba9876543210');
type AuthRequest = Extract<Request, { type: 'auth' }>;

/** Parses an /AUTH line the way a node does. */
function parsed(line: string): AuthRequest {
  const result = parseRequest(line.trimEnd());
  if (!result.ok || result.request.type !== 'auth') throw new Error(`not an /AUTH line: ${line}`);
  return result.request;
}

function node(self = 1, clock = { now: 1_800_000_000_000 }, maxNonces?: number): ClusterAuth {
  return new ClusterAuth({
    key: KEY,
    self,
    now: () => clock.now,
    ...(maxNonces === undefined ? {} : { maxNonces }),
  });
}

describe('ClusterAuth.verify', () => {
  const at = 1_800_000_000_000;

  it('accepts a fresh line signed with the key, for this node, and answers with a proof', () => {
    const { line, nonce } = encodeAuth(KEY, 'cli', 1, at);
    const result = node().verify(parsed(line));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.who).toBe('cli');
    expect(checkAuthReply(KEY, result.reply.trimEnd(), { who: 'cli', to: 1, nonce })).toBe(true);
    // The proof is bound to the key and to the nonce.
    expect(checkAuthReply(OTHER_KEY, result.reply.trimEnd(), { who: 'cli', to: 1, nonce })).toBe(false);
    expect(checkAuthReply(KEY, result.reply.trimEnd(), { who: 'cli', to: 1, nonce: '00'.repeat(16) })).toBe(
      false,
    );
  });

  it('refuses a line signed with another key', () => {
    const { line } = encodeAuth(OTHER_KEY, 'cli', 1, at);
    expect(node().verify(parsed(line))).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
  });

  it('refuses a line whose fields were changed after signing', () => {
    const { line } = encodeAuth(KEY, 'cli', 1, at);
    const request = parsed(line);
    expect(node().verify({ ...request, who: '2' })).toMatchObject({ error: { code: 'AUTH_FAILED' } });
    expect(node().verify({ ...request, atMs: at + 1 })).toMatchObject({ error: { code: 'AUTH_FAILED' } });
  });

  it('refuses a line signed for another node', () => {
    const { line } = encodeAuth(KEY, 'cli', 2, at);
    const result = node(1).verify(parsed(line));
    expect(result).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    expect(result.ok ? '' : result.error.error).toMatch(/signed for node 2/);
  });

  it.each([-1, 1])('refuses a line more than the window away (%i)', (sign) => {
    const clock = { now: at };
    const { line } = encodeAuth(KEY, 'cli', 1, at + sign * (AUTH_WINDOW_MS + 1));
    expect(node(1, clock).verify(parsed(line))).toMatchObject({ error: { code: 'AUTH_EXPIRED' } });
    const { line: edge } = encodeAuth(KEY, 'cli', 1, at + sign * AUTH_WINDOW_MS);
    expect(node(1, clock).verify(parsed(edge)).ok).toBe(true);
  });

  it('refuses a replayed line, and forgets nonces only once such a line would be too old anyway', () => {
    const clock = { now: at };
    const auth = node(1, clock);
    const { line } = encodeAuth(KEY, 'cli', 1, at);
    expect(auth.verify(parsed(line)).ok).toBe(true);
    expect(auth.verify(parsed(line))).toMatchObject({ error: { code: 'AUTH_REPLAYED' } });
    clock.now = at + AUTH_WINDOW_MS;
    expect(auth.verify(parsed(line))).toMatchObject({ error: { code: 'AUTH_REPLAYED' } });
    clock.now = at + 2 * AUTH_WINDOW_MS + 1;
    expect(auth.verify(parsed(line))).toMatchObject({ error: { code: 'AUTH_EXPIRED' } });
    const { line: fresh } = encodeAuth(KEY, 'cli', 1, clock.now);
    expect(auth.verify(parsed(fresh)).ok).toBe(true);
    expect(auth.remembered).toBe(1);
  });

  it('keeps the replay cache bounded: when full, new lines are refused until old ones age out', () => {
    const clock = { now: at };
    const auth = node(1, clock, 3);
    for (let i = 0; i < 3; i += 1)
      expect(auth.verify(parsed(encodeAuth(KEY, 'cli', 1, at).line)).ok).toBe(true);
    expect(auth.verify(parsed(encodeAuth(KEY, 'cli', 1, at).line))).toMatchObject({
      error: { code: 'AUTH_FAILED' },
    });
    expect(auth.remembered).toBe(3);
    clock.now = at + 2 * AUTH_WINDOW_MS + 1;
    expect(auth.verify(parsed(encodeAuth(KEY, 'cli', 1, clock.now).line)).ok).toBe(true);
    expect(auth.remembered).toBe(1);
  });

  it('does not remember nonces of lines it refused (a stranger cannot fill the cache)', () => {
    const auth = node();
    for (let i = 0; i < 10; i += 1) auth.verify(parsed(encodeAuth(OTHER_KEY, 'x', 1, at).line));
    expect(auth.remembered).toBe(0);
  });
});

describe('ClusterAuth.offer: the node side of its own links', () => {
  it("makes lines the peer accepts, and recognises only that peer's proof", () => {
    const clock = { now: 1_800_000_000_000 };
    const a = node(1, clock);
    const b = node(2, clock);
    const offer = a.offer(2);
    const result = b.verify(parsed(offer.line));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.who).toBe('1');
    expect(offer.check(result.reply.trimEnd())).toBe(true);
    expect(offer.check('{"hello":{"node":2,"accepted":true}}')).toBe(false);
    expect(offer.check('{"error":"bad signature","code":"AUTH_FAILED"}')).toBe(false);
    // Another connection's proof does not pass for this one.
    const second = a.offer(2);
    expect(second.check(result.reply.trimEnd())).toBe(false);
  });
});

describe('the MAC', () => {
  it('covers every field', () => {
    const fields = { who: 'cli', to: 1, atMs: 5, nonce: 'ab'.repeat(16) };
    const mac = authMac(KEY, fields);
    expect(authMac(KEY, { ...fields, who: 'cl' })).not.toBe(mac);
    expect(authMac(KEY, { ...fields, to: 2 })).not.toBe(mac);
    expect(authMac(KEY, { ...fields, atMs: 6 })).not.toBe(mac);
    expect(authMac(KEY, { ...fields, nonce: 'cd'.repeat(16) })).not.toBe(mac);
    expect(authMac(OTHER_KEY, fields)).not.toBe(mac);
  });
});
