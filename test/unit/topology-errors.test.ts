import { describe, expect, it } from 'vitest';
import {
  describeTopology,
  type GenerateOptions,
  generateTopology,
  TopologyError,
  type TopologySpec,
} from '../../src/topology/generators.js';

/** The TopologyError a request fails with; fails the test if it succeeds or throws something else. */
function failure(spec: TopologySpec, options: Partial<GenerateOptions>): TopologyError {
  try {
    generateTopology(spec, { n: 10, seed: 1, maxPeers: 100, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(TopologyError);
    return error as TopologyError;
  }
  throw new Error(`expected ${describeTopology(spec)} with ${JSON.stringify(options)} to be refused`);
}

const random = (degree: number): TopologySpec => ({ kind: 'random', degree });

describe('options shared by every kind', () => {
  it.each([
    [{ n: 1 }, 'a network needs at least 2 nodes, got 1; use -n 2 or more'],
    [{ n: 1001 }, 'at most 1000 nodes are supported, got 1001; use -n 1000 or fewer'],
    [{ n: 4.5 }, '-n must be a whole number of nodes, got 4.5'],
    [{ maxPeers: 0 }, '--max-peers must be a whole number of 1 or more, got 0'],
    [{ seed: 1.5 }, '--seed must be a whole number, got 1.5'],
  ])('%j is refused', (options, message) => {
    expect(failure({ kind: 'circular' }, options).message).toBe(message);
  });

  it('names the valid kinds for an unknown one', () => {
    const spec = { kind: 'mesh' } as unknown as TopologySpec;
    expect(() => generateTopology(spec, { n: 4, seed: 1, maxPeers: 3 })).toThrow(
      'unknown topology mesh; use random, circular, powerlaw or turan',
    );
  });

  it('is an Error named TopologyError', () => {
    const error = failure({ kind: 'circular' }, { n: 1 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TopologyError');
  });
});

describe('random', () => {
  it.each([
    [random(3), { n: 3 }, 'a random 3-regular graph needs more than 3 nodes; use -n 4 or more'],
    [
      random(3),
      { n: 15 },
      'n x degree must be even: 15 nodes x 3 peers = 45 is odd; use an even -n or another degree',
    ],
    [
      random(4),
      { maxPeers: 3 },
      'random 4 gives every node 4 peers, above --max-peers 3; lower the degree or raise --max-peers',
    ],
    [random(1), { n: 4 }, 'random 1 splits 4 nodes into isolated pairs; use random 2 or more'],
    [random(0), {}, 'random needs a whole number of peers of 1 or more, got 0; e.g. random 3'],
    [random(2.5), {}, 'random needs a whole number of peers of 1 or more, got 2.5; e.g. random 3'],
  ])('%j with %j', (spec, options, message) => {
    expect(failure(spec, options).message).toBe(message);
  });
});

describe('circular', () => {
  it('needs two peers per node beyond two nodes', () => {
    expect(failure({ kind: 'circular' }, { n: 5, maxPeers: 1 }).message).toBe(
      'circular gives every node 2 peers, above --max-peers 1; pass --max-peers 2 or more',
    );
  });
});

describe('powerlaw', () => {
  it.each([
    [{ m: 0, p: 0.5 }, {}, /powerlaw m .* 1 or more, got 0/],
    [{ m: 3, p: 1.5 }, {}, /powerlaw p .* between 0 and 1, got 1.5/],
    [{ m: 3, p: Number.NaN }, {}, /powerlaw p .* between 0 and 1, got NaN/],
    [{ m: 3, p: 0.5 }, { maxPeers: 1 }, /--max-peers 2 or more/],
  ])('%j with %j', (params, options, message) => {
    expect(failure({ kind: 'powerlaw', ...params }, options).message).toMatch(message);
  });
});

describe('turan', () => {
  it.each([
    [
      2,
      { n: 16, maxPeers: 3 },
      'turan 2 gives nodes 8 peers, above --max-peers 3; pass --max-peers 8 or more',
    ],
    // Parts 3, 3, 4: nodes in the small parts get 7 peers, so that is what --max-peers must allow.
    [
      3,
      { n: 10, maxPeers: 6 },
      'turan 3 gives nodes 7 peers, above --max-peers 6; pass --max-peers 7 or more',
    ],
    [1, {}, 'turan needs between 2 and 10 partitions for 10 nodes, got 1; use turan 2 to turan 10'],
    [11, {}, 'turan needs between 2 and 10 partitions for 10 nodes, got 11; use turan 2 to turan 10'],
    [2.5, {}, 'turan needs between 2 and 10 partitions for 10 nodes, got 2.5; use turan 2 to turan 10'],
  ])('turan %d with %j', (partitions, options, message) => {
    expect(failure({ kind: 'turan', partitions }, options).message).toBe(message);
  });

  it('accepts exactly the needed --max-peers', () => {
    expect(() =>
      generateTopology({ kind: 'turan', partitions: 3 }, { n: 10, seed: 1, maxPeers: 7 }),
    ).not.toThrow();
  });
});

describe('describeTopology', () => {
  it.each([
    [random(3), 'random 3-regular'],
    [{ kind: 'circular' }, 'circular'],
    [{ kind: 'powerlaw', m: 3, p: 0.5 }, 'powerlaw (Holme-Kim m=3, p=0.5)'],
    [{ kind: 'turan', partitions: 4 }, 'turan 4'],
  ] as const)('%j -> %s', (spec, text) => {
    expect(describeTopology(spec)).toBe(text);
  });
});
