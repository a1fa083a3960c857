// `gossip chaos` on the running network: plans the nemesis from the seed, runs the client workload and the
// nemesis side by side while watching every node, then heals everything, waits (bounded) for convergence,
// gathers the end state and the nodes' own logs, and checks the whole history. Whatever happens (an error,
// Ctrl-C), what the nemesis broke is healed before this returns or throws.

import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { peekMessages } from '../client/node-client.js';
import { GossipError } from '../errors.js';
import type { HomePaths } from '../network/home.js';
import { isOurNode } from '../network/processes.js';
import { type NodeEntry, requireState } from '../network/state.js';
import { type CheckResult, checkHistory } from './checker.js';
import { ChaosCluster } from './cluster.js';
import { type ChaosFigures, chaosFigures } from './figures.js';
import type { ChaosFault, HistoryRecord, NemesisStep } from './history.js';
import { Nemesis } from './nemesis.js';
import { ChaosObserver } from './observer.js';
import { peerRecordsFromLog } from './peer-log.js';
import { describeStep, planSchedule } from './schedule.js';
import { awaitConvergence, recordEnd } from './settle.js';
import { runWorkload } from './workload.js';

export interface ChaosOptions {
  paths: HomePaths;
  seed: number;
  durationMs: number;
  /** Client messages per second. */
  rate: number;
  faults: readonly ChaosFault[];
  /** Aborted (Ctrl-C): the workload and the nemesis stop, everything is healed, and what was seen is checked. */
  signal: AbortSignal;
  onRecord?: ((record: HistoryRecord) => void) | undefined;
  onProgress?: ((line: string) => void) | undefined;
}

export interface ChaosReport {
  history: HistoryRecord[];
  check: CheckResult;
  figures: ChaosFigures;
  interrupted: boolean;
}

/** How long the cluster may take to converge after the heal: generous, for a loaded machine. */
export function convergenceBoundMs(nodes: number): number {
  return 20_000 + 1_000 * nodes;
}
/** After Ctrl-C the user wants the verdict soon. */
const INTERRUPTED_BOUND_MS = 5_000;
/** Fewest running nodes a run needs: a minority of them may be down at once. */
const MIN_NODES = 3;

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { paths, seed, durationMs, rate, faults, signal } = options;
  const progress = options.onProgress ?? (() => {});
  const state = await requireState(paths);
  const entries = await runningNodes(state.nodes);
  if (entries.length < MIN_NODES)
    throw new GossipError(
      'GOSSIP_ERR_NODE_DOWN',
      `chaos needs at least ${MIN_NODES} running nodes, and ${entries.length} run; start a network (gossip start-network) or use --start`,
    );
  const nextId = Math.max(...state.nodes.map((node) => node.id)) + 1;
  const nodes = entries.map((entry) => entry.id);
  const schedule = planSchedule({ seed, durationMs, faults, nodes, nextId });
  const baseline = await baselineOf(entries);
  const history: HistoryRecord[] = [];
  const record = (entry: HistoryRecord): void => {
    history.push(entry);
    options.onRecord?.(entry);
  };
  const startMs = Date.now();
  const maxPeers = state.topology.maxPeers;
  record({
    type: 'run',
    atMs: startMs,
    seed,
    durationMs,
    rate,
    faults: [...faults],
    nodes,
    maxPeers,
    home: paths.home,
  });
  record({ type: 'schedule', steps: schedule });
  record({ type: 'baseline', atMs: startMs, ids: [...baseline] });
  const cluster = new ChaosCluster(entries);
  const observer = new ChaosObserver(cluster, record);
  for (const entry of entries) observer.follow(entry);
  const nemesis = new Nemesis(paths, cluster, observer, record, state.faults ?? 'clear');
  const stop = new AbortController();
  const interrupt = (): void => stop.abort();
  signal.addEventListener('abort', interrupt, { once: true });
  if (signal.aborted) stop.abort();
  const since = (atMs: number): string => `+${((atMs - startMs) / 1000).toFixed(2)} s`;
  const injections = schedule.filter((step) => step.action === 'inject').length;
  let interrupted = false;
  try {
    try {
      progress(
        `${nodes.length} nodes, ${injections} faults planned over ${durationMs / 1000} s, ${rate} messages/s`,
      );
      const outcomes = await Promise.allSettled([
        runWorkload({ seed, rate, durationMs, cluster, record, signal: stop.signal }),
        runSchedule(schedule, startMs, stop.signal, async (step) => {
          progress(`${since(Date.now())}  ${describeStep(step)}`);
          await nemesis.apply(step);
        }),
      ]);
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    } finally {
      signal.removeEventListener('abort', interrupt);
      interrupted = signal.aborted;
      stop.abort();
      progress(
        `${since(Date.now())}  healing: continue stopped nodes, restart killed ones, clear every fault`,
      );
      await heal(nemesis, record);
    }
    const acked = new Set(
      history.flatMap((entry) => (entry.type === 'submit' && entry.id !== undefined ? [entry.id] : [])),
    );
    const boundMs = interrupted ? INTERRUPTED_BOUND_MS : convergenceBoundMs(cluster.up().length);
    progress(`${since(Date.now())}  waiting for convergence (at most ${boundMs / 1000} s)`);
    // After Ctrl-C the wait is short anyway; before, a Ctrl-C during the wait cuts it short.
    const waitSignal = interrupted ? new AbortController().signal : signal;
    const end = await awaitConvergence(cluster, acked, boundMs, waitSignal);
    record({ type: 'converged', atMs: Date.now(), ok: end.converged, waitedMs: end.waitedMs, boundMs });
    await recordEnd(cluster, end, baseline, record);
  } finally {
    observer.close();
  }
  await recordLogs(paths, startMs, record);
  record({ type: 'end', atMs: Date.now(), interrupted: interrupted || signal.aborted });
  const check = checkHistory(history);
  const figures = chaosFigures(history, check.links);
  return { history, check, figures, interrupted: interrupted || signal.aborted };
}

/** Everything the nemesis broke, mended; what could not be (a node that did not restart) is recorded. */
async function heal(nemesis: Nemesis, record: (entry: HistoryRecord) => void): Promise<void> {
  record({ type: 'heal', atMs: Date.now(), phase: 'begin' });
  const problem = await nemesis.healAll().catch((error: Error) => error.message);
  record({
    type: 'heal',
    atMs: Date.now(),
    phase: 'done',
    ...(problem === undefined ? {} : { error: problem }),
  });
}

/** Every node's own log since the start, as peer observations (removed and added nodes too). */
async function recordLogs(
  paths: HomePaths,
  fromMs: number,
  record: (entry: HistoryRecord) => void,
): Promise<void> {
  for (const entry of (await requireState(paths)).nodes) {
    const text = await readFile(entry.logFile, 'utf8').catch(() => '');
    for (const observed of peerRecordsFromLog(entry.id, text.split('\n'), fromMs)) record(observed);
  }
}

/** Runs each step at its time after `startMs`, one after another (a slow step delays the next). */
async function runSchedule(
  steps: readonly NemesisStep[],
  startMs: number,
  signal: AbortSignal,
  apply: (step: NemesisStep) => Promise<void>,
): Promise<void> {
  for (const step of steps) {
    const waitMs = startMs + step.atMs - Date.now();
    if (waitMs > 0) await sleep(waitMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return;
    await apply(step);
  }
}

async function runningNodes(nodes: readonly NodeEntry[]): Promise<NodeEntry[]> {
  const candidates = nodes.filter((node) => !node.removed);
  const running = await Promise.all(candidates.map((node) => isOurNode(node.pid, node.id, node.port)));
  return candidates.filter((_, index) => running[index]);
}

/** Every message a live node held before the run: earlier clients submitted them. */
async function baselineOf(entries: readonly NodeEntry[]): Promise<Set<string>> {
  const listings = await Promise.all(entries.map((entry) => peekMessages(entry).catch(() => undefined)));
  return new Set(listings.flatMap((listing) => listing?.messages.map((message) => message.id) ?? []));
}
