// Checks that the ports a network needs are free before anything is started.

import net from 'node:net';

/** Resolves with the ports among `ports` that cannot be bound on `host`. */
export async function findBusyPorts(host: string, ports: readonly number[]): Promise<number[]> {
  const busy = await Promise.all(
    ports.map((port) => canBind(host, port).then((free) => (free ? undefined : port))),
  );
  return busy.filter((port): port is number => port !== undefined);
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
