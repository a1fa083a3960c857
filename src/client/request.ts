// One request to a node over TCP: connect, write one line, read the reply, close. Every failure becomes
// a GossipError with a code, so the CLI can tell the user what happened.

import { GossipError } from '../errors.js';
import { formatHostPort } from '../protocol/address.js';
import { offerAuth } from '../protocol/auth.js';
import { readyEvent } from '../tls/dial.js';
import { describeClientTlsError } from '../tls/refusals.js';
import { dialNode } from './client-tls.js';

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

/** With a cluster key: authenticate the connection first (as `who`, to node `to`) and check the node's proof. */
export interface RequestAuth {
  key: Buffer;
  who: string;
  to: number;
}

export function sendRequest(
  address: NodeAddress,
  line: string,
  framing: ReplyFraming,
  timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  auth?: RequestAuth,
): Promise<string> {
  const where = formatAddress(address);
  const offer = auth === undefined ? undefined : offerAuth(auth.key, auth.who, auth.to);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    // With a key, the first reply line is the node's answer to /AUTH; the reply proper follows it.
    let authenticated = offer === undefined;
    const socket = dialNode({ host: address.host, port: address.port });
    const secure = readyEvent(socket) === 'secureConnect';
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
    /** Consumes the /AUTH answer at the front of what arrived; false when the request failed (or must wait). */
    const checkAuth = (): boolean => {
      if (authenticated || offer === undefined) return true;
      const all = Buffer.concat(chunks);
      const newline = all.indexOf(0x0a);
      if (newline === -1) return false;
      const answer = all.toString('utf8', 0, newline);
      if (!offer.check(answer)) {
        finish(authError(where, answer));
        return false;
      }
      authenticated = true;
      const rest = all.subarray(newline + 1);
      chunks.length = 0;
      bytes = rest.length;
      if (rest.length > 0) chunks.push(rest);
      if (framing === 'none') finish(undefined);
      return !settled;
    };
    socket.setNoDelay(true);
    socket.on(readyEvent(socket), () => {
      const request = (offer?.line ?? '') + line;
      if (framing === 'none' && offer === undefined) socket.end(request, () => finish(undefined));
      else socket.write(request);
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
      if (!checkAuth()) return;
      // Only the newest bytes can hold the end of the line (right after /AUTH: what followed its answer).
      const fresh = chunks[chunks.length - 1];
      if (framing === 'line' && fresh?.includes(0x0a) === true) {
        const text = Buffer.concat(chunks).toString('utf8');
        finish(undefined, text.slice(0, text.indexOf('\n')));
      }
    });
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (!authenticated) finish(authError(where, text.trimEnd()));
      else if (framing === 'close' || text !== '') finish(undefined, text.trimEnd());
      else
        finish(
          new GossipError(
            'GOSSIP_ERR_BAD_REPLY',
            `${where} closed the connection without replying${secure ? TLS_CLOSE_HINT : ''}`,
          ),
        );
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(connectionError(error, where, secure)));
  });
}

/** The node refused our /AUTH (its error says why), or answered without proving it holds the key. */
function authError(where: string, answer: string): GossipError {
  let refusal: string | undefined;
  try {
    const parsed = JSON.parse(answer) as { error?: unknown };
    if (typeof parsed.error === 'string') refusal = parsed.error;
  } catch {
    // not JSON: handled below
  }
  if (refusal !== undefined) {
    return new GossipError('GOSSIP_ERR_REJECTED', `${where} refused to authenticate us: ${refusal}`);
  }
  return new GossipError(
    'GOSSIP_ERR_BAD_REPLY',
    `${where} did not prove it holds the cluster key (answer: ${answer.slice(0, 80) || 'none'}); is it a node of this network?`,
  );
}

/**
 * Over TLS 1.3 the client's handshake ends before the node has checked the client's certificate: a node that
 * refuses it just closes (or resets) the connection, and this is all the client learns.
 */
const TLS_CLOSE_HINT =
  " (over TLS: the node refuses a certificate its cluster CA did not sign this way; check the network's certificates or GOSSIP_TLS_CERT, GOSSIP_TLS_KEY and GOSSIP_TLS_CA)";

function connectionError(error: NodeJS.ErrnoException, where: string, secure: boolean): GossipError {
  const tls = describeClientTlsError({ code: error.code, message: error.message });
  if (tls !== undefined) {
    return new GossipError('GOSSIP_ERR_REJECTED', `TLS with ${where} failed: ${tls}`, { cause: error });
  }
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
  const hint = secure && error.code === 'ECONNRESET' ? TLS_CLOSE_HINT : '';
  return new GossipError('GOSSIP_ERR_NODE_UNREACHABLE', `cannot talk to ${where}: ${error.message}${hint}`, {
    cause: error,
  });
}
