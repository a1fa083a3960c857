// The relaysOverLimit counter (docs/protocol.md, /STATS): an arrival of a message from a peer beyond the relay count it
// first came with is refused and counted; nothing of it is kept.

import { describe, expect, it } from 'vitest';
import { unstartedNode } from '../helpers/lone-node.js';

describe('relays over the limit', () => {
  it('counts each arrival from one peer beyond the relay count, and keeps only the paths within it', () => {
    const node = unstartedNode();
    const counters = () => node.stats(process.pid).counters;
    // Relay count 2: two arrivals from peer 2 are taken, the third and fourth are over the limit.
    for (const path of [[2], [3, 2], [4, 2], [5, 2]]) node.relay('limited_1796670000000000000', path, 2);
    // Another peer has a count of its own.
    node.relay('limited_1796670000000000000', [6, 3], 2);
    expect(counters().relaysOverLimit).toBe(2);
    expect(counters().relaysIn).toBe(5);
    const [message] = [...node.listMessages('all', 'all', true)];
    expect(message?.paths.map(({ path }) => path.join('-'))).toEqual(['2-1', '3-2-1', '6-3-1']);
    // A later arrival cannot raise the limit: the count the message first came with holds.
    node.relay('limited_1796670000000000000', [7, 2], 16);
    expect(counters().relaysOverLimit).toBe(3);
  });
});
