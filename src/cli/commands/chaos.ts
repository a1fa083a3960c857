// `gossip chaos [--duration s] [--rate msgs/s] [--faults kill,stop,...] [--seed s] [--history file] [--start]`:
// a client workload and a seeded nemesis on the running network (or on one it starts and stops), then the
// verdict of the history checker: exit 0 when valid, 1 with the violations. `--check <file>` checks a
// history written earlier, without any network.

import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { checkHistory } from '../../chaos/checker.js';
import { chaosFigures } from '../../chaos/figures.js';
import { CHAOS_FAULTS, type ChaosFault, parseHistory, recordsOf } from '../../chaos/history.js';
import { type ChaosReport, runChaos } from '../../chaos/run-chaos.js';
import { timelineEntries } from '../../chaos/timeline.js';
import { GossipError } from '../../errors.js';
import { type HomePaths, homePaths, resolveHome } from '../../network/home.js';
import { startNetwork } from '../../network/start-network.js';
import { stopNetwork } from '../../network/stop-network.js';
import { describeTopology } from '../../topology/generators.js';
import { parseChoice, parseInteger } from '../args.js';
import { formatChaosReport } from '../format/chaos-report.js';
import { printResult } from '../output.js';
import { buildGraph, topologySpec } from './start-network.js';

/** rate x duration may not ask for more messages than this: the checker holds every listing in memory. */
const MAX_MESSAGES = 20_000;

export async function chaosCommand(options: Record<string, unknown>): Promise<void> {
  if (typeof options.check === 'string') return checkFile(options.check, options);
  const durationMs = 1000 * parseInteger('--duration', options.duration, 1, 3_600);
  const rate = parseInteger('--rate', options.rate, 1, 1_000);
  if ((rate * durationMs) / 1000 > MAX_MESSAGES)
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      `--rate ${rate} for ${durationMs / 1000} s makes more than ${MAX_MESSAGES} messages; lower one of them`,
    );
  const faults = parseFaults(options.faults);
  const seed =
    options.seed === undefined
      ? Math.floor(Math.random() * 2 ** 31)
      : parseInteger('--seed', options.seed, 0, 2 ** 31 - 1);
  const json = options.json === true;
  const paths = homePaths(resolveHome(options.home));
  const progress = json ? undefined : (line: string) => process.stderr.write(`chaos: ${line}\n`);
  const history = typeof options.history === 'string' ? await openHistory(options.history) : undefined;
  const interrupted = new AbortController();
  const onSignal = (): void => {
    progress?.('interrupted: stopping the nemesis, healing, then checking what was seen');
    interrupted.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let started = false;
  try {
    if (options.start === true) {
      await startFor(paths, seed, options, progress);
      started = true;
    }
    const report = await runChaos({
      paths,
      seed,
      durationMs,
      rate,
      faults,
      signal: interrupted.signal,
      onRecord: history === undefined ? undefined : (record) => history.write(`${JSON.stringify(record)}\n`),
      onProgress: progress,
    });
    report.interrupted ||= interrupted.signal.aborted;
    printReport(report, options, typeof options.history === 'string' ? options.history : undefined);
    if (report.interrupted)
      throw new GossipError(
        'GOSSIP_ERR_INTERRUPTED',
        'interrupted: the history so far is valid, but cut short',
      );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (history !== undefined) await closeStream(history);
    if (started) {
      const { stopped } = await stopNetwork(paths);
      progress?.(`stopped the network it started (${stopped.length} nodes)`);
    }
  }
}

function parseFaults(value: unknown): ChaosFault[] {
  const names = String(value ?? CHAOS_FAULTS.join(','))
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0)
    throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', `--faults needs one of ${CHAOS_FAULTS.join(', ')}`);
  return [...new Set(names.map((name) => parseChoice('--faults', name, CHAOS_FAULTS)))];
}

/** --start: a network of its own in the home, random 3-regular on the chaos seed. */
async function startFor(
  paths: HomePaths,
  seed: number,
  options: Record<string, unknown>,
  progress: ((line: string) => void) | undefined,
): Promise<void> {
  const n = parseInteger('-n/--nodes', options.nodes, 4, 256);
  const basePort = parseInteger('--base-port', options.basePort, 1, 65_534 - n);
  const spec = topologySpec('random', undefined);
  progress?.(`starting ${n} nodes on ports ${basePort + 1}-${basePort + n} (random 3-regular, seed ${seed})`);
  await startNetwork(paths, {
    graph: buildGraph(spec, n, seed, 3),
    description: describeTopology(spec),
    seed,
    maxPeers: 3,
    basePort,
    host: '127.0.0.1',
    port: basePort,
    relays: 1,
    logLevel: 'info',
  });
}

/** --check <file>: the verdict on a history written earlier (by --history, or by your own nemesis). */
async function checkFile(file: string, options: Record<string, unknown>): Promise<void> {
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', `cannot read ${file}: ${error.message}`);
  });
  const parsed = parseHistory(text);
  if ('problem' in parsed)
    throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', `${file} is not a chaos history: ${parsed.problem}`);
  const check = checkHistory(parsed.records);
  const interrupted = recordsOf(parsed.records, 'end')[0]?.interrupted ?? false;
  printReport(
    { history: parsed.records, check, figures: chaosFigures(parsed.records, check.links), interrupted },
    options,
    file,
  );
}

function printReport(
  report: ChaosReport,
  options: Record<string, unknown>,
  historyFile: string | undefined,
): void {
  const { history, check, figures, interrupted } = report;
  printResult(options as { json?: boolean }, () => formatChaosReport(report), {
    valid: check.valid,
    interrupted,
    run: recordsOf(history, 'run')[0] ?? null,
    schedule: recordsOf(history, 'schedule')[0]?.steps ?? [],
    timeline: timelineEntries(history),
    figures,
    violations: check.violations,
    records: history.length,
    history: historyFile ?? null,
  });
  const where = historyFile === undefined ? '' : ` (history: ${historyFile})`;
  if (!check.valid)
    throw new GossipError(
      'GOSSIP_ERR_INVARIANT',
      `${check.violations.length} violation${check.violations.length === 1 ? '' : 's'} of the invariants${where}`,
    );
}

/** The history file, written as the run goes (so an interrupted run keeps what it saw); checked up front. */
async function openHistory(file: string): Promise<WriteStream> {
  await writeFile(file, '').catch((error: Error) => {
    throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', `cannot write the history to ${file}: ${error.message}`);
  });
  const stream = createWriteStream(file, { flags: 'a' });
  stream.on('error', (error) =>
    process.stderr.write(`warning: the history ${file} is incomplete: ${error.message}\n`),
  );
  return stream;
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(() => resolve()));
}
