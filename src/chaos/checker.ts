// The invariants of `gossip chaos`, checked over a whole history (a pure function: the same history, the
// same verdict):
// 1. every acknowledged /NEW is held by every node that is up at the end;
// 2. no node holds a message that no client submitted, and every text is intact;
// 3. every recorded path starts at the message's origin, ends at its holder, and is a walk along links
//    that existed during the run (while the message could have crossed them);
// 4. no node ever had more peers than the cap; after healing, the overlay is connected;
// 5. no node process died except those the nemesis killed (or removed).

import { originNsToMs, parseMessageId } from '../protocol/message-id.js';
import { type HeldMessage, type HistoryRecord, type RecordOf, recordsOf } from './history.js';
import { type LinkHistory, linkExisted, overlayComponents, replayLinks } from './link-history.js';

export type ViolationKind =
  | 'lost'
  | 'unanswered'
  | 'invented'
  | 'altered'
  | 'bad-path'
  | 'over-cap'
  | 'disconnected'
  | 'died';

export interface Violation {
  invariant: 1 | 2 | 3 | 4 | 5;
  kind: ViolationKind;
  text: string;
  /** The messages and nodes it concerns. */
  ids: string[];
  nodes: number[];
}

export interface CheckResult {
  valid: boolean;
  violations: Violation[];
  links: LinkHistory;
}

/** Node and runner clocks on one machine differ by little; a hop may be up to this far outside a link's life. */
export const CLOCK_TOLERANCE_MS = 2_000;

export function checkHistory(history: readonly HistoryRecord[]): CheckResult {
  const run = recordsOf(history, 'run')[0];
  const start = run?.atMs ?? 0;
  const links = replayLinks(history, run?.maxPeers ?? Number.POSITIVE_INFINITY);
  const violations = [
    ...checkMessages(history, links, start),
    ...links.excesses.map(
      (excess): Violation => ({
        invariant: 4,
        kind: 'over-cap',
        text: `node ${excess.node} had ${excess.peers.length} peers (${excess.peers.join(', ')}) at ${since(start, excess.atMs)} (cap ${run?.maxPeers}; seen in its ${excess.source === 'log' ? 'log' : excess.source === 'events' ? 'event stream' : '/STATS'})`,
        ids: [],
        nodes: [excess.node],
      }),
    ),
    ...checkConnected(history),
    ...checkProcesses(history, start),
  ];
  return { valid: violations.length === 0, violations, links };
}

function since(start: number, atMs: number): string {
  return `+${((atMs - start) / 1000).toFixed(2)} s`;
}

/** Invariants 1-3: what the live nodes hold at the end, against what the clients submitted. */
function checkMessages(history: readonly HistoryRecord[], links: LinkHistory, start: number): Violation[] {
  const submits = recordsOf(history, 'submit');
  const acked = new Map(submits.flatMap((submit) => (submit.id === undefined ? [] : [[submit.id, submit]])));
  const unackedByText = new Map(
    submits.filter((submit) => submit.id === undefined).map((submit) => [submit.text, submit]),
  );
  const baseline = new Set(recordsOf(history, 'baseline').flatMap((record) => record.ids));
  const holdings = recordsOf(history, 'holdings');
  const violations: Violation[] = [];
  const missing = new Map<string, number[]>();
  for (const holding of holdings) {
    if (holding.messages === undefined) {
      violations.push({
        invariant: 1,
        kind: 'unanswered',
        text: `node ${holding.node} is up at the end but did not list its messages (${holding.error ?? 'no answer'})`,
        ids: [],
        nodes: [holding.node],
      });
      continue;
    }
    const held = new Map(holding.messages.map((message) => [message.id, message]));
    for (const id of acked.keys())
      if (!held.has(id)) missing.set(id, [...(missing.get(id) ?? []), holding.node]);
    for (const message of holding.messages) {
      if (baseline.has(message.id)) continue;
      const submit = acked.get(message.id) ?? unackedByText.get(parseMessageId(message.id)?.text ?? '');
      if (submit === undefined) {
        violations.push({
          invariant: 2,
          kind: 'invented',
          text: `node ${holding.node} holds message ${message.id}, which no client submitted`,
          ids: [message.id],
          nodes: [holding.node],
        });
        continue;
      }
      violations.push(...checkMessage(message, holding.node, submit, links));
    }
  }
  for (const [id, nodes] of missing) {
    const submit = acked.get(id);
    violations.push({
      invariant: 1,
      kind: 'lost',
      text: `message ${id} (acknowledged by node ${submit?.node} at ${since(start, submit?.ackAtMs ?? start)}) is missing at node${nodes.length === 1 ? '' : 's'} ${nodes.join(', ')}`,
      ids: [id],
      nodes,
    });
  }
  return violations;
}

/** Invariants 2 (text intact) and 3 (paths) for one message at one holder. */
function checkMessage(
  message: HeldMessage,
  holder: number,
  submit: RecordOf<'submit'>,
  links: LinkHistory,
): Violation[] {
  const parsed = parseMessageId(message.id);
  const violation = (invariant: 2 | 3, kind: ViolationKind, text: string, nodes: number[]): Violation => ({
    invariant,
    kind,
    text: `message ${message.id} at node ${holder}: ${text}`,
    ids: [message.id],
    nodes,
  });
  if (message.text !== submit.text || parsed?.text !== submit.text)
    return [
      violation(2, 'altered', `its text is "${message.text}", the client sent "${submit.text}"`, [holder]),
    ];
  const originMs = originNsToMs(parsed.originNs);
  const found: Violation[] = [];
  for (const { path, atMs } of message.paths) {
    const shown = path.join(' ➜ ');
    if (path[0] !== submit.node) {
      found.push(
        violation(3, 'bad-path', `path ${shown} does not start at its origin, node ${submit.node}`, [holder]),
      );
      continue;
    }
    if (path.at(-1) !== holder) {
      found.push(violation(3, 'bad-path', `path ${shown} does not end at its holder`, [holder]));
      continue;
    }
    for (let hop = 1; hop < path.length; hop += 1) {
      const a = path[hop - 1] as number;
      const b = path[hop] as number;
      const from = originMs - CLOCK_TOLERANCE_MS;
      const to = atMs + CLOCK_TOLERANCE_MS;
      if (linkExisted(links, a, b, from, to)) continue;
      const ever = linkExisted(links, a, b, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
      const why = ever ? 'which did not exist while the message travelled' : 'which never existed';
      found.push(violation(3, 'bad-path', `path ${shown} uses link ${a}-${b}, ${why}`, [a, b]));
      break;
    }
  }
  return found;
}

/** Invariant 4, second half: the live nodes' final peer lists (links both ends list) connect them all. */
function checkConnected(history: readonly HistoryRecord[]): Violation[] {
  const finals = new Map(
    recordsOf(history, 'peers')
      .filter((record) => record.source === 'final')
      .map((record) => [record.node, new Set(record.peers)]),
  );
  const components = overlayComponents(finals);
  if (components.length <= 1) return [];
  return [
    {
      invariant: 4,
      kind: 'disconnected',
      text: `after healing the overlay is split: ${components.map((part) => `{${part.join(',')}}`).join(' | ')}`,
      ids: [],
      nodes: [...finals.keys()],
    },
  ];
}

/** Invariant 5: a process that exited (or is not running at the end) must have been killed or removed. */
function checkProcesses(history: readonly HistoryRecord[], start: number): Violation[] {
  /** Per node, the pid the nemesis last killed or removed. */
  const endedByNemesis = new Map<number, number>();
  const violations: Violation[] = [];
  for (const record of history) {
    if (record.type !== 'process' && record.type !== 'alive') continue;
    if (record.type === 'process') {
      if (record.event === 'killed' || record.event === 'removed')
        endedByNemesis.set(record.node, record.pid);
      if (record.event === 'started') endedByNemesis.delete(record.node);
      if (record.event !== 'exited') continue;
    } else if (record.alive) continue;
    if (endedByNemesis.get(record.node) === record.pid) continue;
    const what =
      record.type === 'alive' ? 'is not running at the end' : `died at ${since(start, record.atMs)}`;
    violations.push({
      invariant: 5,
      kind: 'died',
      text: `node ${record.node} (pid ${record.pid}) ${what}, and the nemesis did not kill it`,
      ids: [],
      nodes: [record.node],
    });
  }
  return violations;
}
