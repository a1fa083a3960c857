import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClusterKey } from '../../src/cluster-key.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gossip-key-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loadClusterKey', () => {
  it('is undefined when no key is given, or an empty one', () => {
    expect(loadClusterKey({})).toBeUndefined();
    expect(loadClusterKey({ file: '', value: '' })).toBeUndefined();
  });

  it('reads a key file, without its trailing newline', async () => {
    const file = path.join(dir, 'key');
    await writeFile(file, `${'ab'.repeat(32)}\n`);
    expect(loadClusterKey({ file })?.toString()).toBe('ab'.repeat(32));
  });

  it('takes the key from the environment value', () => {
    expect(loadClusterKey({ value: ' 0123456789abcdef ' })?.toString()).toBe('0123456789abcdef');
  });

  it('refuses a short key, a missing file, a huge file, and two sources at once', async () => {
    expect(() => loadClusterKey({ value: 'short' })).toThrow(/at least 16/);
    expect(() => loadClusterKey({ file: path.join(dir, 'nope') })).toThrow(
      /cannot read the cluster key file/,
    );
    const huge = path.join(dir, 'huge');
    await writeFile(huge, 'x'.repeat(10_000));
    expect(() => loadClusterKey({ file: huge })).toThrow(/a key is one line/);
    expect(() => loadClusterKey({ file: huge, value: '0123456789abcdef' })).toThrow(/one way only/);
  });
});
