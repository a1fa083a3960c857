// Forged peers against real nodes started with a cluster key: relays, removals, membership and repair lines
// without /AUTH, with a wrong HMAC, a stale time, a replayed or misdirected /AUTH line are all refused and
// counted, and the victim's state does not change; a node with the wrong key cannot join; a keyless node
// will not listen beyond loopback unless told --insecure.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetchMessages, fetchStats } from '../../src/client/node-client.js';
import { encodeAuth } from '../../src/protocol/auth.js';
import type { StatsReply } from '../../src/protocol/replies.js';
import { DaemonPool, GOSSIP_BIN, ringSpecs, type StartedNode } from '../helpers/daemons.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';
import { errorCodes, RawClient } from '../helpers/wire.js';

const KEY = 'f3a1c0de5eed0ba5e1234567890abcdef0123456789abcdef0123456789abcd';
const WRONG_KEY = '0000000000000000000000000000000000000000000000000000000000000bad';

let dir = '';
let keyFile = '';
let wrongKeyFile = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gossip-auth-'));
  keyFile = path.join(dir, 'cluster.key');
  wrongKeyFile = path.join(dir, 'wrong.key');
  await writeFile(keyFile, `${KEY}\n`);
  await writeFile(wrongKeyFile, `${WRONG_KEY}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const pool = new DaemonPool();
afterEach(() => pool.cleanup());

const stats = (node: StartedNode): Promise<StatsReply> => fetchStats({ host: '127.0.0.1', port: node.port });
const peerIds = async (node: StartedNode) => (await stats(node)).peers.map((peer) => peer.id).sort();
const auth = (key: string, who: string, to: number, atMs = Date.now()) =>
  encodeAuth(Buffer.from(key), who, to, atMs).line;

/** A keyed ring of three; node 1 is the victim. */
async function keyedRing(): Promise<StartedNode[]> {
  const base = await allocatePortRange(3);
  const nodes = await Promise.all(
    ringSpecs(3, base).map((spec) => pool.start({ ...spec, extraArgs: ['--cluster-key-file', keyFile] })),
  );
  await pool.waitLinksUp(nodes);
  return nodes;
}

/** What an attacker could change at the victim: its peers, its messages, its links. */
async function snapshot(node: StartedNode) {
  const reply = await stats(node);
  const messages = await fetchMessages({ host: '127.0.0.1', port: node.port }, 'all', 'all');
  return {
    peers: reply.peers.map((peer) => `${peer.id}:${peer.state}`).sort(),
    messages: messages.messages.map((message) => message.id).sort(),
  };
}

/**
 * Sends lines on a fresh connection and collects `expected` replies, then whether the node closed it: a /HEALTH
 * sent after them is answered on an open connection, and never on one the node is closing.
 */
async function exchange(node: StartedNode, lines: string, expected: number) {
  const client = await RawClient.connect(node.port);
  await client.write(lines);
  const replies = (await client.waitLines(expected)).slice(0, expected);
  await client.write('/HEALTH:\n');
  await waitFor(() => client.isClosed || client.lines.length > expected, {
    what: 'a /HEALTH answer or the close',
  });
  const closed = client.isClosed && client.lines.length === expected;
  client.destroy();
  return { codes: errorCodes(replies), replies, closed };
}

describe('a node with a cluster key', () => {
  it('refuses relays, removal, membership and repair lines without /AUTH, counts them, and changes nothing', async () => {
    const [victim] = await keyedRing();
    if (victim === undefined) throw new Error('no victim');
    const before = await snapshot(victim);
    const forged = [
      '/RELAY:1|["forged_1795426696500612060",[2]]',
      '/REMOVE:2',
      '/HELLO:9|127.0.0.1:1|j',
      '/WALK:3|9|127.0.0.1:1',
      '/SYNC:0|0',
      '/PING:',
    ];
    const { codes, closed } = await exchange(victim, `${forged.join('\n')}\n`, forged.length);
    expect(codes).toEqual(forged.map(() => 'AUTH_REQUIRED'));
    expect(closed).toBe(false);
    // The reference client's commands and the read-only ones stay open.
    expect(await askLine(victim.port, '/HEALTH:')).toMatchObject({ ok: true, node: 1 });
    expect(await snapshot(victim)).toEqual(before);
    expect((await stats(victim)).errors.AUTH_REQUIRED).toBe(forged.length);
  });

  it('refuses a wrong HMAC, a stale time, a line for another node and a replayed line; only a fresh one works', async () => {
    const [victim] = await keyedRing();
    if (victim === undefined) throw new Error('no victim');
    const before = await snapshot(victim);

    const wrongKey = await exchange(victim, `${auth(WRONG_KEY, 'cli', 1)}/REMOVE:2\n/PING:\n`, 1);
    expect(wrongKey.codes).toEqual(['AUTH_FAILED']);
    expect(wrongKey.closed).toBe(true);

    const stale = await exchange(victim, `${auth(KEY, 'cli', 1, Date.now() - 120_000)}/REMOVE:2\n`, 1);
    expect(stale.codes).toEqual(['AUTH_EXPIRED']);
    expect(stale.closed).toBe(true);

    const future = await exchange(victim, `${auth(KEY, 'cli', 1, Date.now() + 120_000)}/REMOVE:2\n`, 1);
    expect(future.codes).toEqual(['AUTH_EXPIRED']);

    const elsewhere = await exchange(victim, `${auth(KEY, 'cli', 2)}/REMOVE:2\n`, 1);
    expect(elsewhere.codes).toEqual(['AUTH_FAILED']);
    expect(elsewhere.replies[0]?.error).toMatch(/signed for node 2/);

    // A good line works once (the /SYNC after it gets past the key, and is refused only because a CLI is no peer) ...
    const line = auth(KEY, 'cli', 1);
    const first = await exchange(victim, `${line}/SYNC:0|0\n`, 2);
    expect(first.codes).toEqual(['NOT_A_PEER']);
    expect(first.replies[0]).toMatchObject({ auth: { node: 1 } });
    // ... and never again, whatever follows it.
    const replayed = await exchange(victim, `${line}/REMOVE:2\n`, 1);
    expect(replayed.codes).toEqual(['AUTH_REPLAYED']);
    expect(replayed.closed).toBe(true);

    expect(await snapshot(victim)).toEqual(before);
    const { errors, counters } = await stats(victim);
    expect(errors).toMatchObject({ AUTH_FAILED: 2, AUTH_EXPIRED: 2, AUTH_REPLAYED: 1 });
    expect(counters.authAccepted).toBeGreaterThanOrEqual(1);
  });

  it('lets an authenticated node link speak only for its own id', async () => {
    const [victim] = await keyedRing();
    if (victim === undefined) throw new Error('no victim');
    const before = await snapshot(victim);
    const lines = [
      auth(KEY, '5', 1),
      '/RELAY:1|["as-node-2_1795426696500612060",[2]]\n',
      '/HELLO:3|127.0.0.1:1|h\n',
      '/RELAY:1|["loop_1795426696500612060",[1]]\n',
    ];
    const { codes, replies } = await exchange(victim, lines.join(''), 4);
    expect(replies[0]).toMatchObject({ auth: { node: 1 } });
    expect(codes).toEqual(['NOT_A_PEER', 'BAD_ARGUMENT', 'NOT_A_PEER']);
    expect(replies[1]?.error).toBe("the path ends with 2, but this is node 5's link");
    expect(await snapshot(victim)).toEqual(before);
  });

  it('does not let a node with the wrong key join, while one with the right key joins', async () => {
    const nodes = await keyedRing();
    const [victim] = nodes;
    if (victim === undefined) throw new Error('no victim');
    const base = await allocatePortRange(2);
    const intruder = await pool.start({
      id: 4,
      port: base + 1,
      peers: [{ id: 1, port: victim.port }],
      extraArgs: ['--cluster-key-file', wrongKeyFile],
    });
    // It keeps knocking; every attempt is refused and counted on both sides.
    await waitFor(async () => ((await stats(victim)).errors.AUTH_FAILED ?? 0) >= 2, {
      what: 'two refused attempts of the intruder',
    });
    expect(await peerIds(victim)).toEqual([2, 3]);
    const intruderStats = await fetchStats({ host: '127.0.0.1', port: intruder.port });
    expect(intruderStats.counters.peerAuthFailures).toBeGreaterThan(0);
    expect(intruderStats.messages).toBe(0);

    const friend = await pool.start({
      id: 5,
      port: base + 2,
      peers: [{ id: 1, port: victim.port }],
      extraArgs: ['--cluster-key-file', keyFile],
    });
    await waitFor(async () => (await peerIds(victim)).includes(5), { what: 'node 5 to join node 1' });
    await pool.waitLinksUp([friend]);
    expect(await peerIds(victim)).toEqual([2, 3, 5]);
    // The intruder never got in, and learns nothing relayed in the cluster.
    const reply = await askLine(nodes[1]?.port ?? 0, '/NEW:1|inside');
    expect(reply).toHaveProperty('id');
    await waitFor(async () => (await stats(friend)).messages === 1, { what: 'the message at node 5' });
    expect((await fetchStats({ host: '127.0.0.1', port: intruder.port })).messages).toBe(0);
  });
});

describe('binding without a cluster key', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    execa(process.execPath, [GOSSIP_BIN, 'node', '--id', '1', ...args], {
      reject: false,
      timeout: 30_000,
      env,
    });

  it('refuses a non-loopback bind, and a key given as a flag value', async () => {
    const port = String((await allocatePortRange(1)) + 1);
    for (const host of ['0.0.0.0', '::']) {
      const refused = await run(['--port', port, '--host', host]);
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toMatch(/refusing to listen on .* without a cluster key.*--insecure/);
    }
    const flagKey = await run(['--port', port, '--cluster-key', KEY]);
    expect(flagKey.exitCode).toBe(2);
    expect(flagKey.stderr).toMatch(/visible to every user/);
  });

  it('binds 0.0.0.0 with --insecure, warning on stderr and in the log, and with a key from the environment, silently', async () => {
    const port = (await allocatePortRange(2)) + 1;
    const insecure = await pool.start({
      id: 1,
      port,
      peers: [],
      extraArgs: ['--host', '0.0.0.0', '--insecure'],
    });
    process.env.GOSSIP_CLUSTER_KEY = KEY;
    let keyed: StartedNode;
    try {
      keyed = await pool.start({ id: 2, port: port + 1, peers: [], extraArgs: ['--host', '0.0.0.0'] });
    } finally {
      delete process.env.GOSSIP_CLUSTER_KEY;
    }
    const { codes } = await exchange(keyed, '/REMOVE:3\n', 1);
    expect(codes).toEqual(['AUTH_REQUIRED']);
    const ok = await exchange(keyed, `${auth(KEY, 'cli', 2)}/REMOVE:3\n`, 1);
    expect(ok.replies[0]).toMatchObject({ auth: { node: 2 } });

    // Stopped cleanly, each node has said all it will say: its whole stderr and a flushed log to judge.
    const said = async (node: StartedNode) => {
      node.kill('SIGTERM');
      const { exitCode, stderr } = await node.exited;
      expect(exitCode).toBe(0);
      const log = await pool.logLines(node);
      expect(log.at(-1)?.msg).toBe('node.stopped');
      return { stderr, warnings: log.filter((line) => line.msg === 'node.insecure') };
    };
    const open = await said(insecure);
    expect(open.stderr).toBe(
      'warning: listening on 0.0.0.0 without a cluster key (--insecure): anyone who can reach this port can inject relays and remove peers',
    );
    expect(open.warnings).toHaveLength(1);
    expect(open.warnings[0]).toMatchObject({ level: 40, host: '0.0.0.0' });
    const silent = await said(keyed);
    expect(silent.stderr).toBe('');
    expect(silent.warnings).toEqual([]);
  });
});
