// The journal's batch buffer: records copied in as UTF-8 as they come, taken out as one view, reused.

import { describe, expect, it } from 'vitest';
import { BatchBytes } from '../../src/node/batch-bytes.js';

describe('BatchBytes', () => {
  it('holds the bytes of every text added, in order, multi-byte text included', () => {
    const bytes = new BatchBytes();
    bytes.add('{"k":"m","id":"héllo ✓ 😀_1"}\n');
    bytes.add('second\n');
    expect(bytes.take(false).toString('utf8')).toBe('{"k":"m","id":"héllo ✓ 😀_1"}\nsecond\n');
  });

  it('copies ASCII text unit by unit, between UTF-8 text, growing as it must', () => {
    const bytes = new BatchBytes();
    const ascii = `{"k":"p","p":[${'1,'.repeat(40_000)}2]`;
    bytes.add('é');
    bytes.addAscii(ascii);
    bytes.add('✓\n');
    expect(bytes.take(false).toString('utf8')).toBe(`é${ascii}✓\n`);
  });

  it('leads with a newline when the last line of the file was left ragged', () => {
    const bytes = new BatchBytes();
    bytes.add('line\n');
    expect(bytes.take(true).toString('utf8')).toBe('\nline\n');
    expect(bytes.take(false).toString('utf8')).toBe('line\n');
  });

  it('grows past its first size without losing what it held, and starts empty again when cleared', () => {
    const bytes = new BatchBytes();
    const lines = Array.from({ length: 5_000 }, (_, index) => `${'x'.repeat(index % 97)}é${index}\n`);
    for (const line of lines) bytes.add(line);
    const held = bytes.take(false);
    expect(held.length).toBeGreaterThan(64 * 1024);
    expect(held.toString('utf8')).toBe(lines.join(''));
    bytes.clear();
    bytes.add('again\n');
    expect(bytes.take(false).toString('utf8')).toBe('again\n');
  });
});
