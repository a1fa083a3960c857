// `gossip experiment [--strategy s | --compare s1,s2,...] [-n N] [--fanout k] [--messages m] [--svg file]
// [--loss %] [--delay ms] [--fail fraction]`: runs each strategy on a fresh network (with that loss and delay
// on every link, that fraction of the nodes stopped) and prints measured rounds, coverage, traffic and
// residue next to the theory.

import { writeFile } from 'node:fs/promises';
import { GossipError } from '../../errors.js';
import { renderCoverageChart } from '../../experiment/render-chart.js';
import { type ExperimentResult, runExperiment } from '../../experiment/run-experiment.js';
import { type Conditions, meanFieldCoverage } from '../../experiment/theory.js';
import { STRATEGIES, type StrategyName } from '../../node/strategies/strategy-config.js';
import { parseChoice, parseDecimal, parseInteger, parseStrategy } from '../args.js';
import { describeStopRule } from '../format/strategy.js';
import { renderTable } from '../format/table.js';
import { printResult } from '../output.js';

export async function experimentCommand(options: Record<string, unknown>): Promise<void> {
  const names: StrategyName[] =
    options.compare === undefined
      ? [parseChoice('--strategy', options.strategy, STRATEGIES)]
      : String(options.compare)
          .split(',')
          .map((name) => parseChoice('--compare', name.trim(), STRATEGIES));
  const n = parseInteger('-n/--nodes', options.nodes, 16, 256);
  const messages = parseInteger('--messages', options.messages, 1, 100);
  const degree = parseInteger('--degree', options.degree ?? Math.min(8, n - 1), 2, n - 1);
  const seed =
    options.seed === undefined
      ? Math.floor(Math.random() * 2 ** 31)
      : parseInteger('--seed', options.seed, 0, 2 ** 31 - 1);
  const base = parseStrategy(options);
  const basePort =
    options.basePort === undefined ? undefined : parseInteger('--base-port', options.basePort, 1, 65_535 - n);
  const conditions: Conditions = {
    lossPercent: options.loss === undefined ? 0 : parseInteger('--loss', options.loss, 0, 99),
    delayMs: options.delay === undefined ? 0 : parseInteger('--delay', options.delay, 0, 10_000),
    failFraction: options.fail === undefined ? 0 : parseDecimal('--fail', options.fail, 0, 0.9),
  };
  if (n - Math.floor(conditions.failFraction * n) < messages + 1)
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      `--fail ${conditions.failFraction} leaves too few live nodes for ${messages} messages`,
    );
  const json = options.json === true;
  const results: ExperimentResult[] = [];
  for (const name of names) {
    results.push(
      await runExperiment({
        strategy: { ...base, name },
        n,
        degree,
        messages,
        seed,
        basePort,
        conditions,
        onProgress: json ? undefined : (line) => process.stderr.write(`${line}\n`),
      }),
    );
  }
  let svg: string | undefined;
  if (typeof options.svg === 'string') {
    svg = options.svg;
    await writeFile(svg, chartFor(results));
  }
  printResult(options as { json?: boolean }, () => formatResults(results, svg), {
    results,
    svg: svg ?? null,
  });
  if (results.some((result) => !result.settled) && json === false)
    process.stderr.write('note: some messages had not settled by the deadline; their rows are partial\n');
}

const fixed = (value: number | undefined, digits = 1): string =>
  value === undefined ? '-' : value.toFixed(digits);
const percent = (value: number | undefined): string =>
  value === undefined ? '-' : `${(value * 100).toFixed(value < 0.01 && value > 0 ? 2 : 1)}%`;

function formatResults(results: readonly ExperimentResult[], svg: string | undefined): string {
  const first = results[0];
  if (first === undefined) return '(no results)';
  const { strategy } = first;
  const live = first.n - first.failed.length;
  const header = [
    `Experiment: ${first.n} nodes, random ${first.degree}-regular overlay (seed ${first.seed}, diameter ${first.diameter ?? '?'}), ` +
      `fanout ${strategy.fanout}, rounds of ${strategy.roundMs} ms, push stops by ${describeStopRule(strategy)}, ` +
      `repair ${strategy.repair ? 'on' : 'off'}, ${first.aggregate.messages} message(s)`,
    ...describeConditions(first),
    '',
  ];
  const table = renderTable(
    [
      'STRATEGY',
      'ROUNDS',
      'MAX',
      'LAST',
      'LOG_K N',
      'MODEL',
      'PITTEL',
      'TIME MS',
      'SENT/NODE',
      'RMR',
      'RESIDUE',
      'THEORY',
    ],
    results.map(({ strategy: s, aggregate: a, theory: t }) => [
      s.name,
      fixed(a.roundsToFull),
      fixed(a.maxRoundsToFull, 0),
      fixed(a.roundsToLast),
      fixed(t.logKRounds),
      fixed(t.modelRounds, 0),
      fixed(t.pittelRounds),
      fixed(a.timeToFullMs, 0),
      fixed(a.sentPerNodePerMessage, 2),
      fixed(a.rmr, 2),
      percent(a.residue),
      percent(t.residue),
    ]),
  );
  const coverage = results.map(
    ({ strategy: s, aggregate: a }) =>
      `  ${s.name.padEnd(13)} ${a.coverage.map((fraction) => `${Math.round(fraction * 100)}`).join(' ')}`,
  );
  const perMessage = results.flatMap(({ strategy: s, perMessage: list }) =>
    list.map(
      (m) =>
        `  ${s.name.padEnd(13)} ${m.id.padEnd(36)} from ${String(m.origin).padStart(3)}: reached ${m.reached}/${live} ` +
        `(${m.reachedByStrategy} by the strategy), rounds ${m.roundsToFull ?? '-'}, ${m.timeToFullMs === undefined ? '-' : `${m.timeToFullMs.toFixed(0)} ms`}, ` +
        `RMR ${m.rmr.toFixed(2)}, residue ${percent(m.residue)}`,
    ),
  );
  return [
    ...header,
    table,
    '',
    'Coverage per round (% of nodes informed, mean over messages):',
    ...coverage,
    '',
    'Per message:',
    ...perMessage,
    ...(svg === undefined ? [] : ['', `Chart: ${svg}`]),
  ].join('\n');
}

/** The bad network the strategies ran on, if any, and what the numbers count. */
function describeConditions({ conditions, failed, n }: ExperimentResult): string[] {
  const links = [
    ...(conditions.lossPercent > 0 ? [`${conditions.lossPercent}% of lines lost`] : []),
    ...(conditions.delayMs > 0 ? [`every line delayed ${conditions.delayMs} ms`] : []),
  ];
  return [
    ...(links.length > 0
      ? [`Every link: ${links.join(', ')} (the theory scales contacts by what gets through).`]
      : []),
    ...(failed.length > 0
      ? [
          `${failed.length} of ${n} nodes failed (stopped before the messages: they neither receive nor spread): ` +
            `${failed.join(', ')}; coverage, residue and traffic count the ${n - failed.length} live nodes.`,
        ]
      : []),
  ];
}

function chartFor(results: readonly ExperimentResult[]): string {
  const first = results[0];
  const title = `Coverage over rounds, ${first?.n ?? 0} nodes, fanout ${first?.strategy.fanout ?? 0}`;
  return renderCoverageChart(
    title,
    results.map(({ strategy, aggregate: a, n, conditions }) => ({
      label: strategy.name,
      measured: a.coverage,
      predicted: meanFieldCoverage(
        strategy.name,
        n,
        strategy.fanout,
        Math.max(a.coverage.length + 5, 10),
        conditions,
        strategy.roundMs,
      ),
    })),
  );
}
