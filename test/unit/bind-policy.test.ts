import { describe, expect, it } from 'vitest';
import { checkBind, isLoopbackHost } from '../../src/node/bind-policy.js';

describe('isLoopbackHost', () => {
  it.each([
    '127.0.0.1',
    '127.0.0.17',
    '127.255.255.254',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    'localhost',
    'LOCALHOST',
  ])('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true));

  it.each([
    '0.0.0.0',
    '::',
    '10.0.0.5',
    '192.168.1.2',
    '128.0.0.1',
    '::ffff:10.0.0.1',
    'node1',
    'fe80::1',
    'localhost.example.com',
  ])('%s is not loopback', (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe('checkBind', () => {
  it('allows loopback without a key, silently', () => {
    expect(checkBind({ host: '127.0.0.1', keyed: false, insecure: false })).toBeUndefined();
  });

  it.each(['0.0.0.0', '::', '10.0.0.5', 'node1'])(
    'refuses %s without a key, saying how to fix it',
    (host) => {
      expect(() => checkBind({ host, keyed: false, insecure: false })).toThrow(
        /--cluster-key-file.*--insecure/,
      );
    },
  );

  it('allows any bind with a key, silently', () => {
    expect(checkBind({ host: '0.0.0.0', keyed: true, insecure: false })).toBeUndefined();
  });

  it('allows a wide bind without a key only with --insecure, and warns', () => {
    expect(checkBind({ host: '0.0.0.0', keyed: false, insecure: true })).toMatch(/without a cluster key/);
  });
});
