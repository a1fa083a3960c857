#!/usr/bin/env node
// `npm run bench`: measures real clusters started through the CLI (16 nodes, relays=1, random 3-regular) and
// prints a table; writes bench-results.json. Delivery times are taken by the nodes themselves
// (wallClock() at delivery, src/node/wall-clock.ts: the machine's one clock) and collected
// afterwards with /MESSAGES, never by polling during a run.
//   latency    submit -> first arrival at the LAST node, 200 sequential messages from varied origins
//   throughput 20,000 messages from 8 clients as fast as accepted; messages/s reaching all 16; loss; CPU;
//              once on the fresh network and once more on the same, now warm network (JIT done, heap grown)
//   cost       relay lines and bytes on the wire per message; relative message redundancy (RMR)
//   memory     RSS per node idle (and its PSS and private part) and after the throughput run; bytes per
//              stored message, from idle and over the warm run alone (the marginal cost of one more message,
//              without one-time costs)
//   start-up   start-network wall time for 16 and 256 nodes
//   scale      last-delivery hop and latency for N = 16, 64, 256 against log2(N)
//   per line   one node in one process: µs to split, parse and relay a line; heap bytes per stored message
//   floor      the same latency and throughput runs on 16 processes of scripts/floor-node.js (the relay rule
//              and nothing else) on the same topology, and one loopback round trip, busy and after idling
//   ack        the /NEW acknowledgement round trip on an idle network (the default fsync policy), p50
//   membership members marked suspect or dead while all are alive, over the throughput runs (0 is right)
//   targets    each target of the performance issue as a ratio to the floor, and whether it is met
//   tls        TLS against plaintext in the same run: 16-node networks with and without --tls, alternating,
//              TLS_ROUNDS of each (bounded by TLS_BUDGET_MS); /NEW ack p50, latency to the last node, and
//              delivered msg/s, medians over the rounds
// Env: BENCH_QUICK=1 for a short run (fewer messages, no 256-node network); BASE_PORT to move the ports;
// BENCH_TLS_ONLY=1 for the TLS comparison alone; BENCH_TLS=0 to leave it out;
// BENCH_BASELINE=<dir> to measure another built checkout of gossip side by side (alternating, same run).
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const QUICK = process.env.BENCH_QUICK === '1';
const BASE_PORT = Number(process.env.BASE_PORT ?? 24_000);
const LATENCY_MESSAGES = QUICK ? 50 : 200;
const THROUGHPUT_MESSAGES = QUICK ? 5_000 : 20_000;
const CLIENTS = 8;
const SCALES = QUICK ? [16, 64] : [16, 64, 256];
/** The burst of the 64-node throughput run. */
const SCALE_THROUGHPUT_MESSAGES = QUICK ? 2_000 : 5_000;
const TLS_ONLY = process.env.BENCH_TLS_ONLY === '1';
const TLS_COMPARE = process.env.BENCH_TLS !== '0';
/** Networks of each kind (plaintext, TLS) in the comparison, alternating, and its time budget. */
const TLS_ROUNDS = QUICK ? 1 : 3;
const TLS_BUDGET_MS = QUICK ? 90_000 : 240_000;
const TLS_LATENCY_MESSAGES = QUICK ? 30 : 100;
const TLS_THROUGHPUT_MESSAGES = QUICK ? 2_000 : 6_000;
const here = fileURLToPath(new URL('..', import.meta.url));
const variants = [
  ...(process.env.BENCH_BASELINE
    ? [{ name: 'baseline', root: path.resolve(process.env.BENCH_BASELINE) }]
    : []),
  { name: 'current', root: here },
];

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const round = (value, digits = 2) => Number(value.toFixed(digits));
const gossip = (variant, args, options = {}) =>
  execa(process.execPath, [path.join(variant.root, 'bin/gossip.js'), ...args], { reject: false, ...options });

/**
 * A connection to a node, and the event after which it may be written to: raw TCP, or TLS with the
 * network's client certificate (a network started with --tls).
 */
function open(node) {
  if (node.tls === undefined)
    return { socket: net.connect({ host: node.host, port: node.port }), ready: 'connect' };
  return { socket: tls.connect({ host: node.host, port: node.port, ...node.tls }), ready: 'secureConnect' };
}

/** One request line, first reply line back (a version-independent client: raw TCP, or TLS). */
function ask(node, line, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const { socket, ready } = open(node);
    let buffer = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no reply to ${line} in ${timeoutMs} ms`)));
    socket.on(ready, () => socket.write(`${line}\n`));
    socket.on('data', (chunk) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end === -1) return;
      socket.destroy();
      resolve(JSON.parse(buffer.slice(0, end)));
    });
    socket.on('error', reject);
  });
}

async function withNetwork(variant, args, body) {
  const home = await mkdtemp(path.join(os.tmpdir(), 'gossip-bench-'));
  const began = performance.now();
  const started = await gossip(variant, ['start-network', ...args, '--home', home, '--json']);
  const startMs = performance.now() - began;
  try {
    if (started.exitCode !== 0) throw new Error(`start-network ${args.join(' ')}: ${started.stderr}`);
    const state = JSON.parse(started.stdout);
    const clientTls =
      state.tls === undefined
        ? undefined
        : {
            cert: readFileSync(state.tls.clientCert),
            key: readFileSync(state.tls.clientKey),
            ca: readFileSync(state.tls.ca),
          };
    const nodes = state.nodes.map(({ id, host, port, pid, peers }) => ({
      id,
      host,
      port,
      pid,
      peers,
      tls: clientTls,
    }));
    return await body({ nodes, startMs });
  } finally {
    await gossip(variant, ['stop-network', '--home', home]);
    await rm(home, { recursive: true, force: true });
  }
}

/** Every node's /STATS; a node busy with a burst on a crowded machine may take long to answer. */
const stats = (nodes, timeoutMs = 10_000) => Promise.all(nodes.map((node) => ask(node, '/STATS', timeoutMs)));

async function waitAll(nodes, count, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const all = await stats(nodes, Math.max(10_000, deadline - Date.now()));
    if (all.every((s) => s.messages >= count)) return all;
    await sleep(50);
  }
  return stats(nodes);
}

/** Per message: latency to the last node (ms) and the hop count of that last first-arrival. */
async function deliveries(nodes) {
  const listings = await Promise.all(
    nodes.map(async (node) => (await ask(node, '/MESSAGES:all|all', 60_000)).messages),
  );
  const origins = new Map();
  const first = new Map();
  for (const messages of listings) {
    for (const message of messages) {
      const arrival = message.paths.reduce((best, p) => (p.atMs < best.atMs ? p : best));
      if (arrival.path.length === 1) origins.set(message.id, arrival.atMs);
      const list = first.get(message.id) ?? [];
      list.push(arrival);
      first.set(message.id, list);
    }
  }
  const results = [];
  for (const [id, arrivals] of first) {
    const origin = origins.get(id);
    if (origin === undefined || arrivals.length < nodes.length) continue;
    const last = arrivals.reduce((worst, p) => (p.atMs > worst.atMs ? p : worst));
    results.push({ latencyMs: last.atMs - origin, hops: last.path.length - 1 });
  }
  return results;
}

async function latencyRun(nodes, count) {
  for (let index = 0; index < count; index += 1) {
    await ask(nodes[(index * 7) % nodes.length], `/NEW:1|latency ${index}`);
    await sleep(15);
  }
  await waitAll(nodes, count, 10_000);
  const rows = await deliveries(nodes);
  const latencies = rows.map((row) => row.latencyMs);
  const hops = rows.map((row) => row.hops);
  return {
    messages: rows.length,
    p50Ms: round(quantile(latencies, 0.5), 3),
    p99Ms: round(quantile(latencies, 0.99), 3),
    maxMs: round(Math.max(...latencies), 3),
    lastHopP50: quantile(hops, 0.5),
    lastHopMax: Math.max(...hops),
  };
}

/** Pipelines `count` /NEW lines over one connection, keeping a bounded window in flight. */
function blast(node, prefix, count) {
  return new Promise((resolve, reject) => {
    const { socket, ready } = open(node);
    let sent = 0;
    let acked = 0;
    let buffer = '';
    const pump = () => {
      let out = '';
      while (sent < count && sent - acked < 2_000) {
        out += `/NEW:1|${prefix} ${sent}\n`;
        sent += 1;
      }
      if (out !== '') socket.write(out);
    };
    socket.on(ready, pump);
    socket.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      acked += lines.filter((line) => line.startsWith('{"id"')).length;
      // A refused submission (a limit, a disk error) would leave this client waiting forever: fail loudly.
      const refused = lines.find((line) => line.startsWith('{"error"'));
      if (refused !== undefined) {
        socket.destroy();
        reject(new Error(`${node.host}:${node.port} refused a submission: ${refused}`));
      } else if (acked >= count) {
        socket.destroy();
        resolve(acked);
      } else pump();
    });
    socket.on('error', reject);
  });
}

async function rssKiB(pid) {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? Number.NaN);
}

const medianMiB = (kibs) => round(quantile(kibs, 0.5) / 1024, 1);

/**
 * A process's share of memory (KiB): PSS splits each shared page among the processes that map it (most of
 * a node's RSS is the node binary's code, mapped once for all the nodes of a machine), private is what
 * it alone holds (its heap above all).
 */
async function memoryShareKiB(pid) {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { pss: field('Pss'), private: field('Private_Dirty') + field('Private_Clean') };
}

/** User + system CPU time of a process so far, in ms. */
async function cpuMs(pid) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const sumOf = (values) => values.reduce((a, b) => a + b, 0);

/**
 * THROUGHPUT_MESSAGES /NEW from CLIENTS pipelining clients, as fast as they are accepted; done when every node
 * holds `held` + all of them. CPU is the nodes' user + system time over the run.
 */
async function throughputRun(nodes, held, label = 'burst', messages = THROUGHPUT_MESSAGES) {
  const before = await stats(nodes);
  const cpuBefore = sumOf(await Promise.all(nodes.map((node) => cpuMs(node.pid))));
  const began = performance.now();
  const perClient = messages / CLIENTS;
  await Promise.all(
    Array.from({ length: CLIENTS }, (_, c) =>
      blast(nodes[(c * 5) % nodes.length], `${label} ${c}`, perClient),
    ),
  );
  const acceptedMs = performance.now() - began;
  const total = held + messages;
  const after = await waitAll(nodes, total, 180_000);
  const allMs = performance.now() - began;
  const cpuAfter = sumOf(await Promise.all(nodes.map((node) => cpuMs(node.pid))));
  return {
    before,
    after,
    result: {
      messages,
      clients: CLIENTS,
      acceptedPerSecond: round(messages / (acceptedMs / 1000), 0),
      deliveredToAllPerSecond: round(messages / (allMs / 1000), 0),
      lost: total * nodes.length - sumOf(after.map((s) => Math.min(s.messages, total))),
      cpuMsPerMessage: round((cpuAfter - cpuBefore) / messages, 3),
    },
  };
}

/**
 * The /NEW acknowledgement round trip on an idle network, over one open connection: each submission after
 * 15 ms of quiet, as a user's send-message meets it. The network then holds `count` more messages.
 */
async function ackRun(node, count) {
  const { socket, ready } = open(node);
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => socket.once(ready, resolve).once('error', reject));
  const times = [];
  for (let index = 0; index < count; index += 1) {
    await sleep(15);
    times.push(
      await new Promise((resolve) => {
        const began = performance.now();
        socket.once('data', () => resolve(performance.now() - began));
        socket.write(`/NEW:1|ack ${index}\n`);
      }),
    );
  }
  socket.destroy();
  return { p50Ms: round(quantile(times, 0.5), 3), p99Ms: round(quantile(times, 0.99), 3) };
}

const ACK_MESSAGES = QUICK ? 50 : 200;

async function network16(variant) {
  const args = ['--seed', '42', '--base-port', String(BASE_PORT)];
  return withNetwork(variant, args, async ({ nodes, startMs }) => {
    await sleep(500);
    const idleRss = await Promise.all(nodes.map((node) => rssKiB(node.pid)));
    const idleShares = await Promise.all(nodes.map((node) => memoryShareKiB(node.pid)));
    const ack = await ackRun(nodes[0], ACK_MESSAGES);
    await waitAll(nodes, ACK_MESSAGES, 10_000);
    const latency = await latencyRun(nodes, LATENCY_MESSAGES);
    const held = ACK_MESSAGES + LATENCY_MESSAGES;
    const { before, after, result: throughput } = await throughputRun(nodes, held);
    const total = held + THROUGHPUT_MESSAGES;
    const counter = (all, key) => sumOf(all.map((s) => s.counters[key] ?? 0));
    const relays = counter(after, 'relaysOut') - counter(before, 'relaysOut');
    const bytes = counter(after, 'relayBytesOut') - counter(before, 'relayBytesOut');
    const busyRss = await Promise.all(nodes.map((node) => rssKiB(node.pid)));
    const growth = busyRss.map((rss, index) => ((rss - (idleRss[index] ?? rss)) * 1024) / total);
    const { after: warmAfter, result: warm } = await throughputRun(nodes, total, 'warm');
    const warmRss = await Promise.all(nodes.map((node) => rssKiB(node.pid)));
    // Older builds have no such counters: undefined, not 0.
    const suspicions = (all) =>
      all[0]?.counters.membersSuspected === undefined
        ? undefined
        : counter(all, 'membersSuspected') + counter(all, 'membersDead');
    const marginal = warmRss.map(
      (rss, index) => ((rss - (busyRss[index] ?? rss)) * 1024) / THROUGHPUT_MESSAGES,
    );
    return {
      startMs: round(startMs, 0),
      topology: nodes.map(({ id, peers }) => ({ id, peers })),
      ack,
      membershipFalsePositives:
        suspicions(warmAfter) === undefined ? undefined : suspicions(warmAfter) - suspicions(before),
      latency,
      throughput,
      warm,
      cost: {
        relayLinesPerMessage: round(relays / THROUGHPUT_MESSAGES, 2),
        relayBytesPerMessage: round(bytes / THROUGHPUT_MESSAGES, 0),
        redundancyRMR: round(relays / THROUGHPUT_MESSAGES / (nodes.length - 1) - 1, 2),
      },
      memory: {
        idleRssMiBMedian: round(quantile(idleRss, 0.5) / 1024, 1),
        idlePssMiBMedian: medianMiB(idleShares.map((share) => share.pss)),
        idlePrivateMiBMedian: medianMiB(idleShares.map((share) => share.private)),
        busyRssMiBMedian: round(quantile(busyRss, 0.5) / 1024, 1),
        bytesPerStoredMessageMedian: round(quantile(growth, 0.5), 0),
        bytesPerMessageWarmMedian: round(quantile(marginal, 0.5), 0),
      },
    };
  });
}

/**
 * Median round trip of a one-line request over one open loopback connection: back to back, and after 15 ms
 * of quiet, when the server process has gone to sleep and must be woken (the cost every hop pays in a trickle).
 */
async function roundTrips(node) {
  const socket = net.connect({ host: node.host, port: node.port });
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const once = () =>
    new Promise((resolve) => {
      const began = performance.now();
      socket.once('data', () => resolve(performance.now() - began));
      socket.write('/STATS\n');
    });
  const busy = [];
  const woken = [];
  for (let index = 0; index < 300; index += 1) busy.push(await once());
  for (let index = 0; index < 100; index += 1) {
    await sleep(15);
    woken.push(await once());
  }
  socket.destroy();
  return { busyMs: round(quantile(busy, 0.5), 3), afterIdleMs: round(quantile(woken, 0.5), 3) };
}

/**
 * The machine floor: 16 processes of scripts/floor-node.js (the relay rule and nothing else) on the same
 * topology, measured by the same latency and throughput runs as gossip.
 */
async function floorRun(topology) {
  const script = fileURLToPath(new URL('./floor-node.js', import.meta.url));
  const port = (id) => BASE_PORT + 200 + id;
  const children = topology.map(({ id, peers }) =>
    execa(
      process.execPath,
      [script, String(id), String(port(id)), peers.map((p) => `${p}:${port(p)}`).join(',')],
      {
        reject: false,
      },
    ),
  );
  try {
    await Promise.all(children.map((child) => new Promise((resolve) => child.stdout.once('data', resolve))));
    const nodes = topology.map(({ id }, index) => ({
      id,
      host: '127.0.0.1',
      port: port(id),
      pid: children[index].pid,
    }));
    const roundTrip = await roundTrips(nodes[0]);
    const latency = await latencyRun(nodes, LATENCY_MESSAGES);
    const { result: throughput } = await throughputRun(nodes, LATENCY_MESSAGES);
    const { result: warm } = await throughputRun(nodes, LATENCY_MESSAGES + THROUGHPUT_MESSAGES, 'warm');
    return { roundTrip, latency, throughput, warm };
  } finally {
    for (const child of children) child.kill();
    await Promise.all(children);
  }
}

async function scaleRun(variant, n) {
  const args = ['-n', String(n), '--seed', '42', '--base-port', String(BASE_PORT + 100)];
  try {
    return await withNetwork(variant, args, async ({ nodes, startMs }) => {
      const count = QUICK ? 10 : 30;
      const latency = await latencyRun(nodes, count);
      // 64 nodes: how many messages a second reach all of them too, over a smaller burst (64 processes on two
      // cores take four times the 16-node work per message); 256 take too long.
      const throughput =
        n === 64
          ? (await throughputRun(nodes, count, 'scale burst', SCALE_THROUGHPUT_MESSAGES)).result
          : undefined;
      return { n, log2N: round(Math.log2(n), 2), startMs: round(startMs, 0), ...latency, throughput };
    });
  } catch (error) {
    // A network that does not start is a result too (the first versions could not start 256 nodes here).
    return { n, log2N: round(Math.log2(n), 2), error: error.message.slice(0, 300) };
  }
}

/** The per-line costs of one node, in a child process so that each variant runs its own build. */
async function perLine(variant) {
  const probe = fileURLToPath(new URL('./bench-line.js', import.meta.url));
  const run = await execa(process.execPath, ['--expose-gc', probe, variant.root], { reject: false });
  if (run.exitCode !== 0) throw new Error(`per-line probe: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const results = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  date: new Date().toISOString(),
  quick: QUICK,
  variants: {},
};
for (const variant of variants) results.variants[variant.name] = { root: variant.root, scale: [] };

/** One 16-node network, plaintext or TLS: the /NEW ack, latency to the last node, and a throughput burst. */
async function tlsRound(mode) {
  const args = ['--seed', '42', '--base-port', String(BASE_PORT + 300), ...(mode === 'tls' ? ['--tls'] : [])];
  const variant = variants[variants.length - 1];
  return withNetwork(variant, args, async ({ nodes, startMs }) => {
    await sleep(500);
    const ack = await ackRun(nodes[0], TLS_LATENCY_MESSAGES);
    await waitAll(nodes, TLS_LATENCY_MESSAGES, 10_000);
    const latency = await latencyRun(nodes, TLS_LATENCY_MESSAGES);
    const held = 2 * TLS_LATENCY_MESSAGES;
    const { result } = await throughputRun(nodes, held, `${mode} burst`, TLS_THROUGHPUT_MESSAGES);
    return {
      startMs: round(startMs, 0),
      ackP50Ms: ack.p50Ms,
      latencyP50Ms: latency.p50Ms,
      latencyP99Ms: latency.p99Ms,
      deliveredToAllPerSecond: result.deliveredToAllPerSecond,
      acceptedPerSecond: result.acceptedPerSecond,
      cpuMsPerMessage: result.cpuMsPerMessage,
      lost: result.lost,
    };
  });
}

/** Plaintext and TLS networks alternating (the same machine load for both), then medians of each kind. */
async function tlsComparison() {
  const began = performance.now();
  const rounds = { plaintext: [], tls: [] };
  for (let pair = 0; pair < TLS_ROUNDS; pair += 1) {
    // Bounded: no new pair of networks once the budget is spent (one pair always runs).
    if (pair > 0 && performance.now() - began > TLS_BUDGET_MS) break;
    rounds.plaintext.push(await tlsRound('plaintext'));
    rounds.tls.push(await tlsRound('tls'));
  }
  const median = (list, key) =>
    quantile(
      list.map((entry) => entry[key]),
      0.5,
    );
  const keys = Object.keys(rounds.tls[0] ?? {});
  const medians = (list) => Object.fromEntries(keys.map((key) => [key, median(list, key)]));
  return {
    rounds: rounds.tls.length,
    latencyMessages: TLS_LATENCY_MESSAGES,
    throughputMessages: TLS_THROUGHPUT_MESSAGES,
    plaintext: medians(rounds.plaintext),
    tls: medians(rounds.tls),
    runs: rounds,
  };
}

function printTls(comparison) {
  const label = (text) => text.padEnd(44);
  console.log('');
  console.log(
    `TLS against plaintext: 16 nodes, seed 42, medians of ${comparison.rounds} network(s) of each, alternating ` +
      `(${comparison.latencyMessages} acks and latency messages, ${comparison.throughputMessages} in the burst)`,
  );
  console.log([label('measure'), 'plaintext'.padStart(18), 'tls'.padStart(18), '  tls/plaintext'].join(''));
  const rows = [
    ['start-network, 16 nodes (ms)', 'startMs'],
    ['/NEW acknowledged, idle network, p50 (ms)', 'ackP50Ms'],
    ['latency to last of 16, p50 (ms)', 'latencyP50Ms'],
    ['latency to last of 16, p99 (ms)', 'latencyP99Ms'],
    ['delivered to all 16 (msg/s)', 'deliveredToAllPerSecond'],
    ['accepted (msg/s)', 'acceptedPerSecond'],
    ['cluster CPU per message (ms)', 'cpuMsPerMessage'],
    ['lost deliveries', 'lost'],
  ];
  for (const [text, key] of rows) {
    const plain = comparison.plaintext[key];
    const secure = comparison.tls[key];
    console.log(
      [
        label(text),
        String(plain).padStart(18),
        String(secure).padStart(18),
        `  ${ratio(plain, secure)}`,
      ].join(''),
    );
  }
}

const ratio = (a, b) =>
  typeof a === 'number' && typeof b === 'number' && a !== 0 ? `${round(b / a, 2)}x` : '';

if (!TLS_ONLY) {
  // Alternate the variants within each measurement, so that both see the same machine load.
  for (const variant of variants) results.variants[variant.name].perLine = await perLine(variant);
  for (const variant of variants) results.variants[variant.name].network16 = await network16(variant);
  results.floor = await floorRun(results.variants.current.network16.topology);
  for (const n of SCALES) {
    for (const variant of variants) results.variants[variant.name].scale.push(await scaleRun(variant, n));
  }

  /** Rows of one 16-node run, gossip's or the floor's: [label, pick from the run, also in the floor table]. */
  const RUN_ROWS = [
    ['start-network, 16 nodes (ms)', (run) => run.startMs, false],
    ['/NEW acknowledged, idle network, p50 (ms)', (run) => run.ack?.p50Ms, false],
    ['latency to last of 16, p50 (ms)', (run) => run.latency.p50Ms, true],
    ['latency to last of 16, p99 (ms)', (run) => run.latency.p99Ms, true],
    ['latency to last of 16, max (ms)', (run) => run.latency.maxMs, false],
    ['last-delivery hop, p50 / max', (run) => `${run.latency.lastHopP50} / ${run.latency.lastHopMax}`, false],
    ['delivered to all 16, fresh network (msg/s)', (run) => run.throughput.deliveredToAllPerSecond, true],
    ['accepted, fresh network (msg/s)', (run) => run.throughput.acceptedPerSecond, false],
    ['cluster CPU per message, fresh (ms)', (run) => run.throughput.cpuMsPerMessage, true],
    ['delivered to all 16, warm network (msg/s)', (run) => run.warm?.deliveredToAllPerSecond, true],
    ['cluster CPU per message, warm (ms)', (run) => run.warm?.cpuMsPerMessage, true],
    ['lost (deliveries, both runs)', (run) => run.throughput.lost + (run.warm?.lost ?? 0), false],
    ['relay lines per message', (run) => run.cost.relayLinesPerMessage, false],
    ['relay bytes per message', (run) => run.cost.relayBytesPerMessage, false],
    ['RMR', (run) => run.cost.redundancyRMR, false],
    ['idle RSS per node (MiB)', (run) => run.memory.idleRssMiBMedian, false],
    ['idle PSS per node (MiB; shared pages split)', (run) => run.memory.idlePssMiBMedian, false],
    ['idle private memory per node (MiB)', (run) => run.memory.idlePrivateMiBMedian, false],
    ['RSS after the run (MiB)', (run) => run.memory.busyRssMiBMedian, false],
    ['RSS growth per stored message (B)', (run) => run.memory.bytesPerStoredMessageMedian, false],
    ['RSS growth per message, warm run (B)', (run) => run.memory.bytesPerMessageWarmMedian, false],
    ['members suspected or dead, all alive (both runs)', (run) => run.membershipFalsePositives ?? '-', false],
  ];
  const rows = [
    ...RUN_ROWS.map(([label, pick]) => [label, (r) => pick(r.network16)]),
    ['one node: split a line (µs)', (r) => r.perLine.splitMicros],
    ['one node: parse a relay line (µs)', (r) => r.perLine.parseMicros],
    ['one node: relay rule + record (µs)', (r) => r.perLine.relayMicros],
    ['one node: heap per message, 3 paths (B)', (r) => r.perLine.heapBytesPerMessage],
    ...SCALES.flatMap((n, index) => [
      [`N=${n}: start-network (ms)`, (r) => r.scale[index].startMs ?? 'failed'],
      [
        `N=${n}: latency p50 / p99 (ms)`,
        (r) => `${r.scale[index].p50Ms ?? '-'} / ${r.scale[index].p99Ms ?? '-'}`,
      ],
      [
        `N=${n}: last hop p50 / max (log2 N = ${round(Math.log2(n), 1)})`,
        (r) => `${r.scale[index].lastHopP50} / ${r.scale[index].lastHopMax}`,
      ],
      ...(n === 64
        ? [
            [
              `N=64: delivered to all (msg/s, ${SCALE_THROUGHPUT_MESSAGES} messages)`,
              (r) => r.scale[index].throughput?.deliveredToAllPerSecond ?? '-',
            ],
          ]
        : []),
    ]),
  ];
  const names = variants.map((variant) => variant.name);
  console.log(
    `gossip bench (${results.machine.cpus} cpus, ${results.machine.model}, node ${results.machine.node})`,
  );
  /** One table line: the label, each value, and the ratio of the last to the first when there are two. */
  const printRow = (label, values, last = values.length > 1 ? `  ${ratio(values[0], values[1])}` : '') =>
    console.log([label.padEnd(44), ...values.map((value) => String(value).padStart(18)), last].join(''));
  console.log('');
  printRow('measure', names, variants.length > 1 ? '  current/baseline' : '');
  for (const [label, pick] of rows)
    printRow(
      label,
      names.map((name) => pick(results.variants[name])),
    );
  // A network that did not start or answer is a result: say why.
  for (const name of names)
    for (const scale of results.variants[name].scale)
      if (scale.error !== undefined) console.log(`N=${scale.n} (${name}) failed: ${scale.error}`);
  const { floor } = results;
  const current = results.variants.current.network16;
  console.log('');
  console.log(
    'machine floor: 16 processes of scripts/floor-node.js, the relay rule and nothing else, same topology',
  );
  printRow('measure', ['floor', 'current'], '  current/floor');
  for (const [label, pick] of RUN_ROWS.filter(([, , inFloor]) => inFloor)) {
    printRow(label, [pick(floor), pick(current)]);
  }
  console.log(
    `one loopback round trip between two processes, p50: ${floor.roundTrip.busyMs} ms back to back, ` +
      `${floor.roundTrip.afterIdleMs} ms after 15 ms idle`,
  );

  // The targets of the performance issue, as ratios to the floor measured in this same run.
  const within = (value, limit, below = true) =>
    typeof value === 'number' && (below ? value <= limit : value >= limit) ? 'yes' : 'NO';
  const share = (value, of) => (typeof value === 'number' && of > 0 ? round(value / of, 2) : Number.NaN);
  const targets = [
    [
      'delivered to all 16, warm >= 0.5x floor',
      share(current.warm.deliveredToAllPerSecond, floor.warm.deliveredToAllPerSecond),
      0.5,
      false,
    ],
    [
      'delivered to all 16, fresh >= 0.4x floor',
      share(current.throughput.deliveredToAllPerSecond, floor.throughput.deliveredToAllPerSecond),
      0.4,
      false,
    ],
    ['lost deliveries = 0', current.throughput.lost + current.warm.lost, 0, true],
    [
      'cluster CPU per message, warm <= 2x floor',
      share(current.warm.cpuMsPerMessage, floor.warm.cpuMsPerMessage),
      2,
      true,
    ],
    [
      'latency to last of 16, p50 <= 1.3x floor',
      share(current.latency.p50Ms, floor.latency.p50Ms),
      1.3,
      true,
    ],
    [
      'latency to last of 16, p99 <= 1.5x floor',
      share(current.latency.p99Ms, floor.latency.p99Ms),
      1.5,
      true,
    ],
    ['/NEW acknowledged, idle, p50 <= 1 ms', current.ack.p50Ms, 1, true],
    ['RSS growth per message, warm run <= 1024 B', current.memory.bytesPerMessageWarmMedian, 1024, true],
    ['idle RSS per node <= 50 MiB', current.memory.idleRssMiBMedian, 50, true],
  ];
  results.targets = targets.map(([target, value, limit, below]) => ({
    target,
    value,
    met: within(value, limit, below) === 'yes',
  }));
  console.log('');
  console.log('targets (current, against the floor of this run)');
  printRow('target', ['measured', 'met'], '');
  for (const [target, value, limit, below] of targets)
    printRow(target, [value, within(value, limit, below)], '');
}
if (TLS_COMPARE || TLS_ONLY) {
  results.tls = await tlsComparison();
  printTls(results.tls);
}
await writeFile('bench-results.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwritten: bench-results.json');
