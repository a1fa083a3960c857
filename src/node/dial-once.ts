// One line to an address over a short connection of its own, then close: how a node checks a HELLO back
// (handshake.ts). Errors are the check's failure, which the handshake's timeout reports; nothing to handle.

import net from 'node:net';
import type { PeerAddress } from '../protocol/address.js';

export function dialOnce(
  to: PeerAddress,
  line: string,
  options: { localAddress?: string | undefined; timeoutMs: number },
): void {
  const { localAddress } = options;
  const socket = net.connect({
    host: to.host,
    port: to.port,
    ...(localAddress === undefined ? {} : { localAddress, family: localAddress.includes(':') ? 6 : 4 }),
  });
  socket.setTimeout(options.timeoutMs, () => socket.destroy());
  socket.on('connect', () => socket.end(line));
  socket.on('error', () => socket.destroy());
  // The other side has nothing to say; reading keeps the socket from holding its FIN half-open.
  socket.resume();
}
