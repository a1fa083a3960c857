// One line to an address over a short connection of its own, then close: how a node checks a HELLO back
// (handshake.ts). Errors are the check's failure, which the handshake's timeout reports; nothing to handle.

import type { PeerAddress } from '../protocol/address.js';
import { dial, readyEvent } from '../tls/dial.js';
import type { ClientTls } from '../tls/secure-context.js';

export function dialOnce(
  to: PeerAddress,
  line: string,
  /** tls: the node's own certificate, as on its peer links. */
  options: { localAddress?: string | undefined; timeoutMs: number; tls?: ClientTls | undefined },
): void {
  const { localAddress } = options;
  const socket = dial(options.tls, {
    host: to.host,
    port: to.port,
    ...(localAddress === undefined ? {} : { localAddress, family: localAddress.includes(':') ? 6 : 4 }),
  });
  socket.setTimeout(options.timeoutMs, () => socket.destroy());
  socket.on(readyEvent(socket), () => socket.end(line));
  socket.on('error', () => socket.destroy());
  // The other side has nothing to say; reading keeps the socket from holding its FIN half-open.
  socket.resume();
}
