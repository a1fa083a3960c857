// The journal's on-disk format: one compact JSON object per line. Decoding is a trust boundary (the file may
// be damaged by a crash or by hand): bad lines are skipped and counted, a final line without its newline is a
// torn write the caller truncates away before appending again.

import type { ArrivalVia } from './message-store.js';

export type { ArrivalVia };

export type JournalRecord =
  /** The first arrival of a message. */
  | {
      kind: 'message';
      id: string;
      relays: number;
      path: number[];
      atMs: number;
      via: ArrivalVia;
      /** The message's Lamport clock (absent in journals written before clocks, and for clock 0). */
      clock?: number;
    }
  /** A further arrival path of a message already journaled. */
  | { kind: 'path'; id: string; path: number[]; atMs: number; via: ArrivalVia }
  /** Everything held so far is now read. */
  | { kind: 'read'; atMs: number };

export interface DecodeResult {
  records: JournalRecord[];
  /** Byte offset just after the last complete line: where the file must be cut before appending again. */
  validBytes: number;
  /** Complete lines that did not parse or validate. */
  skipped: number;
  /** The file ends in a fragment without a newline (a write cut short by a crash). */
  torn: boolean;
}

/** Keyed by ArrivalVia so that adding an arrival kind without teaching the journal fails to compile. */
const VIAS: Record<ArrivalVia, true> = {
  origin: true,
  relay: true,
  'catch-up': true,
  push: true,
  pull: true,
};
const NEWLINE = 0x0a;
/** fatal: a line whose bytes are not valid UTF-8 is damage, not a message id with U+FFFD in it. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A line as stored: short keys, checked by hand (a node loads no schema library; see protocol/requests.ts). */
interface Line {
  k: 'm' | 'p' | 'r';
  id?: string;
  r?: number;
  p?: number[];
  t: number;
  v?: ArrivalVia;
  c?: number;
}

/**
 * One line, newline included. JSON.stringify escapes the id's quotes, backslashes, control characters and
 * lone surrogates; numbers print as JSON prints them.
 */
export function encodeRecord(record: JournalRecord): string {
  if (record.kind === 'read') return `{"k":"r","t":${record.atMs}}\n`;
  const { relays = 0, clock = 0 } = record.kind === 'message' ? record : {};
  const [idJson, pathText, atText] = [JSON.stringify(record.id), record.path.join(','), String(record.atMs)];
  return encodeArrivalLine(record.kind === 'message', idJson, relays, pathText, atText, record.via, clock);
}

/** Where writeArrivalLine puts a line's pieces: any text (as UTF-8), or text known to be ASCII. */
export interface LineSink {
  add(piece: string): void;
  addAscii(piece: string): void;
}

/** A sink that gathers the pieces into one string. */
class LineText implements LineSink {
  line = '';
  add(piece: string): void {
    this.line += piece;
  }
  addAscii(piece: string): void {
    this.line += piece;
  }
}

/**
 * An arrival's record as the arrival already has it: with `first` a message record, else a further path's;
 * the id's JSON, the path's text and the time's (`String(atMs)`). All but the id's JSON are ASCII.
 */
export type ArrivalParts = [
  first: boolean,
  idJson: string,
  relays: number,
  pathText: string,
  atText: string,
  via: ArrivalVia,
  clock: number,
];

/** Takes an arrival's record from its parts (the journal's appendArrival). */
export type AppendArrival = (...parts: ArrivalParts) => void;

/**
 * An arrival's record, written piece by piece into `sink` (a journal batch's bytes: no line string is built,
 * this runs per arrival). Typed through ArrivalParts, but with plain parameters: no rest array per call.
 */
export const writeArrivalLine: (sink: LineSink, ...parts: ArrivalParts) => void = (
  sink,
  first,
  idJson,
  relays,
  pathText,
  atText,
  via,
  clock,
) => {
  sink.addAscii(first ? '{"k":"m","id":' : '{"k":"p","id":');
  sink.add(idJson);
  if (first) {
    sink.addAscii(',"r":');
    sink.addAscii(String(relays));
  }
  sink.addAscii(',"p":[');
  sink.addAscii(pathText);
  sink.addAscii('],"t":');
  sink.addAscii(atText);
  sink.addAscii(',"v":"');
  sink.addAscii(via);
  if (first && clock > 0) {
    sink.addAscii('","c":');
    sink.addAscii(String(clock));
    sink.addAscii('}\n');
  } else sink.addAscii('"}\n');
};

/** The same record as one line, newline included (for /NEW's durable record and encodeRecord). */
export function encodeArrivalLine(...parts: ArrivalParts): string {
  const sink = new LineText();
  writeArrivalLine(sink, ...parts);
  return sink.line;
}

export function decodeJournal(bytes: Buffer): DecodeResult {
  const records: JournalRecord[] = [];
  let skipped = 0;
  let start = 0;
  for (let end = bytes.indexOf(NEWLINE, start); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
    const record = decodeLine(bytes.subarray(start, end));
    if (record === undefined) skipped += 1;
    else records.push(record);
    start = end + 1;
  }
  return { records, validBytes: start, skipped, torn: start < bytes.length };
}

function decodeLine(bytes: Uint8Array): JournalRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(UTF8.decode(bytes));
  } catch {
    return undefined;
  }
  // Deliberately looser than the wire checks: a journal written under older limits must still replay.
  const line = json as Partial<Line> | null;
  if (typeof line !== 'object' || line === null || typeof line.t !== 'number') return undefined;
  if (line.k === 'r') return { kind: 'read', atMs: line.t };
  const { id, p: path, v: via } = line;
  if (typeof id !== 'string' || id === '' || !isStoredPath(path)) return undefined;
  if (typeof via !== 'string' || !Object.hasOwn(VIAS, via)) return undefined;
  if (line.k === 'p') return { kind: 'path', id, path, atMs: line.t, via };
  const relays = line.r;
  if (line.k !== 'm' || !Number.isInteger(relays) || relays === undefined || relays < 0) return undefined;
  const clock = line.c;
  if (Number.isSafeInteger(clock) && clock !== undefined && clock > 0)
    return { kind: 'message', id, relays, path, atMs: line.t, via, clock };
  return { kind: 'message', id, relays, path, atMs: line.t, via };
}

function isStoredPath(path: unknown): path is number[] {
  return (
    Array.isArray(path) &&
    path.length > 0 &&
    path.every((hop) => Number.isInteger(hop) && (hop as number) >= 0)
  );
}
