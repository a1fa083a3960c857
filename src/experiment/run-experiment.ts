// Runs one strategy on a fresh network: starts N nodes in a temporary home on free ports, puts the asked
// link faults on every link and stops (SIGSTOP) the asked fraction of nodes, sends messages one after
// another from live nodes (each once the previous one settled), collects the live nodes' arrivals and
// counters, stops the network, and computes the metrics next to the theory.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchMessages, fetchStats, submitMessage } from '../client/node-client.js';
import { GossipError } from '../errors.js';
import { faultEveryLink } from '../network/faults.js';
import { homePaths } from '../network/home.js';
import { findBusyAddresses } from '../network/ports.js';
import { isAlive } from '../network/processes.js';
import { startNetwork } from '../network/start-network.js';
import type { NetworkState, NodeEntry } from '../network/state.js';
import { stopNetwork } from '../network/stop-network.js';
import type { StrategyConfig } from '../node/strategies/strategy-config.js';
import { formatFaultSpec } from '../protocol/fault-spec.js';
import type { StatsReply } from '../protocol/replies.js';
import { generateTopology } from '../topology/generators.js';
import { createPrng, shuffle } from '../topology/prng.js';
import {
  type Aggregate,
  aggregate,
  type MessageMetrics,
  messageMetrics,
  type NodeReport,
} from './metrics.js';
import { type Conditions, IDEAL, liveNodes, type Theory, theoryFor } from './theory.js';

export interface ExperimentOptions {
  strategy: StrategyConfig;
  n: number;
  /** Degree of the random regular overlay every node gossips over. */
  degree: number;
  messages: number;
  seed: number;
  /** Node N listens on basePort + N; by default a free range is chosen. */
  basePort?: number | undefined;
  /** Link loss and delay on every link, and the fraction of nodes stopped before the messages (default none). */
  conditions?: Conditions | undefined;
  /** Called with progress lines for humans. */
  onProgress?: ((line: string) => void) | undefined;
}

export interface ExperimentResult {
  strategy: StrategyConfig;
  n: number;
  degree: number;
  seed: number;
  diameter: number | null;
  perMessage: MessageMetrics[];
  aggregate: Aggregate;
  theory: Theory;
  /** Whether every message settled (stopped spreading or reached everyone) before the deadline. */
  settled: boolean;
  conditions: Conditions;
  /** The nodes stopped before the messages were sent; the metrics count the others. */
  failed: number[];
}

/**
 * Experiments pick ports in this range: above the default network's 7001-7016, below the kernel's ephemeral
 * range (32768+), so the nodes' own outgoing links never take a port a node is about to listen on.
 */
const LOWEST_BASE_PORT = 20_000;
const HIGHEST_PORT = 32_000;
/** A port taken between the check and the start (another program) costs a retry on another range. */
const START_ATTEMPTS = 3;

export async function runExperiment(options: ExperimentOptions): Promise<ExperimentResult> {
  const { strategy, n, messages, seed } = options;
  // A d-regular graph on n nodes needs d * n even.
  const capped = Math.min(options.degree, n - 1);
  const degree = capped - ((capped * n) % 2);
  const graph = generateTopology({ kind: 'random', degree }, { n, seed, maxPeers: degree });
  const conditions = options.conditions ?? IDEAL;
  const home = await mkdtemp(path.join(os.tmpdir(), 'gossip-experiment-'));
  const paths = homePaths(home);
  let failed: NodeEntry[] = [];
  try {
    options.onProgress?.(`${strategy.name}: starting ${n} nodes (random ${degree}-regular, seed ${seed})...`);
    let state: NetworkState | undefined;
    for (let attempt = 1; state === undefined; attempt += 1) {
      const basePort = options.basePort ?? (await freeBasePort(n));
      try {
        state = await startNetwork(paths, {
          graph,
          description: `random ${degree}-regular`,
          seed,
          maxPeers: degree,
          basePort,
          host: '127.0.0.1',
          port: basePort,
          relays: 1,
          logLevel: 'warn',
          strategy,
          // More links per node than the default network, often on a busy machine: a generous start-up budget.
          readyTimeoutMs: 30_000 + 500 * n,
        });
      } catch (error) {
        const portTaken = error instanceof GossipError && error.code === 'GOSSIP_ERR_PORT_IN_USE';
        if (!portTaken || options.basePort !== undefined || attempt >= START_ATTEMPTS) throw error;
      }
    }
    if (conditions.lossPercent > 0 || conditions.delayMs > 0) {
      const fault = {
        delayMs: conditions.delayMs,
        jitterMs: 0,
        lossPercent: conditions.lossPercent,
        down: false,
      };
      await faultEveryLink(state, formatFaultSpec(fault, seed));
    }
    const { nodes } = state;
    const origins = Array.from(
      { length: messages },
      (_, index) => nodes[(index * Math.max(1, Math.floor(n / messages))) % n] as NodeEntry,
    );
    failed = chooseFailed(nodes, origins, n - liveNodes(n, conditions), seed);
    const live = nodes.filter((node) => !failed.includes(node));
    const baseline = await allStats(live);
    // Failed nodes neither receive nor spread: stopped, they keep their links open and answer nothing.
    for (const node of failed) process.kill(node.pid, 'SIGSTOP');
    const ids: string[] = [];
    let settled = true;
    for (const [index, origin] of origins.entries()) {
      const { id } = await submitMessage(origin, `experiment-${index + 1}`, 1);
      ids.push(id);
      settled =
        (await waitUntilSettled(live, strategy, index + 1, mayStopShort(strategy, conditions))) && settled;
      options.onProgress?.(`${strategy.name}: message ${index + 1}/${messages} settled`);
    }
    const reports = await collect(live, baseline);
    const flood = strategy.name === 'flood';
    const counted = live.length;
    const perMessage = ids.map((id) =>
      messageMetrics(id, reports, { n: counted, roundMs: strategy.roundMs, flood }),
    );
    return {
      strategy,
      n,
      degree,
      seed,
      diameter: state.topology.diameter,
      perMessage,
      aggregate: aggregate(perMessage, reports, counted),
      theory: theoryFor(strategy, n, conditions),
      settled,
      conditions,
      failed: failed.map((node) => node.id),
    };
  } finally {
    // Stopped processes ignore SIGTERM until continued: end them at once.
    for (const node of failed) if (isAlive(node.pid)) process.kill(node.pid, 'SIGKILL');
    await stopNetwork(paths).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}

/** A base port with n free ports above it, away from the default network's 7001-7016. */
async function freeBasePort(n: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const base = LOWEST_BASE_PORT + Math.floor(Math.random() * (HIGHEST_PORT - LOWEST_BASE_PORT - n));
    const addresses = Array.from({ length: n }, (_, index) => ({
      host: '127.0.0.1',
      port: base + index + 1,
    }));
    if ((await findBusyAddresses(addresses)).length === 0) return base;
  }
  throw new GossipError('GOSSIP_ERR_PORT_IN_USE', `found no ${n} free consecutive ports for the experiment`);
}

async function allStats(nodes: readonly NodeEntry[]): Promise<StatsReply[]> {
  return Promise.all(nodes.map((node) => fetchStats(node, 10_000)));
}

/** `count` nodes that are not origins, chosen by the seed. */
function chooseFailed(
  nodes: readonly NodeEntry[],
  origins: readonly NodeEntry[],
  count: number,
  seed: number,
): NodeEntry[] {
  const candidates = nodes.filter((node) => !origins.includes(node));
  return shuffle(createPrng(seed ^ 0x6661696c), candidates)
    .slice(0, count)
    .sort((a, b) => a.id - b.id);
}

/**
 * Whether a message may stop spreading before every live node has it: push without repair (its rumors die
 * out), and flood once lines are lost or nodes failed (nothing sends a lost relay again).
 */
function mayStopShort(strategy: StrategyConfig, conditions: Conditions): boolean {
  if (strategy.name === 'push') return !strategy.repair;
  return strategy.name === 'flood' && (conditions.lossPercent > 0 || conditions.failFraction > 0);
}

/**
 * A message has settled when no node pushes a rumor any more and every node holds it, or, where it may stop
 * short, nothing changed for two polls. Polled, with a deadline of 400 rounds (at least 20 s).
 */
async function waitUntilSettled(
  nodes: readonly NodeEntry[],
  strategy: StrategyConfig,
  expected: number,
  stopsShort: boolean,
): Promise<boolean> {
  const deadline = Date.now() + Math.max(20_000, 400 * strategy.roundMs);
  const pollMs = Math.max(200, 2 * strategy.roundMs);
  let quietPolls = 0;
  let lastHeld = -1;
  while (Date.now() < deadline) {
    await sleep(pollMs);
    const stats = await allStats(nodes);
    const hot = stats.reduce((sum, node) => sum + (node.hotRumors ?? 0), 0);
    const held = stats.reduce((sum, node) => sum + node.messages, 0);
    const everyone = stats.every((node) => node.messages >= expected);
    // Flood has no rumors to wait for: its relays are done when everyone holds the message, or nothing moves.
    quietPolls = hot === 0 && (everyone || held === lastHeld) ? quietPolls + 1 : 0;
    lastHeld = held;
    if (quietPolls >= 2 && (everyone || stopsShort)) return true;
  }
  return false;
}

/** Every node's messages and its counters since `baseline` (the traffic of the experiment alone). */
async function collect(nodes: readonly NodeEntry[], baseline: readonly StatsReply[]): Promise<NodeReport[]> {
  const before = new Map(baseline.map((stats) => [stats.node, stats.counters]));
  return Promise.all(
    nodes.map(async (node) => {
      const [listing, stats] = await Promise.all([
        fetchMessages(node, 'all', 'all'),
        fetchStats(node, 10_000),
      ]);
      const start = before.get(node.id) ?? {};
      const counters = Object.fromEntries(
        Object.entries(stats.counters).map(([name, value]) => [name, value - (start[name] ?? 0)]),
      );
      return { node: node.id, messages: listing.messages, stats: { ...stats, counters } };
    }),
  );
}
