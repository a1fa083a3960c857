// The journal's on-disk format: one compact JSON object per line. Decoding is a trust boundary (the file may
// be damaged by a crash or by hand): bad lines are skipped and counted, a final line without its newline is a
// torn write the caller truncates away before appending again.

import { z } from 'zod';
import type { ArrivalVia } from './message-store.js';

export type { ArrivalVia };

export type JournalRecord =
  /** The first arrival of a message. */
  | { kind: 'message'; id: string; relays: number; path: number[]; atMs: number; via: ArrivalVia }
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
const VIAS = { origin: true, relay: true, 'catch-up': true } satisfies Record<ArrivalVia, true>;
const viaSchema = z.enum(Object.keys(VIAS) as [ArrivalVia, ...ArrivalVia[]]);
const NEWLINE = 0x0a;
/** fatal: a line whose bytes are not valid UTF-8 is damage, not a message id with U+FFFD in it. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

// Deliberately looser than the wire schemas: a journal written under older limits must still replay.
const lineSchema = z.discriminatedUnion('k', [
  z.object({
    k: z.literal('m'),
    id: z.string().min(1),
    r: z.number().int().min(0),
    p: z.array(z.number().int().min(0)).min(1),
    t: z.number(),
    v: viaSchema,
  }),
  z.object({
    k: z.literal('p'),
    id: z.string().min(1),
    p: z.array(z.number().int().min(0)).min(1),
    t: z.number(),
    v: viaSchema,
  }),
  z.object({ k: z.literal('r'), t: z.number() }),
]);

/** One line, newline included. JSON.stringify escapes quotes, backslashes, control and lone surrogates. */
export function encodeRecord(record: JournalRecord): string {
  return `${JSON.stringify(toLine(record))}\n`;
}

function toLine(record: JournalRecord): z.input<typeof lineSchema> {
  switch (record.kind) {
    case 'message':
      return { k: 'm', id: record.id, r: record.relays, p: record.path, t: record.atMs, v: record.via };
    case 'path':
      return { k: 'p', id: record.id, p: record.path, t: record.atMs, v: record.via };
    case 'read':
      return { k: 'r', t: record.atMs };
  }
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
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const data = parsed.data;
  switch (data.k) {
    case 'm':
      return { kind: 'message', id: data.id, relays: data.r, path: data.p, atMs: data.t, via: data.v };
    case 'p':
      return { kind: 'path', id: data.id, path: data.p, atMs: data.t, via: data.v };
    case 'r':
      return { kind: 'read', atMs: data.t };
  }
}
