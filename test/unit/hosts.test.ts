import { describe, expect, it } from 'vitest';
import { nextHost, parseHosts } from '../../src/network/hosts.js';

describe('parseHosts', () => {
  it('expands an IPv4 range, across octet boundaries too', () => {
    expect(parseHosts('127.0.0.2-127.0.0.5')).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']);
    expect(parseHosts('10.0.0.254-10.0.1.1')).toEqual(['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
    expect(parseHosts('127.0.0.2-127.0.0.17')).toHaveLength(16);
  });

  it('takes a comma-separated list of addresses or names', () => {
    expect(parseHosts('10.0.0.5, node3 ,::1')).toEqual(['10.0.0.5', 'node3', '::1']);
  });

  it.each([
    ['127.0.0.9-127.0.0.2', /lower to a higher/],
    ['127.0.0.1-127.0.255.255', /at most 1000/],
    ['300.0.0.1-300.0.0.4', /lower to a higher/],
    ['a,,b', /range like/],
    ['a b', /range like/],
    ['x,x', /listed twice/],
  ])('refuses %j with a clear error', (text, message) => {
    expect(() => parseHosts(text)).toThrow(message);
  });
});

describe('nextHost', () => {
  it('gives the address after the highest one', () => {
    expect(nextHost(['127.0.0.2', '127.0.0.17', '127.0.0.9'])).toBe('127.0.0.18');
    expect(nextHost(['10.0.0.255'])).toBe('10.0.1.0');
  });

  it('has no answer for names', () => {
    expect(nextHost(['node1', '127.0.0.2'])).toBeUndefined();
  });
});
