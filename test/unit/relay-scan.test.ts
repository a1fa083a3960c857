// The fast scan of /RELAY lines against JSON.parse: whatever the scan takes, the general parser reads the
// same way; what it does not take is left to the general parser (never refused by the scan itself).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NODE_ID } from '../../src/protocol/limits.js';
import { encodeRelay } from '../../src/protocol/relay-line.js';
import { scanRelay } from '../../src/protocol/relay-scan.js';

const body = (line: string) => line.slice('/RELAY:'.length).replace(/\n$/, '');

describe('scanRelay', () => {
  it('reads every compact line our nodes write, keeping the id and path as they came', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: MAX_NODE_ID }), { minLength: 1, maxLength: 30 }),
        fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
        (relays, text, path, clock) => {
          const id = `${text}_1795426696500612060`;
          const args = body(encodeRelay(relays, id, path, clock));
          const scan = scanRelay(args);
          // Ids that JSON escapes go the general way.
          if (JSON.stringify(id) !== `"${id}"`) {
            expect(scan).toBeUndefined();
            return;
          }
          expect(scan).toEqual({
            relays,
            id,
            idJson: JSON.stringify(id),
            path,
            pathText: path.join(','),
            clock,
          });
        },
      ),
    );
  });

  it('takes nothing JSON.parse would read otherwise, whatever the bytes', () => {
    const noise = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc
        .tuple(
          fc.constantFrom('1|["a_1",[', '2|["x_9",[1,', '1|["b_2",[3]', '1|[" _1",[2]],'),
          fc.string({ maxLength: 12 }),
        )
        .map(([head, tail]) => head + tail),
    );
    fc.assert(
      fc.property(noise, (args) => {
        const scan = scanRelay(args);
        if (scan === undefined) return;
        const bar = args.indexOf('|');
        const json = JSON.parse(args.slice(bar + 1)) as [string, number[], number?];
        expect(Number(args.slice(0, bar))).toBe(scan.relays);
        expect(json[0]).toBe(scan.id);
        expect(json[1]).toEqual(scan.path);
        expect(json[2]).toBe(scan.clock);
      }),
      { numRuns: 5_000 },
    );
  });

  it('leaves spaces, escapes, leading zeros and out-of-range hops to the general parser', () => {
    for (const args of [
      '1|["a_1", [1, 2]]',
      '1|["a\\"b_1",[1]]',
      '01|["a_1",[1]]',
      '1|["a_1",[01]]',
      `1|["a_1",[${MAX_NODE_ID + 1}]]`,
      '1|["a_1",[]]',
      '1|["a_1",[1,]]',
      '1|["a_1",[1]],',
      '1|["a_1",[1],]',
      '1|["a_1",[1]]x',
      '1|["a_1",[1]',
    ]) {
      expect(scanRelay(args), args).toBeUndefined();
    }
  });
});
