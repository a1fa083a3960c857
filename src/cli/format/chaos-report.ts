// What `gossip chaos` prints: the run in one line, the timeline, the figures and the verdict with every
// violation (the first MAX_VIOLATIONS_SHOWN of them; --json has all).

import type { CheckResult } from '../../chaos/checker.js';
import type { ChaosFigures } from '../../chaos/figures.js';
import { CHAOS_FAULTS, recordsOf } from '../../chaos/history.js';
import type { ChaosReport } from '../../chaos/run-chaos.js';
import { formatTimeline, timelineEntries } from '../../chaos/timeline.js';

/** Timeline lines printed (the faults always show; detail beyond this is left to --json and --history). */
const TIMELINE_LINES = 100;
const MAX_VIOLATIONS_SHOWN = 40;

export function formatChaosReport(report: ChaosReport): string {
  const { history, check, figures } = report;
  const run = recordsOf(history, 'run')[0];
  const startMs = run?.atMs ?? 0;
  const header =
    run === undefined
      ? 'Chaos run (the history has no run record)'
      : `Chaos on ${run.nodes.length} nodes in ${run.home} (seed ${run.seed}): ${run.durationMs / 1000} s of ${run.faults.join(', ')}, ${run.rate} messages/s`;
  return [
    header,
    ...(report.interrupted ? ['Interrupted (Ctrl-C): healed early; the check covers what was seen.'] : []),
    '',
    'Timeline (time since the start):',
    ...formatTimeline(timelineEntries(history), startMs, TIMELINE_LINES),
    '',
    'Figures:',
    ...formatFigures(figures, run?.maxPeers),
    '',
    ...formatVerdict(check, history.length),
  ].join('\n');
}

function formatFigures(figures: ChaosFigures, maxPeers: number | undefined): string[] {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const { deliveries, converged, longestUnavailability: down } = figures;
  const faults = CHAOS_FAULTS.filter((kind) => figures.faults[kind] > 0)
    .map((kind) => `${kind} ${figures.faults[kind]}`)
    .join(', ');
  const injected = CHAOS_FAULTS.reduce((sum, kind) => sum + figures.faults[kind], 0);
  const rows: Array<[string, string]> = [
    [
      'messages',
      `${figures.submitted} submitted, ${figures.acknowledged} acknowledged${figures.failed > 0 ? `, ${figures.failed} not (no answer in time, or no node up: see --history)` : ''}`,
    ],
    [
      'deliveries',
      `${deliveries.held}/${deliveries.expected} (acknowledged messages at the ${figures.liveAtEnd} live nodes), ${figures.paths} arrival paths`,
    ],
    [
      'convergence',
      converged === undefined
        ? 'not measured'
        : `${converged.ok ? `${seconds(converged.waitedMs)} after the heal` : 'NOT reached'} (bound ${converged.boundMs / 1000} s)`,
    ],
    [
      'full delivery',
      figures.fullDeliveryAfterHealMs === undefined
        ? 'not every acknowledged message reached every live node'
        : figures.fullDeliveryAfterHealMs === 0
          ? 'every acknowledged message had reached every live node before the heal'
          : `the last acknowledged message reached the last live node ${seconds(figures.fullDeliveryAfterHealMs)} after the heal began`,
    ],
    [
      'unavailability',
      down === undefined
        ? 'no node was down'
        : `longest ${seconds(down.ms)} (node ${down.node}, ${down.how})`,
    ],
    [
      'faults',
      `${injected} injected${faults === '' ? '' : `: ${faults}`}${figures.stepErrors > 0 ? `; ${figures.stepErrors} step(s) did not fully succeed (see the timeline)` : ''}`,
    ],
    [
      'overlay',
      `${figures.peerChanges} peer changes seen, ${figures.linksSeen} links in all, at most ${figures.maxPeersSeen} peers per node (cap ${maxPeers ?? '?'})`,
    ],
  ];
  return rows.map(([name, value]) => `  ${name.padEnd(15)} ${value}`);
}

function formatVerdict(check: CheckResult, records: number): string[] {
  if (check.valid) return [`Verdict: valid (5 invariants checked over ${records} history records)`];
  const shown = check.violations.slice(0, MAX_VIOLATIONS_SHOWN);
  return [
    `Verdict: INVALID, ${check.violations.length} violation${check.violations.length === 1 ? '' : 's'}:`,
    ...shown.map((violation) => `  [${violation.invariant} ${violation.kind}] ${violation.text}`),
    ...(shown.length < check.violations.length
      ? [`  ... ${check.violations.length - shown.length} more (--json lists them all)`]
      : []),
  ];
}
