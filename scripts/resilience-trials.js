#!/usr/bin/env node
// `npm run trials`: measures self-healing on a real 16-node network started through the CLI.
// Each trial fails one node, either kill -9 (a closed link) or SIGSTOP (a silent peer), while messages
// are submitted, then brings it back. Per trial it reports:
//   detection: failure -> first neighbour logs peer.dropped for it (from the nodes' own log timestamps)
//   repair:    detection -> the survivors' free slots are paired up again: their missing degree is back
//              to what it was before the failure, plus at most the one odd slot (polled)
//   catch-up:  the node answers again -> it holds every message accepted meanwhile (polled)
// and at the end whether any accepted message is missing anywhere. Prints a table, writes JSON.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { fetchStats, submitMessage } from '../dist/client/node-client.js';

const TRIALS = Number(process.env.TRIALS ?? 10);
const BASE_PORT = Number(process.env.BASE_PORT ?? 27_000);
const MESSAGES_WHILE_DOWN = 20;
const bin = fileURLToPath(new URL('../bin/gossip.js', import.meta.url));
const home = await mkdtemp(path.join(os.tmpdir(), 'gossip-trials-'));
const gossip = async (...args) => {
  const result = await execa(process.execPath, [bin, ...args, '--home', home], { reject: false });
  if (result.exitCode !== 0) throw new Error(`gossip ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
};
const now = () => performance.timeOrigin + performance.now();

async function poll(probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await sleep(10);
  }
  return undefined;
}

async function droppedAt(state, victim, since) {
  const times = [];
  for (const node of state.nodes) {
    if (node.id === victim) continue;
    const text = await readFile(node.logFile, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line.includes('"peer.dropped"')) continue;
      const record = JSON.parse(line);
      if (record.peer === victim && record.time >= Math.floor(since)) times.push(record.time);
    }
  }
  return times.length > 0 ? Math.min(...times) : undefined;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)];
};

await gossip('start-network', '--seed', '7', '--base-port', String(BASE_PORT));
const state = JSON.parse(await readFile(path.join(home, 'network.json'), 'utf8'));
const nodes = state.nodes.map((node) => ({ id: node.id, host: node.host, port: node.port }));
const accepted = [];
const results = [];
try {
  for (let trial = 0; trial < TRIALS * 2; trial += 1) {
    const kind = trial % 2 === 0 ? 'kill -9' : 'SIGSTOP';
    const victim = nodes[(trial * 5 + 3) % nodes.length];
    const current = JSON.parse(await readFile(path.join(home, 'network.json'), 'utf8'));
    const entry = current.nodes.find((node) => node.id === victim.id);
    const others = nodes.filter((node) => node.id !== victim.id);
    const deficit = (stats) => stats.reduce((sum, node) => sum + Math.max(0, 3 - node.peers.length), 0);
    const deficitBefore = deficit(await Promise.all(others.map((node) => fetchStats(node, 1_000))));
    const failedAt = Date.now();
    process.kill(entry.pid, kind === 'kill -9' ? 'SIGKILL' : 'SIGSTOP');
    const detected = await poll(() => droppedAt(current, victim.id, failedAt), 10_000);
    const repaired = await poll(async () => {
      const stats = await Promise.all(others.map((node) => fetchStats(node, 1_000)));
      return deficit(stats) <= deficitBefore + 1 &&
        stats.every((node) => node.peers.every((peer) => peer.id !== victim.id))
        ? Date.now()
        : undefined;
    }, 10_000);
    if (repaired === undefined && process.env.DEBUG_TRIALS) {
      const stats = await Promise.all(others.map((node) => fetchStats(node, 1_000)));
      console.error(
        `trial ${trial + 1}: deficit before ${deficitBefore}, now ${deficit(stats)}:`,
        stats.map((node) => `${node.node}:${node.peers.map((peer) => peer.id).join(',')}`).join(' '),
      );
    }
    for (let index = 0; index < MESSAGES_WHILE_DOWN; index += 1) {
      accepted.push(
        (await submitMessage(others[index % others.length], `trial ${trial} message ${index}`, 1)).id,
      );
    }
    let backAt;
    if (kind === 'kill -9') {
      await gossip('restart-node', String(victim.id));
      backAt = now();
    } else {
      process.kill(entry.pid, 'SIGCONT');
      backAt = now();
    }
    const caughtUp = await poll(
      async () => ((await fetchStats(victim, 1_000)).messages === accepted.length ? now() : undefined),
      20_000,
    );
    results.push({
      trial: trial + 1,
      kind,
      node: victim.id,
      detectionMs: detected === undefined ? null : detected - failedAt,
      repairMs: detected === undefined || repaired === undefined ? null : Math.max(0, repaired - detected),
      catchUpMs: caughtUp === undefined ? null : caughtUp - backAt,
    });
    process.stdout.write(`${JSON.stringify(results[results.length - 1])}\n`);
  }
  const everywhere = await poll(async () => {
    const stats = await Promise.all(nodes.map((node) => fetchStats(node, 1_000)));
    return stats.every((node) => node.messages === accepted.length) ? stats : undefined;
  }, 20_000);
  const lost = everywhere === undefined ? 'some (not converged)' : 0;
  const summary = {};
  for (const kind of ['kill -9', 'SIGSTOP']) {
    const rows = results.filter((row) => row.kind === kind);
    summary[kind] = Object.fromEntries(
      ['detectionMs', 'repairMs', 'catchUpMs'].map((key) => {
        const values = rows.map((row) => row[key]).filter((value) => value !== null);
        return [
          key,
          { median: Math.round(median(values)), max: Math.round(Math.max(...values)), n: values.length },
        ];
      }),
    );
  }
  console.log(`\nfailure   | detection median / max | repair median / max | catch-up median / max (ms)`);
  for (const [kind, row] of Object.entries(summary)) {
    console.log(
      `${kind.padEnd(9)} | ${`${row.detectionMs.median} / ${row.detectionMs.max}`.padEnd(22)} | ${`${row.repairMs.median} / ${row.repairMs.max}`.padEnd(19)} | ${row.catchUpMs.median} / ${row.catchUpMs.max}   (${row.detectionMs.n} trials)`,
    );
  }
  console.log(`messages accepted: ${accepted.length}, lost: ${lost}`);
  await writeFile(
    'resilience-results.json',
    `${JSON.stringify({ summary, lost, accepted: accepted.length, results }, null, 2)}\n`,
  );
} finally {
  await gossip('stop-network').catch(() => {});
  await rm(home, { recursive: true, force: true });
}
