// The story of a `gossip chaos` run for people: the nemesis's faults and lifts, the nodes' detections
// (a peer dropped), repairs (a new peer, a slot given up or refused), catch-ups (a /SYNC that brought
// messages), deaths, the heal and convergence, with times since the start. Between two steps of the
// nemesis, what the nodes did is told in one line per kind.

import type { HistoryRecord } from './history.js';

export type TimelineKind =
  | 'fault'
  | 'lift'
  | 'detect'
  | 'repair'
  | 'catch-up'
  | 'died'
  | 'heal'
  | 'converged';

export interface TimelineEntry {
  atMs: number;
  kind: TimelineKind;
  text: string;
}

/** Items told in one line; the rest are counted. */
const ITEMS_PER_LINE = 6;

export function timelineEntries(history: readonly HistoryRecord[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const record of history) {
    const entry = entryFor(record);
    if (entry !== undefined) entries.push(entry);
  }
  return entries.sort((a, b) => a.atMs - b.atMs);
}

function entryFor(record: HistoryRecord): TimelineEntry | undefined {
  switch (record.type) {
    case 'nemesis': {
      const failed = record.error === undefined ? '' : ` (${record.error})`;
      const kind = record.step.action === 'inject' ? 'fault' : 'lift';
      return { atMs: record.atMs, kind, text: `${record.description}${failed}` };
    }
    case 'peer':
      // The stream tells it as it happens; the log says the same again.
      if (record.source !== 'events' || record.reason === 'configured') return undefined;
      if (record.change === 'added')
        return {
          atMs: record.atMs,
          kind: 'repair',
          text: `${record.node} took ${record.peer} (${record.reason})`,
        };
      return {
        atMs: record.atMs,
        // Giving up a slot for a home peer, or being turned away by a full node, is the overlay mending.
        kind: /^(evicted|refused us)/.test(record.reason) ? 'repair' : 'detect',
        text: `${record.node} dropped ${record.peer} (${record.reason})`,
      };
    case 'sync':
      return {
        atMs: record.atMs,
        kind: 'catch-up',
        text: `${record.node} learned ${record.learned} from ${record.peer}`,
      };
    case 'process':
      return record.event === 'exited'
        ? { atMs: record.atMs, kind: 'died', text: `node ${record.node} (pid ${record.pid}) exited` }
        : undefined;
    case 'heal':
      return {
        atMs: record.atMs,
        kind: 'heal',
        text:
          record.phase === 'begin'
            ? 'nemesis over: continue stopped nodes, restart killed ones, clear every fault and partition'
            : `healed${record.error === undefined ? '' : `, but not all: ${record.error}`}`,
      };
    case 'converged':
      return {
        atMs: record.atMs,
        kind: 'converged',
        text: record.ok
          ? `every live node holds every acknowledged message, overlay connected (after ${(record.waitedMs / 1000).toFixed(2)} s; bound ${(record.boundMs / 1000).toFixed(0)} s)`
          : `not converged within the bound of ${(record.boundMs / 1000).toFixed(0)} s`,
      };
    default:
      return undefined;
  }
}

/** Kinds told one line per entry; the others are the nodes' doings, gathered per step of the nemesis. */
const STEPS: ReadonlySet<TimelineKind> = new Set(['fault', 'lift', 'died', 'heal', 'converged']);

/**
 * Between two steps (faults, lifts, deaths, the heal), one line per kind of the nodes' doings, at the time
 * of its first entry, with at most ITEMS_PER_LINE items and how many more.
 */
export function condenseTimeline(entries: readonly TimelineEntry[]): TimelineEntry[] {
  const lines: TimelineEntry[] = [];
  let gathered = new Map<TimelineKind, { atMs: number; items: string[] }>();
  const flush = (): void => {
    for (const [kind, { atMs, items }] of gathered) {
      const more = items.length - ITEMS_PER_LINE;
      const shown = items.slice(0, ITEMS_PER_LINE).join('; ');
      lines.push({ atMs, kind, text: more > 0 ? `${shown}; and ${more} more` : shown });
    }
    gathered = new Map();
  };
  for (const entry of entries) {
    if (STEPS.has(entry.kind)) {
      flush();
      lines.push({ ...entry });
      continue;
    }
    const line = gathered.get(entry.kind);
    if (line === undefined) gathered.set(entry.kind, { atMs: entry.atMs, items: [entry.text] });
    else line.items.push(entry.text);
  }
  flush();
  return lines;
}

/** The detail that goes first when a timeline is too long to print whole. */
const DETAIL_ORDER: readonly TimelineKind[] = ['catch-up', 'repair', 'detect'];

/**
 * `  +12.34 s  detect     3 dropped 5 (silent for 1502 ms)`. Past `limit` lines the catch-ups go first,
 * then repairs, then detections (the faults, deaths, heal and convergence always show), and a last line
 * says how many were left out.
 */
export function formatTimeline(entries: readonly TimelineEntry[], startMs: number, limit: number): string[] {
  let lines = condenseTimeline(entries);
  const total = lines.length;
  for (const kind of DETAIL_ORDER) {
    if (lines.length <= limit) break;
    const excess = lines.length - limit;
    let dropped = 0;
    lines = lines.filter((line) => line.kind !== kind || ++dropped > excess);
  }
  const formatted = lines.map(
    (entry) =>
      `  ${`+${((entry.atMs - startMs) / 1000).toFixed(2)} s`.padStart(10)}  ${entry.kind.padEnd(9)}  ${entry.text}`,
  );
  if (lines.length < total)
    formatted.push(`  (${total - lines.length} more lines of detail: --json or --history has them all)`);
  return formatted;
}
