import { describe, expect, it } from 'vitest';
import { BatchBytes } from '../../src/node/batch-bytes.js';
import {
  decodeJournal,
  encodeRecord,
  type JournalRecord,
  writeArrivalLine,
} from '../../src/node/journal-codec.js';

const TRICKY_IDS = [
  'hello_1712345678901234567',
  'say "hi" \\ back\\slash_1',
  'emoji 🎉👩‍👩‍👧 ünïcødé 日本語_2',
  'pipes|colons:under_scores__3',
  'control \n\r\t\u0000 and \u2028\u2029 separators_4',
  'lone surrogate \ud800 here_5',
  '{"k":"r","t":1}\n_6',
];

const sample: JournalRecord[] = [
  { kind: 'message', id: 'a_1', relays: 3, path: [1], atMs: 1712345678901.25, via: 'origin' },
  { kind: 'message', id: 'b_2', relays: 0, path: [4, 2, 1], atMs: 1712345678902, via: 'relay' },
  { kind: 'path', id: 'b_2', path: [4, 3, 1], atMs: 1712345678903.5, via: 'catch-up' },
  { kind: 'read', atMs: 1712345678904 },
];

const encodeAll = (records: JournalRecord[]): Buffer => Buffer.from(records.map(encodeRecord).join(''));

describe('encodeRecord', () => {
  it('writes exactly one newline-terminated line', () => {
    for (const id of TRICKY_IDS) {
      const line = encodeRecord({ kind: 'path', id, path: [1, 2], atMs: 5, via: 'relay' });
      expect(line.endsWith('\n')).toBe(true);
      expect(line.indexOf('\n')).toBe(line.length - 1);
    }
  });

  it('writes the same bytes as JSON.stringify of the short-key object', () => {
    for (const id of TRICKY_IDS) {
      const atMs = 1_795_426_696_500.123;
      expect(encodeRecord({ kind: 'message', id, relays: 2, path: [1, 14], atMs, via: 'catch-up' })).toBe(
        `${JSON.stringify({ k: 'm', id, r: 2, p: [1, 14], t: atMs, v: 'catch-up' })}\n`,
      );
      expect(encodeRecord({ kind: 'path', id, path: [3], atMs, via: 'relay' })).toBe(
        `${JSON.stringify({ k: 'p', id, p: [3], t: atMs, v: 'relay' })}\n`,
      );
    }
    expect(encodeRecord({ kind: 'read', atMs: 7.5 })).toBe('{"k":"r","t":7.5}\n');
  });

  it('writes the same bytes into a batch, piece by piece, as the line it returns', () => {
    for (const id of TRICKY_IDS) {
      const records: JournalRecord[] = [
        {
          kind: 'message',
          id,
          relays: 2,
          path: [1, 14],
          atMs: 1_795_426_696_500.123,
          via: 'relay',
          clock: 9,
        },
        { kind: 'message', id, relays: 1, path: [5], atMs: 3, via: 'push' },
        { kind: 'path', id, path: [3, 65535], atMs: 1_795_426_696_501, via: 'catch-up' },
      ];
      const bytes = new BatchBytes();
      for (const record of records) {
        if (record.kind === 'read') continue;
        const relays = record.kind === 'message' ? record.relays : 0;
        const clock = record.kind === 'message' ? (record.clock ?? 0) : 0;
        const [idJson, pathText, atText] = [JSON.stringify(id), record.path.join(','), String(record.atMs)];
        writeArrivalLine(
          bytes,
          record.kind === 'message',
          idJson,
          relays,
          pathText,
          atText,
          record.via,
          clock,
        );
      }
      expect(bytes.take(false).toString('utf8')).toBe(records.map(encodeRecord).join(''));
      expect(decodeJournal(bytes.take(false)).records).toEqual(records);
    }
  });
});

describe('decodeJournal', () => {
  it('round-trips every record kind', () => {
    expect(decodeJournal(encodeAll(sample))).toEqual({
      records: sample,
      validBytes: encodeAll(sample).length,
      skipped: 0,
      torn: false,
    });
  });

  it('round-trips ids with quotes, backslashes, emoji, control characters and |:_', () => {
    const records = TRICKY_IDS.flatMap((id): JournalRecord[] => [
      { kind: 'message', id, relays: 2, path: [7], atMs: 1, via: 'origin' },
      { kind: 'path', id, path: [3, 7], atMs: 2, via: 'relay' },
    ]);
    const result = decodeJournal(encodeAll(records));
    // Exact, lone surrogate included: JSON.stringify escapes it as \ud800 rather than writing bad UTF-8.
    expect(result.records).toEqual(records);
    expect(result.skipped).toBe(0);
    expect(result.torn).toBe(false);
  });

  it('handles empty input', () => {
    expect(decodeJournal(Buffer.alloc(0))).toEqual({ records: [], validBytes: 0, skipped: 0, torn: false });
  });

  it('treats a final fragment without a newline as torn and counts bytes, not characters', () => {
    const good: JournalRecord[] = [
      { kind: 'message', id: '🎉 party ü_1', relays: 1, path: [1], atMs: 1, via: 'origin' },
      { kind: 'path', id: '日本語_2', path: [2, 1], atMs: 2, via: 'relay' },
    ];
    const whole = encodeAll(good);
    const next = Buffer.from(
      encodeRecord({ kind: 'message', id: '🎉_3', relays: 1, path: [1], atMs: 3, via: 'origin' }),
    );
    // Cut inside the 4-byte emoji, so the fragment is not even valid UTF-8.
    const cut = next.indexOf(Buffer.from('🎉')) + 2;
    const result = decodeJournal(Buffer.concat([whole, next.subarray(0, cut)]));
    expect(result.records).toEqual(good);
    expect(result.torn).toBe(true);
    expect(result.skipped).toBe(0);
    expect(result.validBytes).toBe(whole.length);
    expect(result.validBytes).toBeGreaterThan(whole.toString().length);
  });

  it('treats a complete line that lost only its newline as torn too', () => {
    const line = encodeRecord(sample[3] as JournalRecord);
    const result = decodeJournal(Buffer.from(line.slice(0, -1)));
    expect(result).toEqual({ records: [], validBytes: 0, skipped: 0, torn: true });
  });

  it('skips and counts damaged complete lines, keeping the rest in order', () => {
    const lines = sample.map(encodeRecord);
    const damaged = Buffer.concat([
      Buffer.from(lines[0] ?? ''),
      Buffer.from('{"k":"m","id":"x_1","r":1,"p":[1],"t":1,"v":"ori\n'), // cut short, then a later write
      Buffer.from(lines[1] ?? ''),
      Buffer.from('\n'),
      Buffer.from('{"k":"m","id":"x_1","r":-1,"p":[1],"t":1,"v":"origin"}\n'), // parses, fails validation
      Buffer.from('{"k":"p","id":"x_1","p":[],"t":1,"v":"relay"}\n'),
      Buffer.from('{"k":"r","t":"soon"}\n'),
      Buffer.from('{"k":"z","t":1}\n'),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), // not UTF-8
      Buffer.from(lines[2] ?? ''),
      Buffer.from(lines[3] ?? ''),
      Buffer.from('not json at the end\n'),
    ]);
    const result = decodeJournal(damaged);
    expect(result.records).toEqual(sample);
    expect(result.skipped).toBe(8);
    expect(result.torn).toBe(false);
    expect(result.validBytes).toBe(damaged.length);
  });

  it('decodes 100,000 records', () => {
    const records: JournalRecord[] = Array.from({ length: 100_000 }, (_, index) => ({
      kind: 'message',
      id: `message ${index} ✓_${1712345678901234567n + BigInt(index)}`,
      relays: 3,
      path: [1 + (index % 50), 2, 3],
      atMs: 1712345678901 + index / 7,
      via: 'relay',
    }));
    const result = decodeJournal(encodeAll(records));
    expect(result.records).toHaveLength(100_000);
    expect(result.records[99_999]).toEqual(records[99_999]);
    expect(result.skipped).toBe(0);
  });
});
