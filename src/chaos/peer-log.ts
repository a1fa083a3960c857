// A node's own log as peer observations: `node.started` (with its configured peers), then every
// `peer.added` and `peer.dropped`, each with the node's time. The log is written across restarts and while
// nobody listens, so it closes the gaps of the event streams. Everything before `fromMs` is folded into one
// whole peer list at `fromMs`, so a history stays small however long the network ran before.

import type { HistoryRecord } from './history.js';

type PeerRecord = Extract<HistoryRecord, { type: 'peers' | 'peer' }>;

interface LogLine {
  time?: unknown;
  msg?: unknown;
  peer?: unknown;
  peers?: unknown;
  reason?: unknown;
}

export function peerRecordsFromLog(node: number, lines: Iterable<string>, fromMs: number): PeerRecord[] {
  const records: PeerRecord[] = [];
  let before: Set<number> | undefined;
  const flushBefore = (): void => {
    if (before === undefined) return;
    records.push({
      type: 'peers',
      atMs: fromMs,
      node,
      source: 'log',
      peers: [...before].sort((a, b) => a - b),
    });
    before = undefined;
  };
  for (const line of lines) {
    // Most lines are about messages: skip them before parsing.
    if (!line.includes('"msg":"peer.') && !line.includes('"msg":"node.started"')) continue;
    let parsed: LogLine;
    try {
      parsed = JSON.parse(line) as LogLine;
    } catch {
      continue;
    }
    const atMs = typeof parsed.time === 'number' ? parsed.time : undefined;
    if (atMs === undefined) continue;
    const started = parsed.msg === 'node.started' ? configuredPeers(parsed.peers) : undefined;
    const change =
      parsed.msg === 'peer.added' ? 'added' : parsed.msg === 'peer.dropped' ? 'dropped' : undefined;
    const peer = typeof parsed.peer === 'number' ? parsed.peer : undefined;
    if (atMs < fromMs) {
      if (started !== undefined) before = new Set(started);
      else if (before !== undefined && change !== undefined && peer !== undefined) {
        if (change === 'added') before.add(peer);
        else before.delete(peer);
      }
      continue;
    }
    flushBefore();
    if (started !== undefined) records.push({ type: 'peers', atMs, node, source: 'log', peers: started });
    else if (change !== undefined && peer !== undefined) {
      const reason = typeof parsed.reason === 'string' ? parsed.reason : '';
      records.push({ type: 'peer', atMs, node, source: 'log', change, peer, reason });
    }
  }
  flushBefore();
  return records;
}

/** `["2@127.0.0.1:7002", ...]` to `[2, ...]`. */
function configuredPeers(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((entry) => (typeof entry === 'string' ? Number.parseInt(entry, 10) : Number.NaN))
    .filter((id) => Number.isInteger(id))
    .sort((a, b) => a - b);
}
