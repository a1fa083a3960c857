// Fuzzing a live node: thousands of random and adversarial request lines (invalid JSON, wrong types, bad
// relay counts, unknown commands, looping paths, forged senders, binary and invalid UTF-8), huge lines and
// ids, lines split at every byte, half-open, vanishing and slow connections. Every line gets, in order, the
// answer the rules of the README predict (test/helpers/wire-rules.ts, written apart from the node's parser),
// the node never crashes (same pid, still healthy), its memory
// stays bounded, and afterwards the cluster still delivers a message to every node.
// FUZZ_SEED=<n> npx vitest run test/integration/fuzz.test.ts replays another corpus.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchMessages, fetchStats } from '../../src/client/node-client.js';
import { DaemonPool, ringSpecs, type StartedNode } from '../helpers/daemons.js';
import { FUZZ_SEED, isHarmless, sampleCorpus } from '../helpers/fuzz-corpus.js';
import { allocatePortRange } from '../helpers/ports.js';
import { askLine } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait-for.js';
import { errorCodes, RawClient, rssBytes, type WireReply } from '../helpers/wire.js';
import { type Judged, judgeStream, type Verdict, type WireRules } from '../helpers/wire-rules.js';

const KEY = 'fuzzing-cluster-key-0123456789abcdef0123456789';
/**
 * The idle limit of the keyed node, which the slow clients meet. The ring keeps the default (30 s): it journals,
 * and on a loaded machine the fsyncs of a batch's /NEW lines can keep a client waiting longer than 2 s.
 */
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
        extraArgs: ['--data-dir', path.join(dir, `data-${spec.id}`)],
      }),
    ),
  );
  await pool.waitLinksUp(nodes);
  target = nodes[0] as StartedNode;
  process.env.GOSSIP_CLUSTER_KEY = KEY;
  try {
    keyed = await pool.start({
      id: 9,
      port: base + 4,
      peers: [],
      extraArgs: ['--idle-timeout-ms', String(IDLE_MS)],
    });
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

/** One answer as a comparable word: the error code, or the reply's field the rules expect (else its fields). */
function describeAnswer(answer: WireReply | undefined, expected: Verdict): string {
  if (answer === undefined) return 'no answer';
  if (typeof answer.code === 'string') return `error ${answer.code}`;
  if (expected.kind === 'reply' && expected.field in answer) return `reply ${expected.field}`;
  return `reply {${Object.keys(answer).join(',')}}`;
}

const describeVerdict = (verdict: Verdict): string =>
  verdict.kind === 'error'
    ? `error ${verdict.code}`
    : `reply ${verdict.kind === 'reply' ? verdict.field : '?'}`;

const isAnswered = ({ verdict }: Judged): boolean => verdict.kind === 'error' || verdict.kind === 'reply';

/** The answers the node sent for `bytes`, checked in order against the rules, line by line. */
function expectAnswers(replies: readonly WireReply[], bytes: Buffer, rules: WireRules): void {
  const answered = judgeStream(bytes, rules).filter(isAnswered);
  for (const [index, { line, verdict }] of answered.entries()) {
    const what = `answer ${index} to ${JSON.stringify(line.slice(0, 300))}`;
    expect(describeAnswer(replies[index], verdict), what).toBe(describeVerdict(verdict));
  }
  expect(replies).toHaveLength(answered.length);
}

/** Sends lines in batches, each followed by a marker, and checks every answer against the rules. */
async function fuzzBatches(node: StartedNode, lines: readonly Buffer[], rules: WireRules): Promise<number> {
  let checked = 0;
  for (let at = 0; at < lines.length; at += BATCH) {
    const marker = `fuzz batch ${at} done`;
    const batch = Buffer.concat(
      [...lines.slice(at, at + BATCH), Buffer.from(`/NEW:1|${marker}`)].flatMap((line) => [
        line,
        Buffer.from('\n'),
      ]),
    );
    const client = await RawClient.connect(node.port);
    try {
      await client.write(batch);
      // Answers come in request order: once the marker's is in, every line before it has been answered.
      await waitFor(() => client.lines.some((line) => line.startsWith(`{"id":"${marker}_`)), {
        timeoutMs: 60_000,
        what: `the answer to the marker of batch ${at}`,
      }).catch((error: unknown) => {
        // Fewer answers than lines that deserve one: say which line went unanswered, if that is it.
        expectAnswers(client.replies(), batch, rules);
        throw error;
      });
      expectAnswers(client.replies(), batch, rules);
      checked += judgeStream(batch, rules).length - 1;
    } finally {
      client.destroy();
    }
  }
  return checked;
}

describe(`a live node under fuzzing (seed ${FUZZ_SEED})`, () => {
  it('answers thousands of random and adversarial lines each with the predicted error or reply', async () => {
    const rules = { nodeId: 1, keyed: false };
    const corpus = sampleCorpus(4_000).filter((line) => isHarmless(line, rules));
    expect(corpus.length).toBeGreaterThan(3_000);
    const checked = await fuzzBatches(target, corpus, rules);
    expect(checked).toBeGreaterThan(2_500);
    const { errors } = await fetchStats(at(target));
    // The corpus reaches deep: parse errors of every kind, and well-formed relays (loops, forged senders).
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
    // A client connection may not relay: every well-formed relay was refused (the relays the node took came
    // from its peers, passing on the corpus's /NEW messages). So every path the node recorded came from
    // itself (a /NEW) or from one of its real peers, 2 and 3.
    const listing = await fetchMessages(at(target), 'all', 'all');
    for (const message of listing.messages) {
      for (const { path } of message.paths) {
        const lastHop = path.length === 1 ? path[0] : path.at(-2);
        expect(path.length === 1 ? lastHop === 1 : lastHop === 2 || lastHop === 3, path.join('-')).toBe(true);
      }
    }
  });

  it('on a keyed node, refuses every protected command of the corpus with AUTH_REQUIRED', async () => {
    const rules = { nodeId: 9, keyed: true };
    const corpus = sampleCorpus(2_000, FUZZ_SEED + 1).filter((line) => isHarmless(line, rules));
    await fuzzBatches(keyed, corpus, rules);
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
    const rules = { nodeId: 1, keyed: false };
    const answers = judgeStream(script, rules).filter(isAnswered).length;
    const whole = await RawClient.connect(target.port);
    await whole.write(script);
    const expected = await whole.waitLines(answers);
    whole.destroy();

    const bytewise = await RawClient.connect(target.port);
    for (const byte of script) {
      await bytewise.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const got = await bytewise.waitLines(answers);
    bytewise.destroy();
    expect(got.map((reply) => reply.code ?? Object.keys(reply).sort().join(','))).toEqual(
      expected.map((reply) => reply.code ?? Object.keys(reply).sort().join(',')),
    );
    // "\r\r\n": only the last \r goes with the newline, so that line is "\r": an unknown command.
    expectAnswers(got, script, rules);
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

    // A hundred of them asked for every message: on a loaded machine the node takes a while to get through.
    await waitFor(async () => (await fetchStats(at(target))).counters.connectionsOpen === 3, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'every fuzz connection gone (left: the two peer links and this /STATS)',
    });

    // Slow clients dribbling a line that never ends are closed after the idle timeout.
    const slow = await Promise.all(Array.from({ length: 20 }, () => RawClient.connect(keyed.port)));
    const drip = setInterval(() => {
      for (const client of slow) void client.write('s');
    }, 200);
    try {
      await Promise.all(slow.map((client) => client.waitClosed(30_000)));
    } finally {
      clearInterval(drip);
    }
    for (const client of slow) expect(errorCodes(client.replies())).toEqual(['IDLE_TIMEOUT']);
    await waitFor(async () => (await fetchStats(at(keyed))).counters.connectionsOpen === 1, {
      what: 'every slow connection gone (left: this /STATS)',
    });
  });

  it('never crashed, kept its memory bounded, and the cluster still delivers to every node', async () => {
    expect(((await askLine(target.port, '/HEALTH:')) as { pid: number }).pid).toBe(pid);
    expect(((await askLine(keyed.port, '/HEALTH:')) as { pid: number }).pid).toBe(keyedPid);
    for (const node of nodes) expect(node.running()).toBe(true);
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
