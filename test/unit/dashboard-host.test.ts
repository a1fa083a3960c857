import { describe, expect, it } from 'vitest';
import { allowedHost } from '../../src/dashboard/http-server.js';

describe('dashboard: which Host headers are answered (no DNS rebinding)', () => {
  it('answers IP addresses, localhost and the --host name, with or without a port', () => {
    for (const host of [
      '127.0.0.1:8080',
      '127.0.0.1',
      'localhost:8080',
      'LOCALHOST',
      '[::1]:8080',
      '10.1.2.3:80',
    ]) {
      expect(allowedHost(host, '127.0.0.1'), host).toBe(true);
    }
    expect(allowedHost('gossip-box:8080', 'gossip-box')).toBe(true);
  });

  it('refuses any other name, and a request without Host', () => {
    expect(allowedHost('evil.example:8080', '127.0.0.1')).toBe(false);
    expect(allowedHost('localhost.evil.example', '127.0.0.1')).toBe(false);
    expect(allowedHost(undefined, '127.0.0.1')).toBe(false);
  });
});
