// Allocates a free, contiguous port range for one test, away from the default 7001-7016, so test files
// running in parallel (and a user's own network) never collide.

import net from 'node:net';

const LOW = 10_000;
// Below the kernel's ephemeral range (32768+), so outgoing peer links never take a port a test needs.
const HIGH = 32_000;

/** Returns base such that base+1 .. base+count are all free on host. */
export async function allocatePortRange(count: number, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = LOW + Math.floor(Math.random() * (HIGH - LOW - count - 1));
    const ports = Array.from({ length: count }, (_, index) => base + 1 + index);
    const free = await Promise.all(ports.map((port) => canBind(port, host)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no free range of ${count} ports found`);
}

/** A port free on every one of `hosts` (a multi-host network listens on one port everywhere). */
export async function allocateSharedPort(hosts: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    const free = await Promise.all(hosts.map((host) => canBind(port, host)));
    if (free.every(Boolean)) return port;
  }
  throw new Error(`no port free on all of ${hosts.join(', ')}`);
}

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
