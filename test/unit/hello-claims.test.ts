// Who a HELLO may claim to be: a peer configured by name (`--peers 2@localhost:7002`) says hello from the
// address it listens on (127.0.0.1:7002), and that is no contradiction; another IP or port is.

import { describe, expect, it } from 'vitest';
import { claimProblem } from '../../src/node/hello-claims.js';
import { mayBeSameAddress } from '../../src/protocol/address.js';

const self = { id: 1, host: '127.0.0.1', port: 7001 };
const flags = { home: true, join: false };

describe('HELLO claims and addresses', () => {
  it('takes a peer linked by name that says hello from an IP address on the same port', () => {
    const linked = { id: 2, host: 'localhost', port: 7002 };
    const known = { linked, left: false, cut: false };
    expect(claimProblem({ id: 2, host: '127.0.0.1', port: 7002 }, flags, self, known)).toBeUndefined();
    expect(claimProblem({ id: 2, host: '127.0.0.1', port: 7009 }, flags, self, known)).toBe(
      'node 2 is at localhost:7002',
    );
  });

  it('refuses a linked peer claimed from another IP address', () => {
    const known = { linked: { id: 2, host: '127.0.0.2', port: 7002 }, left: false, cut: false };
    expect(claimProblem({ id: 2, host: '127.0.0.3', port: 7002 }, flags, self, known)).toBe(
      'node 2 is at 127.0.0.2:7002',
    );
  });

  it('compares IP literals exactly, and lets a name stand for any host on the same port', () => {
    expect(mayBeSameAddress({ host: '::1', port: 1 }, { host: '127.0.0.1', port: 1 })).toBe(false);
    expect(mayBeSameAddress({ host: 'node2', port: 7000 }, { host: '10.0.0.5', port: 7000 })).toBe(true);
    expect(mayBeSameAddress({ host: 'node2', port: 7000 }, { host: '10.0.0.5', port: 7001 })).toBe(false);
  });
});
