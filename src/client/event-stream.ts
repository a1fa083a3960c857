// Follows one node's `/EVENTS` stream: validates every line, reports when the stream is live or lost, and
// reconnects with capped backoff, so a node that restarts is picked up again by itself.

import type net from 'node:net';
import { type NodeEvent, parseNodeEvent } from '../protocol/events.js';
import { LineSplitter } from '../protocol/framing.js';
import { readyEvent } from '../tls/dial.js';
import { dialNode } from './client-tls.js';
import type { NodeAddress } from './request.js';

/** First reconnect delay after a stream is lost; it doubles up to FOLLOW_RETRY_MAX_MS. */
export const FOLLOW_RETRY_MIN_MS = 200;
export const FOLLOW_RETRY_MAX_MS = 2_000;
/** A connection attempt that has not connected by then is abandoned (and retried). */
const CONNECT_TIMEOUT_MS = 2_000;
/** Cap on one event line (an event carries at most a message id and a path). */
const MAX_EVENT_LINE_BYTES = 1024 * 1024;

export interface FollowHandlers {
  event(event: NodeEvent): void;
  /** The stream was live (its snapshot had arrived) and is lost; it is being re-established. */
  lost(): void;
}

export interface EventFollower {
  close(): void;
}

export function followEvents(address: NodeAddress, handlers: FollowHandlers): EventFollower {
  let closed = false;
  let socket: net.Socket | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = FOLLOW_RETRY_MIN_MS;
  let live = false;

  const lost = (): void => {
    if (closed) return;
    socket?.destroy();
    socket = undefined;
    if (live) handlers.lost();
    live = false;
    retry = setTimeout(connect, delay);
    delay = Math.min(delay * 2, FOLLOW_RETRY_MAX_MS);
  };

  function connect(): void {
    retry = undefined;
    const current = dialNode({ host: address.host, port: address.port });
    socket = current;
    const timer = setTimeout(() => {
      if (socket === current) lost();
    }, CONNECT_TIMEOUT_MS);
    const splitter = new LineSplitter(MAX_EVENT_LINE_BYTES, {
      onLine: (line) => {
        const event = parseNodeEvent(line);
        if (event === undefined || socket !== current) return;
        if (event.event === 'snapshot') {
          live = true;
          delay = FOLLOW_RETRY_MIN_MS;
        }
        handlers.event(event);
        // We fell behind and missed events: subscribe again for a fresh snapshot (the stream stays live).
        if (event.event === 'events.dropped') {
          current.destroy();
          connect();
        }
      },
      onOversize: () => {},
    });
    current.setNoDelay(true);
    current.on(readyEvent(current), () => {
      clearTimeout(timer);
      current.write('/EVENTS:\n');
    });
    current.on('data', (chunk: Buffer) => splitter.push(chunk));
    current.on('error', () => {
      clearTimeout(timer);
      if (socket === current) lost();
    });
    current.on('close', () => {
      clearTimeout(timer);
      if (socket === current) lost();
    });
  }

  connect();
  return {
    close: () => {
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
      socket?.destroy();
      socket = undefined;
    },
  };
}
