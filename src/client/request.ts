// One request to a node over TCP: connect, write one line, read the reply, close. Every failure becomes
// a GossipError with a code, so the CLI can tell the user what happened.

import net from 'node:net';
import { GossipError } from '../errors.js';
import { formatHostPort } from '../protocol/address.js';

export interface NodeAddress {
  host: string;
  port: number;
}

/** How the reply ends: one JSON line (our commands), the server closing (reference /GET, /PEERS), or no reply. */
export type ReplyFraming = 'line' | 'close' | 'none';

/** Default time a request may take before the client gives up. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/** Cap on a reply we are willing to buffer (a node holding many messages answers with large listings). */
const MAX_REPLY_BYTES = 512 * 1024 * 1024;

export function formatAddress(address: NodeAddress): string {
  return formatHostPort(address.host, address.port);
}

export function sendRequest(
  address: NodeAddress,
  line: string,
  framing: ReplyFraming,
  timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
): Promise<string> {
  const where = formatAddress(address);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const socket = net.connect({ host: address.host, port: address.port });
    const finish = (error: GossipError | undefined, reply = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error === undefined) resolve(reply);
      else reject(error);
    };
    const timer = setTimeout(
      () => finish(new GossipError('GOSSIP_ERR_TIMEOUT', `no reply from ${where} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.setNoDelay(true);
    socket.on('connect', () => {
      if (framing === 'none') socket.end(line, () => finish(undefined));
      else socket.write(line);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes > MAX_REPLY_BYTES) {
        finish(
          new GossipError(
            'GOSSIP_ERR_BAD_REPLY',
            `reply from ${where} is larger than ${MAX_REPLY_BYTES} bytes`,
          ),
        );
        return;
      }
      if (framing === 'line' && chunk.includes(0x0a)) {
        const text = Buffer.concat(chunks).toString('utf8');
        finish(undefined, text.slice(0, text.indexOf('\n')));
      }
    });
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (framing === 'close' || text !== '') finish(undefined, text.trimEnd());
      else finish(new GossipError('GOSSIP_ERR_BAD_REPLY', `${where} closed the connection without replying`));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(connectionError(error, where)));
  });
}

function connectionError(error: NodeJS.ErrnoException, where: string): GossipError {
  if (error.code === 'ECONNREFUSED') {
    return new GossipError(
      'GOSSIP_ERR_NODE_UNREACHABLE',
      `nothing is listening on ${where} (connection refused)`,
      {
        cause: error,
      },
    );
  }
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return new GossipError('GOSSIP_ERR_NODE_UNREACHABLE', `cannot resolve the host of ${where}`, {
      cause: error,
    });
  }
  return new GossipError('GOSSIP_ERR_NODE_UNREACHABLE', `cannot talk to ${where}: ${error.message}`, {
    cause: error,
  });
}
