// Fuzzing a live node: thousands of random and adversarial request lines (invalid JSON, wrong types, bad
// relay counts, unknown commands, looping paths, forged senders, binary and invalid UTF-8), huge lines and
// ids, lines split at every byte, half-open, vanishing and slow connections. Every line gets the error the
// node's own parser predicts (or its reply), the node never crashes (same pid, still healthy), its memory
// stays bounded, and afterwards the cluster still delivers a message to every node.
// FUZZ_SEED=<n> npx vitest run test/integration/fuzz.test.ts replays another corpus.

import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchMessages, fetchStats } from '../../src/client/node-client.js';
import { DaemonPool, ringSpecs, type StartedNode } from '../helpers/daemons.js';
import {
  FUZZ_SEED,
  isHarmless,
  type OracleOptions,
  oracle,
  sampleCorpus,
  type Verdict,
} from '../helpers/fuzz-corpus.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';
import { errorCodes, RawClient, rssBytes } from '../helpers/wire.js';

const KEY = 'fuzzing-cluster-key-0123456789abcdef0123456789';
const IDLE_MS = 2_000;
const BATCH = 250;

const pool = new DaemonPool();
let nodes: StartedNode[] = [];
let target: StartedNode;
let keyed: StartedNode;
let pid = 0;
let keyedPid = 0;
let baselineRss = 0;
let peakRss = 0;
let sampler: NodeJS.Timeout | undefined;

beforeAll(async () => {
  const base = await allocatePortRange(4);
  const dir = await pool.tempDir();
  nodes = await Promise.all(
    ringSpecs(3, base).map((spec) =>
      pool.start({
        ...spec,
        extraArgs: ['--data-dir', path.join(dir, `data-${spec.id}`), '--idle-timeout-ms', String(IDLE_MS)],
      }),
    ),
  );
  await pool.waitLinksUp(nodes);
  target = nodes[0] as StartedNode;
  process.env.GOSSIP_CLUSTER_KEY = KEY;
  try {
    keyed = await pool.start({ id: 9, port: base + 4, peers: [] });
  } finally {
    delete process.env.GOSSIP_CLUSTER_KEY;
  }
  pid = ((await askLine(target.port, '/HEALTH:')) as { pid: number }).pid;
  keyedPid = ((await askLine(keyed.port, '/HEALTH:')) as { pid: number }).pid;
  baselineRss = await rssBytes(pid);
  sampler = setInterval(() => {
    rssBytes(pid).then(
      (rss) => {
        peakRss = Math.max(peakRss, rss);
      },
      () => {},
    );
  }, 50);
});

afterAll(async () => {
  clearInterval(sampler);
  await pool.cleanup();
});

const at = (node: StartedNode) => ({ host: '127.0.0.1', port: node.port });

/** Sends lines in batches, each followed by a /HEALTH marker, and checks every answer against the oracle. */
async function fuzzBatches(
  node: StartedNode,
  lines: readonly Buffer[],
  options: OracleOptions,
): Promise<number> {
  let checked = 0;
  for (let at = 0; at < lines.length; at += BATCH) {
    const batch = Buffer.concat(lines.slice(at, at + BATCH).flatMap((line) => [line, Buffer.from('\n')]));
    const expected: Verdict[] = oracle(batch, options);
    const answered = expected.filter(
      (verdict) => verdict.kind === 'error' || verdict.kind === 'reply',
    ).length;
    const client = await RawClient.connect(node.port);
    try {
      await client.write(Buffer.concat([batch, Buffer.from('/HEALTH:\n')]));
      const replies = await client.waitLines(answered + 1, 15_000);
      expect(replies).toHaveLength(answered + 1);
      expect(replies[answered]).toMatchObject({ ok: true });
      expect(errorCodes(replies)).toEqual(
        expected.flatMap((verdict) => (verdict.kind === 'error' ? [verdict.code] : [])),
      );
      checked += expected.length;
    } finally {
      client.destroy();
    }
  }
  return checked;
}

describe(`a live node under fuzzing (seed ${FUZZ_SEED})`, () => {
  it('answers thousands of random and adversarial lines each with the predicted error or reply', async () => {
    const options = { nodeId: 1, keyed: false };
    const corpus = sampleCorpus(4_000).filter((line) => isHarmless(line, options));
    expect(corpus.length).toBeGreaterThan(3_000);
    const checked = await fuzzBatches(target, corpus, options);
    expect(checked).toBeGreaterThan(2_500);
    const { errors } = await fetchStats(at(target));
    // The corpus reaches deep: parse errors of every kind, and well-formed relays (with loops and forged
    // senders) that a client connection may not send at all.
    for (const code of [
      'UNKNOWN_COMMAND',
      'BAD_RELAYS',
      'MALFORMED_REQUEST',
      'BAD_PATH',
      'BAD_MESSAGE_ID',
      'BAD_TEXT',
      'LINE_TOO_LONG',
    ])
      expect(errors[code], code).toBeGreaterThan(0);
    expect(errors.NOT_A_PEER).toBeGreaterThan(50);
    // So every path the node recorded came from itself (a /NEW) or from one of its real peers, 2 and 3.
    const listing = await fetchMessages(at(target), 'all', 'all');
    for (const message of listing.messages) {
      for (const { path } of message.paths) {
        expect(path.length === 1 ? path : path.slice(-2, -1), path.join('-')).toEqual(
          path.length === 1 ? [1] : [expect.toSatisfy((hop: number) => hop === 2 || hop === 3)],
        );
      }
    }
  });

  it('on a keyed node, refuses every protected command of the corpus with AUTH_REQUIRED', async () => {
    const options = { nodeId: 9, keyed: true };
    const corpus = sampleCorpus(2_000, FUZZ_SEED + 1).filter((line) => isHarmless(line, options));
    await fuzzBatches(keyed, corpus, options);
    const { errors, messages, peers } = await fetchStats(at(keyed));
    expect(errors.AUTH_REQUIRED).toBeGreaterThan(30);
    // Nothing relayed got in, no peer was added: only /NEW (open to clients) made messages.
    const listing = await fetchMessages(at(keyed), 'all', 'all');
    expect(listing.messages.every((message) => message.origin === 9)).toBe(true);
    expect(messages).toBe(listing.messages.length);
    expect(peers).toEqual([]);
  });

  it('discards a 10 MB line without a newline, and megabyte ids, with one error each', async () => {
    const huge = Buffer.alloc(10 * 1024 * 1024, 0x78);
    const halfClosed = await RawClient.connect(target.port);
    halfClosed.socket.end(huge);
    await halfClosed.waitClosed(15_000);
    expect(errorCodes(halfClosed.replies())).toEqual(['LINE_TOO_LONG']);

    const open = await RawClient.connect(target.port);
    await open.write(Buffer.concat([Buffer.from('/RELAY:1|["'), huge]));
    await open.write(`_1",[2]]\n/RELAY:1|["${'y'.repeat(2 * 1024 * 1024)}_1",[2]]\n`);
    await open.write(`/RELAY:1|["${'z'.repeat(60 * 1024)}_1",[2]]\n/HEALTH:\n`);
    const replies = await open.waitLines(4, 15_000);
    expect(errorCodes(replies)).toEqual(['LINE_TOO_LONG', 'LINE_TOO_LONG', 'BAD_MESSAGE_ID']);
    expect(replies[3]).toMatchObject({ ok: true });
    open.destroy();
  });

  it('reads lines split at every byte exactly as lines sent whole', async () => {
    const script = Buffer.from(
      `${[
        '/HEALTH:',
        '/NEW:0|zero',
        '/NEW:1|héllo wörld ✓ 😀',
        '/RELAY:1|["split_1795426696500612060",[7,8,7]]',
        '/RELAY:x|[]',
        '/SYNC:0|0',
        '\r',
        '/FOO:bar',
        '/RELAY:1|["split_1795426696500612060",[1]]',
        '/STATS:',
      ].join('\r\n')}\n`,
    );
    const whole = await RawClient.connect(target.port);
    await whole.write(script);
    const expected = await whole.waitLines(10);
    whole.destroy();

    const bytewise = await RawClient.connect(target.port);
    for (const byte of script) {
      await bytewise.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const got = await bytewise.waitLines(10);
    bytewise.destroy();
    const shape = (reply: Record<string, unknown>) =>
      typeof reply.code === 'string' ? reply.code : Object.keys(reply).sort().join(',');
    expect(got.map(shape)).toEqual(expected.map(shape));
    expect(got.map(shape)).toEqual([
      'links,node,ok,pid,uptimeMs',
      'BAD_RELAYS',
      'id,node',
      'NOT_A_PEER', // a well-formed relay, on a client connection
      'BAD_RELAYS',
      'NOT_A_PEER',
      'UNKNOWN_COMMAND', // "\r\r": the first \r is part of the line
      'UNKNOWN_COMMAND',
      'NOT_A_PEER',
      'address,clock,counters,errors,hotRumors,memory,messages,node,peers,pid,startedAtMs,strategy,uptimeMs',
    ]);
  });

  it('copes with half-open, vanishing and slow connections', async () => {
    // Half-closed with nothing sent: closed. With a /NEW and no newline (the reference client): answered, closed.
    const empty = await RawClient.connect(target.port);
    empty.socket.end();
    await empty.waitClosed();
    const reference = await RawClient.connect(target.port);
    reference.socket.end('/NEW:1|half open');
    await reference.waitClosed();
    expect(reference.replies()[0]).toHaveProperty('id');
    const partial = await RawClient.connect(target.port);
    partial.socket.end('/RELAY:1|["cut');
    await partial.waitClosed();
    expect(errorCodes(partial.replies())).toEqual(['MALFORMED_REQUEST']);

    // Two hundred clients that vanish (reset) in the middle of a line, or right after a request.
    await Promise.all(
      Array.from({ length: 200 }, async (_, index) => {
        const client = await RawClient.connect(target.port);
        await client.write(index % 2 === 0 ? '/RELAY:1|["vanish' : '/MESSAGES:all|all\n/STATS:\n');
        client.socket.resetAndDestroy();
      }),
    );

    // Slow clients dribbling a line that never ends are closed after the idle timeout.
    const slow = await Promise.all(Array.from({ length: 20 }, () => RawClient.connect(target.port)));
    const drip = setInterval(() => {
      for (const client of slow) void client.write('s');
    }, 200);
    try {
      await Promise.all(slow.map((client) => client.waitClosed(IDLE_MS * 3)));
    } finally {
      clearInterval(drip);
    }
    for (const client of slow) expect(errorCodes(client.replies())).toEqual(['IDLE_TIMEOUT']);
    await waitFor(async () => (await fetchStats(at(target))).counters.connectionsOpen === 3, {
      what: 'every fuzz connection gone (left: the two peer links and this /STATS)',
    });
  });

  it('never crashed, kept its memory bounded, and the cluster still delivers to every node', async () => {
    expect(((await askLine(target.port, '/HEALTH:')) as { pid: number }).pid).toBe(pid);
    expect(((await askLine(keyed.port, '/HEALTH:')) as { pid: number }).pid).toBe(keyedPid);
    for (const node of nodes) expect(node.running()).toBe(true);
    await sleep(100);
    const { counters } = await fetchStats(at(target));
    expect(counters.requestErrors).toBeGreaterThan(1_000);
    // An idle node holds some 60-70 MB; a 10 MB line and thousands of bad lines must not stick.
    expect(peakRss - baselineRss).toBeLessThan(128 * 1024 * 1024);
    expect(peakRss).toBeLessThan(256 * 1024 * 1024);
    process.stdout.write(
      `fuzz: node RSS ${(baselineRss / 2 ** 20).toFixed(0)} MiB before, peak ${(peakRss / 2 ** 20).toFixed(0)} MiB\n`,
    );

    const sent = (await askLine(nodes[1]?.port ?? 0, '/NEW:1|after the storm')) as { id: string };

    for (const node of nodes) {
      await waitFor(
        async () =>
          (await fetchMessages(at(node), 'all', 'all')).messages.some((message) => message.id === sent.id),
        { what: `the message at node ${node.id}` },
      );
    }
  });
});
