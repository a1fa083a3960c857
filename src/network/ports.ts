// Checks that the addresses a network needs are free before anything is started.

import net from 'node:net';

/** The addresses among `addresses` that cannot be bound (taken, or not an address of this machine). */
export async function findBusyAddresses<T extends { host: string; port: number }>(
  addresses: readonly T[],
): Promise<T[]> {
  const free = await Promise.all(addresses.map((address) => canBind(address.host, address.port)));
  return addresses.filter((_, index) => !free[index]);
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
