// Drives the real Membership with a fake clock and real TCP: each "peer" is a node:net server that records
// the lines every connection to it carries, and (unless told not to) accepts the HELLO that opens it.

import net, { type AddressInfo, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Membership, type MembershipHooks } from '../../src/node/membership.js';
import type { PeerAddress } from '../../src/node/peer-link.js';
import { waitFor } from '../helpers/wait-for.js';

const HOST = '127.0.0.1';
const SELF: PeerAddress = { id: 1, host: HOST, port: 7001 };
const HELLO = `/HELLO:1|${HOST}:7001|`;
const FAILURE_MS = 1_000;
const HEARTBEAT_MS = 100;

interface FakePeer {
  address: PeerAddress;
  /** Lines received, one array per accepted connection. */
  connections: string[][];
  /** Writes a line back on the latest connection. */
  reply(line: string): void;
}

const servers: Array<{ server: net.Server; sockets: Socket[] }> = [];

async function listen(id: number, port = 0, { accept = true } = {}): Promise<FakePeer> {
  const connections: string[][] = [];
  const sockets: Socket[] = [];
  const server = net.createServer((socket) => {
    const lines: string[] = [];
    let partial = '';
    connections.push(lines);
    sockets.push(socket);
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (accept && parts.some((line) => line.startsWith('/HELLO:')))
        socket.write(`${JSON.stringify({ hello: { node: id, accepted: true } })}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, resolve);
  });
  servers.push({ server, sockets });
  const address = { id, host: HOST, port: (server.address() as AddressInfo).port };
  return { address, connections, reply: (line) => sockets.at(-1)?.write(`${line}\n`) };
}

/** A port nobody listens on (yet). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const lines = (peer: FakePeer) => peer.connections.flat();
const count = (peer: FakePeer, line: string) => lines(peer).filter((l) => l === line).length;
const until = (what: string, probe: () => boolean) =>
  waitFor(() => probe() || undefined, { timeoutMs: 5_000, what });

let clock = 0;
let events: Array<{ hook: string; id: number; reason: string }> = [];
let membership: Membership | undefined;

const note =
  (hook: string) =>
  (peer: PeerAddress, reason: unknown = '') => {
    events.push({ hook, id: peer.id, reason: String(reason) });
  };
const hooks: MembershipHooks = {
  added: note('added'),
  dropped: note('dropped'),
  linkUp: note('linkUp'),
  linkDown: note('linkDown'),
  overflow: note('overflow'),
  reply: note('reply'),
  closeInbound: () => {},
};

function start(initial: FakePeer[], maxPeers = 3, targetPeers = initial.length): Membership {
  let seed = 42; // a seeded LCG: runs are reproducible
  const random = () => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return seed / 4_294_967_296;
  };
  const link = { maxQueue: 1_000, backoffMinMs: 10, backoffMaxMs: 40, connectTimeoutMs: 1_000, random };
  const timing = { failureTimeoutMs: FAILURE_MS, heartbeatMs: HEARTBEAT_MS, walkTtl: 5, now: () => clock };
  const options = { self: SELF, maxPeers, targetPeers, link, random, ...timing };
  const addresses = initial.map((peer) => peer.address);
  membership = new Membership(addresses, [], options, hooks);
  membership.start();
  return membership;
}

/**
 * Advances the fake clock in steps no longer than half the failure timeout (not a stall), ticking each;
 * the peers in `alive` are heard from at every step, the others stay silent.
 */
function advance(m: Membership, ms: number, step = 400, alive: readonly number[] = []): void {
  for (let left = ms; left > 0; left -= step) {
    clock += Math.min(step, left);
    for (const id of alive) m.heard(id);
    m.tick();
  }
}

const has = (hook: string, id: number, reason = /.*/) =>
  events.some((e) => e.hook === hook && e.id === id && reason.test(e.reason));

/** A peer we heard from once (it answered something on our link). */
async function hearFrom(peer: FakePeer): Promise<void> {
  peer.reply('{"ok":true}');
  await until(`reply from ${peer.address.id}`, () => has('reply', peer.address.id));
}

beforeEach(() => {
  clock = 100_000;
  events = [];
});

afterEach(async () => {
  membership?.stop();
  membership = undefined;
  for (const { server, sockets } of servers.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('Membership over real TCP', () => {
  it('greets every configured peer with a home HELLO', async () => {
    const [a, b] = [await listen(2), await listen(3)];
    const m = start([a, b]);
    await until('both HELLOs', () => a.connections.length === 1 && b.connections.length === 1);
    await until('both links up', () => m.isUp(2) && m.isUp(3));
    expect(a.connections[0]?.[0]).toBe(`${HELLO}h`);
    expect(b.connections[0]?.[0]).toBe(`${HELLO}h`);
    expect(m.ids()).toEqual([2, 3]);
  });

  it('pings up links quiet for a heartbeat, and never queues pings for a link that is down', async () => {
    const a = await listen(2);
    const downPort = await freePort();
    const m = start([a, { address: { id: 3, host: HOST, port: downPort }, connections: [], reply() {} }]);
    await until('a up, b down', () => m.isUp(2) && has('linkDown', 3));
    m.tick();
    await until('first ping', () => count(a, '/PING:') === 1);
    clock += HEARTBEAT_MS / 2;
    m.tick();
    m.send(2, '/MARK:\n');
    await until('marker', () => count(a, '/MARK:') === 1);
    expect(count(a, '/PING:')).toBe(1);
    // A heartbeat after the first ping, but the marker was a sign of life half a heartbeat ago: no ping yet,
    // then one a heartbeat after the marker (had the first of these ticks pinged, there would be three).
    clock += HEARTBEAT_MS / 2;
    m.tick();
    clock += HEARTBEAT_MS / 2;
    m.tick();
    await until('second ping', () => count(a, '/PING:') === 2);
    m.send(2, '/MARK:\n');
    await until('second marker', () => count(a, '/MARK:') === 2);
    expect(count(a, '/PING:')).toBe(2);
    // Peer 3 comes up: what it receives shows whether pings were queued while it was down.
    const b = await listen(3, downPort);
    await until('b up', () => m.isUp(3));
    clock += HEARTBEAT_MS;
    m.tick();
    await until('ping on b', () => count(b, '/PING:') === 1);
    expect(b.connections[0]).toEqual([`${HELLO}h`, '/PING:']);
  });

  it('drops a peer silent past the failure timeout and retries it with a home HELLO', async () => {
    const [a, b] = [await listen(2), await listen(3)];
    const m = start([a, b]);
    await until('links up', () => m.isUp(2) && m.isUp(3));
    await hearFrom(a);
    advance(m, FAILURE_MS, 400, [3]);
    expect(m.has(2)).toBe(true);
    advance(m, 200, 400, [3]);
    expect(m.has(2)).toBe(false);
    expect(has('dropped', 2, /silent/)).toBe(true);
    // One slot short of its degree: the node sends a repair walk through its remaining peer.
    await until('walk via b', () => count(b, `/WALK:5|1|${HOST}:7001`) > 0);
    advance(m, 250);
    await until('retry connection', () => a.connections.length === 2);
    expect(a.connections[1]?.[0]).toBe(`${HELLO}h`);
    expect(m.has(3)).toBe(true);
  });

  it('does not blame peers for a stall of its own', async () => {
    const a = await listen(2);
    const m = start([a]);
    await until('link up', () => m.isUp(2));
    await hearFrom(a);
    clock += FAILURE_MS * 5;
    m.tick();
    expect(m.has(2)).toBe(true);
    expect(events.filter((e) => e.hook === 'dropped')).toEqual([]);
    // Silence after the stall still counts.
    advance(m, FAILURE_MS + 200);
    expect(has('dropped', 2, /silent/)).toBe(true);
  });

  it('lets a stranger into a free slot and links to it, then refuses the next one', async () => {
    const [a, c, d] = [await listen(2), await listen(9), await listen(10)];
    const m = start([a], 2);
    expect(m.hello(c.address, { home: false, join: false })).toEqual({ accepted: true });
    expect(m.ids()).toEqual([2, 9]);
    expect(has('added', 9, /accepted/)).toBe(true);
    await until('link to stranger', () => c.connections[0]?.[0] !== undefined);
    expect(c.connections[0]?.[0]).toBe(HELLO);
    const refused = { accepted: false, reason: 'full (2/2 peers)' };
    expect(m.hello(d.address, { home: false, join: false })).toEqual(refused);
    expect(m.ids()).toEqual([2, 9]);
  });

  it('forgets a peer that left (its own /REMOVE) for good, and lets it in again only as a joining node', async () => {
    const [a, b] = [await listen(2), await listen(3)];
    const m = start([a, b]);
    await until('links up', () => m.isUp(2) && m.isUp(3));
    await hearFrom(b);
    expect(m.remove(2, true)).toBe(true);
    expect(m.remove(2, true)).toBe(false);
    expect(has('dropped', 2, /^left$/)).toBe(true);
    // Peer 3 goes silent, is dropped and retried: peer 2, which left, is not.
    advance(m, FAILURE_MS + 200);
    advance(m, 800);
    await until('retry of 3', () => b.connections.length === 2);
    expect(b.connections[1]?.[0]).toBe(`${HELLO}hj`);
    expect(a.connections).toHaveLength(1);
    expect(m.hello(a.address, { home: true, join: false })).toEqual({ accepted: false, reason: 'it left' });
    expect(m.hello(a.address, { home: false, join: true })).toEqual({ accepted: true });
  });

  it("keeps trying a peer that somebody else's /REMOVE dropped: a live one links again", async () => {
    const [a, b] = [await listen(2), await listen(3)];
    const m = start([a, b]);
    await until('links up', () => m.isUp(2) && m.isUp(3));
    expect(m.remove(2, false)).toBe(true);
    expect(has('dropped', 2, /^removed$/)).toBe(true);
    advance(m, 300);
    await until('peer 2 back', () => m.isUp(2));
    expect(a.connections.length).toBeGreaterThanOrEqual(2);
    expect(a.connections.at(-1)?.[0]).toBe(`${HELLO}h`);
  });

  it('never stops trying its home peers while it has no peer at all', async () => {
    const port = await freePort();
    const m = start([{ address: { id: 2, host: HOST, port }, connections: [], reply() {} }]);
    await until('link down', () => has('linkDown', 2));
    m.remove(2, false);
    // Far past the time after which other lost peers are forgotten.
    advance(m, 11 * 60_000, 1_000);
    const a = await listen(2, port);
    advance(m, 3_000, 500);
    await until('home peer found again', () => m.isUp(2));
    expect(a.connections[0]?.[0]).toBe(`${HELLO}hj`);
  });

  it('gives a link to a spliced-in node: the old peer is dropped for good, the new one is home', async () => {
    const [a, b] = [await listen(2), await listen(3)];
    const m = start([a, b]);
    await until('links up', () => m.isUp(2) && m.isUp(3));
    const added = await listen(9);
    m.splice(2, added.address);
    expect(m.ids()).toEqual([3]);
    expect(has('dropped', 2, /spliced for 9/)).toBe(true);
    // The new node is a home peer now: when full, it may take a temporary's slot.
    expect(m.hello(added.address, { home: false, join: false })).toEqual({ accepted: true });
    expect(m.views().find((peer) => peer.id === 9)?.home).toBe(true);
    // The old peer is not tried again, and splicing twice changes nothing.
    m.splice(2, added.address);
    advance(m, 3_000, 400, [3, 9]);
    expect(a.connections).toHaveLength(1);
  });

  it('refuses a HELLO from itself, by its id or by its address', () => {
    const m = start([]);
    expect(m.hello(SELF, { home: false, join: false })).toEqual({
      accepted: false,
      reason: 'that is this node',
    });
    const posing = { ...SELF, id: 9 };
    expect(m.hello(posing, { home: false, join: true })).toEqual({
      accepted: false,
      reason: 'that is this node',
    });
    expect(m.ids()).toEqual([]);
  });

  it('refuses a HELLO that puts a linked peer at another address', async () => {
    const a = await listen(2);
    const m = start([a]);
    await until('link up', () => m.isUp(2));
    const elsewhere = { id: 2, host: HOST, port: a.address.port + 1 };
    expect(m.hello(elsewhere, { home: true, join: false })).toEqual({
      accepted: false,
      reason: `node 2 is at ${HOST}:${a.address.port}`,
    });
    expect(m.hello(a.address, { home: true, join: false })).toEqual({ accepted: true });
  });

  it('says a /VERIFY nonce back only on its link to the asker, while that link awaits acceptance', async () => {
    const a = await listen(2, 0, { accept: false });
    const m = start([a]);
    await until('HELLO sent', () => a.connections[0]?.[0] !== undefined);
    const nonce = '0123456789abcdef0123456789abcdef';
    expect(m.prove(5, nonce)).toBe(false);
    expect(m.prove(2, nonce)).toBe(true);
    await until('proof on the link', () => count(a, `/PROVE:${nonce}`) === 1);
    for (let extra = 0; extra < 3; extra += 1) m.prove(2, nonce);
    expect(m.prove(2, nonce)).toBe(false);
    a.reply(JSON.stringify({ hello: { node: 2, accepted: true } }));
    await until('link up', () => m.isUp(2));
    expect(m.prove(2, nonce)).toBe(false);
  });

  it('answers a walk with a free slot by probing its origin', async () => {
    const [a, w] = [await listen(2), await listen(7, 0, { accept: false })];
    const m = start([a], 3);
    m.walk(5, w.address, 2);
    await until('probe HELLO', () => w.connections[0]?.[0] !== undefined);
    expect(w.connections[0]?.[0]).toBe(HELLO);
    expect(m.has(7)).toBe(false);
    w.reply('{"hello":{"node":7,"accepted":true}}');
    await until('probe accepted', () => m.has(7));
    expect(has('added', 7, /walk/)).toBe(true);
  });

  it('passes a walk on when full, with ttl - 1, not back to its sender', async () => {
    const [a, b] = [await listen(2), await listen(3)];
    const m = start([a, b], 2);
    await until('links up', () => m.isUp(2) && m.isUp(3));
    m.walk(5, { id: 7, host: HOST, port: 7007 }, 2);
    await until('walk forwarded', () => count(b, `/WALK:4|7|${HOST}:7007`) === 1);
    m.send(2, '/MARK:\n');
    await until('marker', () => count(a, '/MARK:') === 1);
    expect(lines(a).filter((l) => l.startsWith('/WALK:'))).toEqual([]);
  });

  /** maxPeers 2: home peer 2, stranger 9 in the slot that silent home peer 3 left. */
  async function fullWithTemporary() {
    const [a, b, c] = [await listen(2), await listen(3), await listen(9)];
    const m = start([a, b], 2);
    await until('links up', () => m.isUp(2) && m.isUp(3));
    await hearFrom(b);
    advance(m, FAILURE_MS + 200, 400, [2]);
    expect(m.has(3)).toBe(false);
    expect(m.hello(c.address, { home: false, join: false })).toEqual({ accepted: true });
    await until('link to 9 up', () => m.isUp(9));
    return { m, b, c };
  }

  it('gives a returning home peer the slot of a temporary one, which it does not tell to forget it', async () => {
    const { m, b, c } = await fullWithTemporary();
    expect(m.hello(b.address, { home: true, join: false })).toEqual({ accepted: true });
    expect([...m.ids()].sort()).toEqual([2, 3]);
    expect(has('dropped', 9, /evicted, making room for 3/)).toBe(true);
    await until('link back to 3', () => b.connections.length === 2);
    expect(b.connections[1]?.[0]).toBe(`${HELLO}h`);
    expect(lines(c).filter((line) => line.startsWith('/REMOVE:'))).toEqual([]);
  });

  it("never gives a home peer's slot to a joining stranger", async () => {
    const [a, b, c] = [await listen(2), await listen(3), await listen(9)];
    const m = start([a, b], 2);
    await until('links up', () => m.isUp(2) && m.isUp(3));
    expect(m.hello(c.address, { home: false, join: true })).toEqual({
      accepted: false,
      reason: 'full (2/2 peers)',
    });
    expect([...m.ids()].sort()).toEqual([2, 3]);
  });

  // Regression: a home peer whose probe and HELLO cross used to be accepted without an eviction,
  // taking the node over maxPeers (3 peers with maxPeers 2).
  it('never holds more than maxPeers when a probed home peer says HELLO while full', async () => {
    const { m, b } = await fullWithTemporary();
    advance(m, 250);
    await until('probe to 3', () => b.connections.length === 2);
    m.hello(b.address, { home: true, join: false });
    expect(m.ids().length).toBeLessThanOrEqual(2);
  });
});
