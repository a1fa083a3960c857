import { describe, expect, it } from 'vitest';
import { selectPaths } from '../../src/node/path-select.js';

interface Rec {
  readonly path: readonly number[];
  readonly tag: string;
}

const rec = (tag: string, ...path: number[]): Rec => ({ tag, path });
const tags = (records: readonly Rec[]): string[] => records.map((r) => r.tag);

// Arrival order: a long one first, then two shortest (tied), a middle one, then two longest (tied).
const records: Rec[] = [
  rec('long1', 1, 14, 12, 4, 9, 10),
  rec('short1', 1, 10),
  rec('mid', 1, 3, 10),
  rec('short2', 5, 10),
  rec('long2', 1, 2, 3, 4, 5, 10),
];

describe('selectPaths', () => {
  it('"all" returns every path in arrival order', () => {
    expect(tags(selectPaths(records, 'all'))).toEqual(['long1', 'short1', 'mid', 'short2', 'long2']);
  });

  it('"shortest" returns every path tied for shortest, in arrival order', () => {
    expect(tags(selectPaths(records, 'shortest'))).toEqual(['short1', 'short2']);
  });

  it('"longest" returns every path tied for longest, in arrival order', () => {
    expect(tags(selectPaths(records, 'longest'))).toEqual(['long1', 'long2']);
  });

  it('"shortest & longest" returns the shortest group first, then the longest, middle ones left out', () => {
    expect(tags(selectPaths(records, 'shortest & longest'))).toEqual(['short1', 'short2', 'long1', 'long2']);
  });

  it('a single path is both shortest and longest, and is listed once', () => {
    const one = [rec('only', 1, 2, 3)];
    for (const selection of ['all', 'shortest', 'longest', 'shortest & longest'] as const) {
      expect(tags(selectPaths(one, selection)), selection).toEqual(['only']);
    }
  });

  it('when every path has the same length, every selection returns all of them once, in order', () => {
    const same = [rec('a', 1, 2), rec('b', 3, 2), rec('c', 4, 2)];
    for (const selection of ['shortest', 'longest', 'shortest & longest'] as const) {
      expect(tags(selectPaths(same, selection)), selection).toEqual(['a', 'b', 'c']);
    }
  });

  it('an empty list gives an empty list for every selection', () => {
    for (const selection of ['all', 'shortest', 'longest', 'shortest & longest'] as const) {
      expect(selectPaths([], selection), selection).toEqual([]);
    }
  });

  it('returns the records themselves (with their other fields) and never mutates the input', () => {
    const input = [...records];
    const picked = selectPaths(input, 'shortest & longest');
    expect(picked[0]).toBe(records[1]);
    expect(input).toEqual(records);
    picked.length = 0;
    expect(selectPaths(input, 'all')).toHaveLength(5);
    expect(selectPaths(input, 'all')).not.toBe(input);
  });

  it('handles the most paths a node can accept per message (16 relays x 1024 peers)', () => {
    const count = 16 * 1024;
    const many = Array.from({ length: count }, (_, i) =>
      rec(`r${i}`, ...Array.from({ length: (i % 7) + 1 }, () => 1)),
    );
    const both = selectPaths(many, 'shortest & longest');
    expect(both.filter((r) => r.path.length === 1)).toHaveLength(Math.ceil(count / 7));
    expect(both.filter((r) => r.path.length === 7)).toHaveLength(Math.floor(count / 7));
    expect(both).toHaveLength(Math.ceil(count / 7) + Math.floor(count / 7));
  });
});
