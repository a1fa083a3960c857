// The HELLO check back, as a pure state machine: a fake clock, counted nonces, and a dial that records.

import { beforeEach, describe, expect, it } from 'vitest';
import {
  CHECK_TIMEOUT_MS,
  CHECKS_PER_SECOND,
  Handshakes,
  type HelloAnswer,
  MAX_PENDING_CHECKS,
} from '../../src/node/handshake.js';
import type { PeerAddress } from '../../src/protocol/address.js';

interface Conn {
  name: string;
}

let clock: number;
let dialled: Array<{ to: PeerAddress; line: string }>;
let admitted: Array<{ claim: PeerAddress; connection: Conn }>;
let proofs: Array<{ asker: number; nonce: string }>;
let handshakes: Handshakes<Conn>;

const claim = (id: number, port = 7000 + id): PeerAddress => ({ id, host: '127.0.0.1', port });
const flags = { home: true, join: false };

beforeEach(() => {
  clock = 1_000;
  dialled = [];
  admitted = [];
  proofs = [];
  let counter = 0;
  handshakes = new Handshakes<Conn>({
    selfId: 1,
    claimProblem: (address) => (address.id === 1 ? 'that is this node' : undefined),
    admit: (address, _flags, connection) => {
      admitted.push({ claim: address, connection });
      return { accepted: true };
    },
    prove: (asker, nonce) => {
      proofs.push({ asker, nonce });
      return asker === 2;
    },
    dial: (to, line) => dialled.push({ to, line }),
    newNonce: () => (counter++).toString(16).padStart(32, '0'),
    now: () => clock,
  });
});

/** The nonce of the last /VERIFY dialled. */
const lastNonce = (): string => dialled.at(-1)?.line.match(/^\/VERIFY:1\|([0-9a-f]{32})\n$/)?.[1] ?? '';

describe('Handshakes', () => {
  it('refuses at once, key or not, a claim membership refuses whatever its proof', () => {
    const conn = { name: 'c' };
    expect(handshakes.hello(claim(1), flags, conn, undefined)).toEqual({
      accepted: false,
      reason: 'that is this node',
    });
    expect(handshakes.hello(claim(1), flags, conn, 1)).toMatchObject({ accepted: false });
    expect(dialled).toEqual([]);
  });

  it('needs no check for a connection that proved the cluster key as that node', () => {
    const conn = { name: 'c' };
    expect(handshakes.hello(claim(2), flags, conn, 2)).toEqual({ accepted: true });
    expect(admitted).toEqual([{ claim: claim(2), connection: conn }]);
    expect(dialled).toEqual([]);
  });

  it('checks any other claim back at the address it gives, and admits it on the proof on that connection', async () => {
    const conn = { name: 'c' };
    // Keyed as another node: the key vouches for node 3, not for 2.
    const answer = handshakes.hello(claim(2), flags, conn, 3);
    expect(answer).toBeInstanceOf(Promise);
    expect(dialled).toEqual([{ to: claim(2), line: `/VERIFY:1|${lastNonce()}\n` }]);
    expect(admitted).toEqual([]);
    expect(handshakes.proved(lastNonce(), { name: 'another connection' })).toBe(false);
    expect(handshakes.proved('f'.repeat(32), conn)).toBe(false);
    expect(handshakes.proved(lastNonce(), conn)).toBe(true);
    expect(await answer).toEqual({ accepted: true });
    expect(admitted).toEqual([{ claim: claim(2), connection: conn }]);
    // A nonce is good once.
    expect(handshakes.proved(lastNonce(), conn)).toBe(false);
    expect(handshakes.size).toBe(0);
  });

  it('refuses a claim with no proof after CHECK_TIMEOUT_MS, and one whose connection closed', async () => {
    const late = handshakes.hello(claim(2), flags, { name: 'late' }, undefined) as Promise<HelloAnswer>;
    const closed = { name: 'closed' };
    const gone = handshakes.hello(claim(3), flags, closed, undefined) as Promise<HelloAnswer>;
    handshakes.expire(closed);
    expect(await gone).toEqual({
      accepted: false,
      reason: 'not verified: no proof came back from 127.0.0.1:7003',
    });
    clock += CHECK_TIMEOUT_MS - 1;
    handshakes.expire();
    expect(handshakes.size).toBe(1);
    clock += 1;
    handshakes.expire();
    expect(await late).toMatchObject({ accepted: false });
    expect(admitted).toEqual([]);
  });

  it('checks one HELLO per connection at a time', () => {
    const conn = { name: 'c' };
    handshakes.hello(claim(2), flags, conn, undefined);
    expect(handshakes.hello(claim(3), flags, conn, undefined)).toEqual({
      accepted: false,
      reason: 'a HELLO is already being checked on this connection',
    });
    expect(dialled).toHaveLength(1);
  });

  it('dials at most MAX_PENDING_CHECKS at once and CHECKS_PER_SECOND a second', () => {
    const busy = { accepted: false, reason: 'too many HELLOs to check; try again later' };
    const connections = Array.from({ length: CHECKS_PER_SECOND }, (_, index) => ({ name: `c${index}` }));
    connections.slice(0, MAX_PENDING_CHECKS).forEach((conn, index) => {
      handshakes.hello(claim(10 + index), flags, conn, undefined);
    });
    expect(handshakes.hello(claim(9), flags, { name: 'one more' }, undefined)).toEqual(busy);
    // Proofs free the slots at once, but the rate holds: CHECKS_PER_SECOND in a burst.
    dialled.forEach(({ line }, index) => {
      handshakes.proved(line.slice('/VERIFY:1|'.length, -1), connections[index] as Conn);
    });
    connections.slice(MAX_PENDING_CHECKS).forEach((conn, index) => {
      handshakes.hello(claim(100 + index), flags, conn, undefined);
    });
    expect(dialled).toHaveLength(CHECKS_PER_SECOND);
    expect(handshakes.hello(claim(9), flags, { name: 'over the rate' }, undefined)).toEqual(busy);
    clock += 1_000;
    expect(handshakes.hello(claim(9), flags, { name: 'a second later' }, undefined)).toBeInstanceOf(Promise);
  });

  it('says a /VERIFY back through membership, which knows the links', () => {
    expect(handshakes.verify(2, 'a'.repeat(32))).toBe(true);
    expect(handshakes.verify(5, 'b'.repeat(32))).toBe(false);
    expect(proofs).toEqual([
      { asker: 2, nonce: 'a'.repeat(32) },
      { asker: 5, nonce: 'b'.repeat(32) },
    ]);
  });
});
