#!/usr/bin/env node
// `npm run bench`: measures a real cluster started through the CLI (16 nodes, relays=1, random 3-regular)
// and prints a table; writes bench-results.json. Delivery times are taken by the nodes themselves
// (performance.timeOrigin + performance.now() at delivery, on the machine's one clock) and collected
// afterwards with /MESSAGES, never by polling /GET during a run.
//   latency    submit -> first arrival at the LAST node, 200 sequential messages from varied origins
//   throughput 20,000 messages from 8 clients as fast as accepted; messages/s reaching all 16; loss
//   cost       relay lines and bytes on the wire per message; relative message redundancy (RMR)
//   memory     RSS per node idle and after the throughput run; bytes per stored message
//   start-up   start-network wall time for 16 and 256 nodes
//   scale      last-delivery hop and latency for N = 16, 64, 256 against log2(N)
// Env: BENCH_QUICK=1 for a short run (fewer messages, no 256-node network); BASE_PORT to move the ports.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { fetchStats, submitMessage } from '../dist/client/node-client.js';

const QUICK = process.env.BENCH_QUICK === '1';
const BASE_PORT = Number(process.env.BASE_PORT ?? 24_000);
const LATENCY_MESSAGES = QUICK ? 50 : 200;
const THROUGHPUT_MESSAGES = QUICK ? 5_000 : 20_000;
const CLIENTS = 8;
const bin = fileURLToPath(new URL('../bin/gossip.js', import.meta.url));

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const round = (value, digits = 2) => Number(value.toFixed(digits));

async function withNetwork(args, body) {
  const home = await mkdtemp(path.join(os.tmpdir(), 'gossip-bench-'));
  const began = performance.now();
  const started = await execa(process.execPath, [bin, 'start-network', ...args, '--home', home, '--json'], {
    reject: false,
  });
  const startMs = performance.now() - began;
  if (started.exitCode !== 0) throw new Error(`start-network ${args.join(' ')}: ${started.stderr}`);
  const state = JSON.parse(started.stdout);
  const nodes = state.nodes.map((node) => ({ id: node.id, host: node.host, port: node.port, pid: node.pid }));
  try {
    return await body({ nodes, startMs, state });
  } finally {
    await execa(process.execPath, [bin, 'stop-network', '--home', home], { reject: false });
    await rm(home, { recursive: true, force: true });
  }
}

async function waitAll(nodes, count, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const stats = await Promise.all(nodes.map((node) => fetchStats(node, 5_000)));
    if (stats.every((s) => s.messages >= count)) return stats;
    await sleep(50);
  }
  return Promise.all(nodes.map((node) => fetchStats(node, 5_000)));
}

/** Per message: latency to the last node (ms) and the hop count of that last first-arrival. */
async function deliveries(nodes) {
  const listings = await Promise.all(
    nodes.map(async (node) => {
      const reply = await execa(
        process.execPath,
        [bin, 'get-messages', `${node.host}:${node.port}`, 'read', '--json'],
        { reject: false },
      );
      const unread = await execa(
        process.execPath,
        [bin, 'get-messages', `${node.host}:${node.port}`, 'unread', '--json'],
        { reject: false },
      );
      return [...JSON.parse(reply.stdout).messages, ...JSON.parse(unread.stdout).messages];
    }),
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
    const origin = nodes[(index * 7) % nodes.length];
    await submitMessage(origin, `latency ${index}`, 1);
    await sleep(15);
  }
  await waitAll(nodes, count, 10_000);
  const rows = await deliveries(nodes);
  const latencies = rows.map((row) => row.latencyMs);
  return {
    messages: rows.length,
    p50Ms: round(quantile(latencies, 0.5), 3),
    p99Ms: round(quantile(latencies, 0.99), 3),
    maxMs: round(Math.max(...latencies), 3),
    lastHopP50: quantile(
      rows.map((row) => row.hops),
      0.5,
    ),
    lastHopMax: Math.max(...rows.map((row) => row.hops)),
  };
}

/** Pipelines `count` /NEW lines per client over one connection each, keeping a bounded window in flight. */
function blast(node, prefix, count) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: node.host, port: node.port });
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
    socket.on('connect', pump);
    socket.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      acked += lines.filter((line) => line.startsWith('{"id"')).length;
      if (acked >= count) {
        socket.destroy();
        resolve(acked);
      } else pump();
    });
    socket.on('error', reject);
  });
}

function rssKiB(pid) {
  return readFile(`/proc/${pid}/status`, 'utf8').then((text) =>
    Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? Number.NaN),
  );
}

async function main16() {
  return withNetwork(['--seed', '42', '--base-port', String(BASE_PORT)], async ({ nodes, startMs }) => {
    await sleep(500);
    const idleRss = await Promise.all(nodes.map((node) => rssKiB(node.pid)));
    const latency = await latencyRun(nodes, LATENCY_MESSAGES);
    const before = await Promise.all(nodes.map((node) => fetchStats(node)));
    const began = performance.now();
    const perClient = THROUGHPUT_MESSAGES / CLIENTS;
    await Promise.all(
      Array.from({ length: CLIENTS }, (_, c) =>
        blast(nodes[(c * 5) % nodes.length], `burst ${c}`, perClient),
      ),
    );
    const acceptedMs = performance.now() - began;
    const total = LATENCY_MESSAGES + THROUGHPUT_MESSAGES;
    const after = await waitAll(nodes, total, 120_000);
    const allMs = performance.now() - began;
    const held = after.reduce((sum, s) => sum + Math.min(s.messages, total), 0);
    const sum = (stats, key) => stats.reduce((acc, s) => acc + (s.counters[key] ?? 0), 0);
    const relays = sum(after, 'relaysOut') - sum(before, 'relaysOut');
    const bytes = sum(after, 'relayBytesOut') - sum(before, 'relayBytesOut');
    const busyRss = await Promise.all(nodes.map((node) => rssKiB(node.pid)));
    const growth = busyRss.map((rss, index) => ((rss - (idleRss[index] ?? rss)) * 1024) / total);
    return {
      startMs: round(startMs, 0),
      latency,
      throughput: {
        messages: THROUGHPUT_MESSAGES,
        clients: CLIENTS,
        acceptedPerSecond: round(THROUGHPUT_MESSAGES / (acceptedMs / 1000), 0),
        deliveredToAllPerSecond: round(THROUGHPUT_MESSAGES / (allMs / 1000), 0),
        lost: total * nodes.length - held,
      },
      cost: {
        relayLinesPerMessage: round(relays / THROUGHPUT_MESSAGES, 2),
        relayBytesPerMessage: round(bytes / THROUGHPUT_MESSAGES, 0),
        redundancyRMR: round(relays / THROUGHPUT_MESSAGES / (nodes.length - 1) - 1, 2),
      },
      memory: {
        idleRssMiBMedian: round(quantile(idleRss, 0.5) / 1024, 1),
        busyRssMiBMedian: round(quantile(busyRss, 0.5) / 1024, 1),
        bytesPerStoredMessageMedian: round(quantile(growth, 0.5), 0),
      },
    };
  });
}

async function scaleRun(n) {
  const args = ['-n', String(n), '--seed', '42', '--base-port', String(BASE_PORT + 100)];
  return withNetwork(args, async ({ nodes, startMs }) => {
    const latency = await latencyRun(nodes, QUICK ? 10 : 30);
    return { n, log2N: round(Math.log2(n), 2), startMs: round(startMs, 0), ...latency };
  });
}

const results = {
  machine: { cpus: os.cpus().length, node: process.version, date: new Date().toISOString() },
};
results.network16 = await main16();
results.scale = [];
for (const n of QUICK ? [16, 64] : [16, 64, 256]) results.scale.push(await scaleRun(n));

const r = results.network16;
const lines = [
  `gossip bench (${results.machine.cpus} cpus, node ${results.machine.node})`,
  '',
  `start-network, 16 nodes          ${r.startMs} ms`,
  `latency to the last of 16 nodes  p50 ${r.latency.p50Ms} ms, p99 ${r.latency.p99Ms} ms, max ${r.latency.maxMs} ms over ${r.latency.messages} messages; last-delivery hop p50 ${r.latency.lastHopP50}, max ${r.latency.lastHopMax}`,
  `throughput                       ${r.throughput.deliveredToAllPerSecond} messages/s reaching all 16 (${r.throughput.acceptedPerSecond}/s accepted) over ${r.throughput.messages} messages, ${r.throughput.clients} clients; lost ${r.throughput.lost}`,
  `cost per message                 ${r.cost.relayLinesPerMessage} relay lines, ${r.cost.relayBytesPerMessage} bytes; RMR ${r.cost.redundancyRMR}`,
  `memory per node                  idle ${r.memory.idleRssMiBMedian} MiB, after ${r.memory.busyRssMiBMedian} MiB; ${r.memory.bytesPerStoredMessageMedian} bytes per stored message`,
  '',
  'N     log2N  start ms  p50 ms  p99 ms  last hop p50 / max',
  ...results.scale.map(
    (s) =>
      `${String(s.n).padEnd(5)} ${String(s.log2N).padEnd(6)} ${String(s.startMs).padEnd(9)} ${String(s.p50Ms).padEnd(7)} ${String(s.p99Ms).padEnd(7)} ${s.lastHopP50} / ${s.lastHopMax}`,
  ),
];
console.log(lines.join('\n'));
await writeFile('bench-results.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwritten: bench-results.json');
