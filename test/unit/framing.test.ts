import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from '../../src/protocol/framing.js';

// A real GC lets the memory test tell retained buffers from garbage not yet collected.
v8.setFlagsFromString('--expose_gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/**
 * Growth of ArrayBuffer memory since `before`, after full GCs. Backing stores are freed off the main thread,
 * so poll (with a deadline) until the growth drops under `limit`; memory really held never drops.
 */
async function retainedBytesSettle(before: number, limit: number): Promise<number> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    collectGarbage();
    const grown = process.memoryUsage().arrayBuffers - before;
    if (grown < limit || Date.now() > deadline) return grown;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Recorder {
  splitter: LineSplitter;
  lines: string[];
  oversize: number[];
}

function record(cap = DEFAULT_MAX_LINE_BYTES): Recorder {
  const lines: string[] = [];
  const oversize: number[] = [];
  const splitter = new LineSplitter(cap, {
    onLine: (line) => lines.push(line),
    onOversize: (bytes) => oversize.push(bytes),
  });
  return { splitter, lines, oversize };
}

function feed(chunks: readonly (Buffer | string)[], cap?: number, end = true): Recorder {
  const rec = record(cap);
  for (const chunk of chunks) rec.splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  if (end) rec.splitter.end();
  return rec;
}

const MULTI = '/NEW:1|Hello\n/GET:all|all\r\n\n/PEERS:\n/NEW:2|héllo wörld ✓ 😀\n';
const MULTI_LINES = ['/NEW:1|Hello', '/GET:all|all', '/PEERS:', '/NEW:2|héllo wörld ✓ 😀'];

describe('LineSplitter: splitting', () => {
  it('delivers several lines from one chunk, in order', () => {
    expect(feed([MULTI]).lines).toEqual(MULTI_LINES);
  });

  it('delivers the same lines when fed one byte at a time', () => {
    const bytes = Buffer.from(MULTI);
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    const rec = feed(chunks);
    expect(rec.lines).toEqual(MULTI_LINES);
    expect(rec.oversize).toEqual([]);
  });

  it('delivers the same lines for every 2-way split of the buffer', () => {
    const bytes = Buffer.from(MULTI);
    for (let at = 0; at <= bytes.length; at += 1) {
      const rec = feed([bytes.subarray(0, at), bytes.subarray(at)]);
      expect(rec.lines, `split at byte ${at}`).toEqual(MULTI_LINES);
    }
  });

  it('delivers a line as soon as its newline arrives, not before', () => {
    const rec = record();
    rec.splitter.push(Buffer.from('/NEW:1|Hel'));
    expect(rec.lines).toEqual([]);
    rec.splitter.push(Buffer.from('lo\n/PEE'));
    expect(rec.lines).toEqual(['/NEW:1|Hello']);
    rec.splitter.push(Buffer.from('RS:\n'));
    expect(rec.lines).toEqual(['/NEW:1|Hello', '/PEERS:']);
  });

  it('strips \\r\\n endings, including a \\r and \\n in different chunks', () => {
    expect(feed(['a\r\nb\r', '\nc\r\n']).lines).toEqual(['a', 'b', 'c']);
  });

  it('keeps a \\r in the middle of a line', () => {
    expect(feed(['a\rb\n']).lines).toEqual(['a\rb']);
  });

  it('ignores empty lines and lines holding only \\r', () => {
    expect(feed(['\n\n\r\nx\n\n', '\n']).lines).toEqual(['x']);
  });

  it('ignores empty chunks', () => {
    expect(feed([Buffer.alloc(0), 'x', Buffer.alloc(0), '\n']).lines).toEqual(['x']);
  });

  it('delivers a final line without newline only on end()', () => {
    const rec = record();
    rec.splitter.push(Buffer.from('/NEW:1|Hello'));
    expect(rec.lines).toEqual([]);
    rec.splitter.end();
    expect(rec.lines).toEqual(['/NEW:1|Hello']);
  });

  it('end() after a newline-terminated line delivers nothing more', () => {
    const rec = feed(['a\n']);
    expect(rec.lines).toEqual(['a']);
    rec.splitter.end();
    expect(rec.lines).toEqual(['a']);
  });

  it('decodes multi-byte UTF-8 characters split across chunks at every byte', () => {
    const text = 'é✓😀中文';
    const bytes = Buffer.from(`${text}\n`);
    for (let at = 1; at < bytes.length; at += 1) {
      expect(feed([bytes.subarray(0, at), bytes.subarray(at)]).lines).toEqual([text]);
    }
    const oneByOne = [...bytes].map((byte) => Buffer.from([byte]));
    expect(feed(oneByOne).lines).toEqual([text]);
  });
});

describe('LineSplitter: byte cap', () => {
  const cap = 16;

  it('accepts a line of exactly the cap', () => {
    const line = 'x'.repeat(cap);
    const rec = feed([`${line}\n`], cap);
    expect(rec.lines).toEqual([line]);
    expect(rec.oversize).toEqual([]);
  });

  it('accepts a line of exactly the cap fed one byte at a time', () => {
    const line = 'y'.repeat(cap);
    const rec = feed([...`${line}\n`], cap);
    expect(rec.lines).toEqual([line]);
    expect(rec.oversize).toEqual([]);
  });

  it('counts the cap in bytes, not characters', () => {
    const fits = 'é'.repeat(cap / 2); // 2 bytes each
    expect(feed([`${fits}\n`], cap).lines).toEqual([fits]);
    const tooLong = `${fits}a`;
    const rec = feed([`${tooLong}\n`], cap);
    expect(rec.lines).toEqual([]);
    expect(rec.oversize).toEqual([cap + 1]);
  });

  it('rejects a line of cap + 1 bytes via onOversize, and still delivers the next line', () => {
    const rec = feed([`${'x'.repeat(cap + 1)}\nnext\n`], cap);
    expect(rec.lines).toEqual(['next']);
    expect(rec.oversize).toEqual([cap + 1]);
  });

  it('rejects cap + 1 bytes fed one byte at a time, and still delivers the next line', () => {
    const rec = feed([...`${'x'.repeat(cap + 1)}\nok\n`], cap);
    expect(rec.lines).toEqual(['ok']);
    expect(rec.oversize).toEqual([cap + 1]);
  });

  it('reports the whole length of an oversize line split over chunks, once', () => {
    const rec = feed(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(30), '\nafter\n'], cap);
    expect(rec.oversize).toEqual([50]);
    expect(rec.lines).toEqual(['after']);
  });

  it('reports an oversize line without newline when end() is called', () => {
    const rec = feed(['ok\n', 'z'.repeat(cap + 5)], cap, false);
    expect(rec.oversize).toEqual([]);
    rec.splitter.end();
    expect(rec.lines).toEqual(['ok']);
    expect(rec.oversize).toEqual([cap + 5]);
  });

  it('does not let an oversize line swallow lines before it in the same chunk', () => {
    const rec = feed([`a\nb\n${'q'.repeat(cap * 3)}\nc`], cap);
    expect(rec.lines).toEqual(['a', 'b', 'c']);
    expect(rec.oversize).toEqual([cap * 3]);
  });

  it('handles two oversize lines in a row as two reports', () => {
    const rec = feed([`${'a'.repeat(cap + 1)}\n${'b'.repeat(cap + 2)}\nc\n`], cap);
    expect(rec.oversize).toEqual([cap + 1, cap + 2]);
    expect(rec.lines).toEqual(['c']);
  });

  it('keeps memory bounded: 10 MB in 64 KiB chunks with a 64 KiB cap is never accumulated', async () => {
    const chunkSize = 64 * 1024;
    const total = 10 * 1024 * 1024;
    const rec = record(chunkSize);
    collectGarbage();
    const before = process.memoryUsage().arrayBuffers;
    // Fresh chunks, as a socket delivers them: if the splitter kept any of them, the heap would grow by 10 MB.
    for (let fed = 0; fed < total; fed += chunkSize) rec.splitter.push(Buffer.alloc(chunkSize, 0x61));
    expect(await retainedBytesSettle(before, 2 * 1024 * 1024)).toBeLessThan(2 * 1024 * 1024);
    expect(rec.oversize).toEqual([]);
    rec.splitter.push(Buffer.from('\nstill alive\n'));
    expect(rec.oversize).toHaveLength(1);
    expect(rec.oversize[0]).toBeGreaterThanOrEqual(total);
    expect(rec.lines).toEqual(['still alive']);
  });

  it('does not count the \\r of a \\r\\n ending toward the cap', () => {
    const rec = feed([`${'a'.repeat(cap)}\r\n${'b'.repeat(cap + 1)}\r\nc\n`], cap);
    expect(rec.lines).toEqual(['a'.repeat(cap), 'c']);
    expect(rec.oversize).toHaveLength(1);
    expect(rec.oversize[0]).toBeGreaterThan(cap);
  });

  it('uses a 64 KiB default cap', () => {
    expect(DEFAULT_MAX_LINE_BYTES).toBe(64 * 1024);
  });
});
