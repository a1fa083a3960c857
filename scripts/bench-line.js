#!/usr/bin/env node
// Part of `npm run bench`: the per-line costs of one node, in one process, for the build in <root>/dist.
// Run with --expose-gc: node scripts/bench-line.js <root>. Prints one JSON object.
//   split   LineSplitter over 64 KiB chunks        parse   parseRequest of a /RELAY line
//   relay   GossipNode.relay: the relay rule, the store, the line to each peer (links not started: queued)
//   heap    heap retained per message parsed and stored with three arrival paths, after a full GC
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.argv[2] ?? '.';
const load = (file) => import(pathToFileURL(path.join(root, 'dist', file)).href);
const { GossipNode } = await load('node/gossip-node.js');
const { parseRequest } = await load('protocol/requests.js');
const { LineSplitter } = await load('protocol/framing.js');

const MESSAGES = Number(process.env.BENCH_LINE_MESSAGES ?? 30_000);
const BASE_NS = 1_795_426_696_500_612_060n;
const idOf = (i) => `burst ${i % 8} ${i}_${BASE_NS + BigInt(i)}`;
const makeNode = (peers) =>
  new GossipNode({
    self: { id: 5, host: '127.0.0.1', port: 1 },
    peers: peers.map((id) => ({ id, host: '127.0.0.1', port: id })),
    // Every shape: the journal took records, then lines, then an arrival's parts (a BENCH_BASELINE build may
    // be older).
    persistence: {
      append() {},
      appendDurable: () => Promise.resolve(),
      appendLine() {},
      appendArrival() {},
      appendDurableLine: () => Promise.resolve(),
    },
    membership: {
      maxPeers: 3,
      failureTimeoutMs: 1_500,
      heartbeatMs: 300,
      walkTtl: 8,
      link: {
        maxQueue: 1e9,
        backoffMinMs: 50,
        backoffMaxMs: 2_000,
        connectTimeoutMs: 1_000,
        random: Math.random,
      },
    },
  });
const micros = (began, count) => Number((((performance.now() - began) * 1000) / count).toFixed(2));

// Three arrivals per message, from each of the node's three peers, as in a 3-regular overlay.
const lines = [];
for (let i = 0; i < MESSAGES; i += 1) {
  for (const route of [
    [1, 6],
    [2, 7],
    [3, 4, 8],
  ])
    lines.push(`/RELAY:1|${JSON.stringify([idOf(i), route])}`);
}
const bytes = Buffer.from(`${lines.join('\n')}\n`);
let began = performance.now();
let count = 0;
const splitter = new LineSplitter(65_536, { onLine: () => (count += 1), onOversize() {} });
for (let at = 0; at < bytes.length; at += 65_536) splitter.push(bytes.subarray(at, at + 65_536));
const splitMicros = micros(began, count);

began = performance.now();
const requests = lines.map((line) => parseRequest(line).request);
const parseMicros = micros(began, lines.length);

const relaying = makeNode([6, 7, 8]);
began = performance.now();
for (const request of requests) relaying.relay(request.id, request.path, request.relays);
const relayMicros = micros(began, requests.length);

const storing = makeNode([]);
globalThis.gc();
const heapBefore = process.memoryUsage().heapUsed;
for (const line of lines) {
  const { request } = parseRequest(line);
  storing.relay(request.id, request.path, request.relays);
}
globalThis.gc();
const heapBytesPerMessage = Math.round((process.memoryUsage().heapUsed - heapBefore) / MESSAGES);
// Touch everything allocated before the first GC, so that none of it is freed in between and counted.
const held = storing.stats(0).messages + relaying.stats(0).messages + lines.length + requests.length;
if (held !== MESSAGES * 8) throw new Error('the probe nodes did not store every message');

console.log(
  JSON.stringify({ messages: MESSAGES, splitMicros, parseMicros, relayMicros, heapBytesPerMessage }),
);
